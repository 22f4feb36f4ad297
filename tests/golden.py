"""Golden hashes of what a reader sees: each test pack's `tables/*.csv` and `headlines.json`
(minus its build time), by SHA-256. The hashes and the structure are committed, never the tables
themselves (no official data in the repository).

`make golden` rebuilds the packs and rewrites `tests/golden/hashes.json`; a commit that changes
figures on purpose regenerates them and says why.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

GOLDEN_AREAS = ["E06000033", "E10000012", "E06000034", "W06000015", "MID_ESSEX"]
HASHES = Path(__file__).parent / "golden" / "hashes.json"


def headlines_digest(path: Path) -> str:
    """SHA-256 of headlines.json with its `generated` time removed, keys sorted."""
    record = json.loads(path.read_text(encoding="utf-8"))
    record.pop("generated", None)
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def pack_hashes(folder: Path) -> dict[str, str]:
    """File name -> SHA-256 for one pack's tables and headlines."""
    hashes = {f"tables/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
              for p in sorted((folder / "tables").glob("*.csv"))}
    hashes["headlines.json"] = headlines_digest(folder / "headlines.json")
    return hashes


def all_hashes(root: Path, areas: list[str] = GOLDEN_AREAS) -> dict[str, dict[str, str]]:
    return {code: pack_hashes(root / code) for code in areas}


def main() -> int:
    from carerlib.pack.batch import run_batch

    with tempfile.TemporaryDirectory() as tmp:
        report = run_batch(GOLDEN_AREAS, force=True, out_root=tmp, progress=False)
        if report.failed:
            print(report.summary(), file=sys.stderr)
            return 1
        HASHES.write_text(json.dumps(all_hashes(Path(tmp)), indent=1, sort_keys=True) + "\n")
    print(f"wrote {HASHES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

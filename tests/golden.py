"""Golden hashes of what a reader sees: each test pack's `tables/*.csv` and `headlines.json`
(minus its build time), by SHA-256, and a YAML snapshot of each pack's structure (sections,
table and chart names). The hashes and the structure are committed, never the tables themselves
(no official data in the repository).

`make golden` rebuilds the packs and rewrites `tests/golden/hashes.json` and
`tests/golden/structure.yaml`; a commit that changes figures or structure on purpose regenerates
them and says why.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

GOLDEN_AREAS = ["E06000033", "E10000012", "E06000034", "W06000015", "MID_ESSEX"]
HASHES = Path(__file__).parent / "golden" / "hashes.json"
STRUCTURE = Path(__file__).parent / "golden" / "structure.yaml"


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


def pack_structure(folder: Path) -> list[dict]:
    """One pack's sections with their table and chart names (the pack's structure.json)."""
    return json.loads((folder / "structure.json").read_text(encoding="utf-8"))


def structure_yaml(root: Path, areas: list[str] = GOLDEN_AREAS) -> str:
    """The YAML snapshot of every golden pack's structure, areas in GOLDEN_AREAS order."""
    import yaml

    snapshot = {code: pack_structure(root / code) for code in areas}
    return yaml.safe_dump(snapshot, sort_keys=False, allow_unicode=True, width=100)


def main() -> int:
    from carerlib.pack.batch import run_batch

    with tempfile.TemporaryDirectory() as tmp:
        report = run_batch(GOLDEN_AREAS, force=True, out_root=tmp, progress=False)
        if report.failed:
            print(report.summary(), file=sys.stderr)
            return 1
        HASHES.write_text(json.dumps(all_hashes(Path(tmp)), indent=1, sort_keys=True) + "\n")
        STRUCTURE.write_text(structure_yaml(Path(tmp)), encoding="utf-8")
    print(f"wrote {HASHES} and {STRUCTURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

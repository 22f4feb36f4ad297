"""`carerlib data fetch`: HTTP download from a local server, mirror copy, checksums, and nothing
written from bad input."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import ts039_text

from carerlib.data import fetch
from carerlib.data.checksums import sha256
from carerlib.errors import CarerlibError, DataError

TS007_HEADER = ",".join(['"date"', '"geography"', '"geography code"',
                         '"Age: Total; measures: Value"']
                        + [f'"Age: Aged {a} years; measures: Value"' for a in range(1, 100)]
                        + ['"Age: Aged under 1 year; measures: Value"',
                           '"Age: Aged 100 years and over; measures: Value"'])


def ts007_text() -> str:
    # 101 single ages of 10 people each, total 1,010.
    row = ["2021", "Testshire", "E06000099", "1010"] + ["10"] * 101
    return TS007_HEADER + "\n" + ",".join(row) + "\n"


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, text in members.items():
            bundle.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture()
def server(tmp_path):
    """A file server on 127.0.0.1 serving the zips a test writes into its folder."""
    root = tmp_path / "site"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


def test_http_fetch_extracts_validates_and_records_sha(server, tmp_path):
    root, url = server
    (root / "census2021-ts039.zip").write_bytes(_zip({"census2021-ts039-ltla.csv": ts039_text()}))
    (root / "census2021-ts007.zip").write_bytes(_zip({"census2021-ts007-ltla.csv": ts007_text()}))
    dest = tmp_path / "cache"
    report = fetch.fetch(dest=dest, base_url=url, keys=["ts039_ltla", "ts007_ltla"])
    target = dest / "census2021" / "census2021-ts039-ltla.csv"
    assert target.read_text() == ts039_text()
    expected = hashlib.sha256(ts039_text().encode()).hexdigest()
    assert report.fetched["census2021/census2021-ts039-ltla.csv"] == expected
    manifest = json.loads((dest / "MANIFEST.json").read_text())
    entry = manifest["files"]["census2021/census2021-ts039-ltla.csv"]
    assert entry["sha256"] == expected
    assert entry["source"] == f"{url}/census2021-ts039.zip#census2021-ts039-ltla.csv"
    assert fetch.verify(dest) == []
    target.write_text(ts039_text() + "tampered\n")
    assert fetch.verify(dest) == ["census2021/census2021-ts039-ltla.csv"]


def test_bad_download_writes_nothing_and_keeps_earlier_file(server, tmp_path):
    root, url = server
    dest = tmp_path / "cache"
    (root / "census2021-ts039.zip").write_bytes(_zip({"census2021-ts039-ltla.csv": ts039_text()}))
    fetch.fetch(dest=dest, base_url=url, keys=["ts039_ltla"])
    good = (dest / "census2021" / "census2021-ts039-ltla.csv").read_text()
    manifest = (dest / "MANIFEST.json").read_text()
    bad = ts039_text().replace("155425", "-155425")
    (root / "census2021-ts039.zip").write_bytes(_zip({"census2021-ts039-ltla.csv": bad}))
    with pytest.raises(DataError) as caught:
        fetch.fetch(dest=dest, base_url=url, keys=["ts039_ltla"])
    assert str(caught.value).startswith(f"{url}/census2021-ts039.zip#census2021-ts039-ltla.csv, "
                                        "row 2, column")
    assert "count is negative" in str(caught.value)
    assert (dest / "census2021" / "census2021-ts039-ltla.csv").read_text() == good
    assert (dest / "MANIFEST.json").read_text() == manifest
    assert not list(dest.rglob("*.tmp"))


def test_missing_member_bad_zip_and_unreachable(server, tmp_path):
    root, url = server
    (root / "census2021-ts039.zip").write_bytes(_zip({"other.csv": "x"}))
    with pytest.raises(DataError, match="archive has no member 'census2021-ts039-ltla.csv'"):
        fetch.fetch(dest=tmp_path / "c", base_url=url, keys=["ts039_ltla"])
    (root / "census2021-ts039.zip").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not a valid zip archive"):
        fetch.fetch(dest=tmp_path / "c", base_url=url, keys=["ts039_ltla"])
    with pytest.raises(CarerlibError, match="download failed"):
        fetch.fetch(dest=tmp_path / "c", base_url=url + "/nowhere", keys=["ts039_ltla"])
    assert not (tmp_path / "c").exists()


def test_mirror_copy_matches_and_reports_gaps(mirror, tmp_path):
    dest = tmp_path / "cache"
    report = fetch.fetch(dest=dest, mirror=mirror, keys=["ts039_ltla", "qs301_lad2011"])
    for rel in ("census2021/census2021-ts039-ltla.csv", "census2011/qs301ew-lad2011.csv"):
        assert (dest / rel).read_bytes() == (mirror / rel).read_bytes()
        assert report.fetched[rel] == sha256(mirror / rel)
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    report = fetch.fetch(dest=tmp_path / "c2", mirror=empty, keys=["ts039_ltla"])
    assert report.fetched == {} and "not in mirror" in report.skipped["ts039_ltla"]
    assert not Path(tmp_path / "c2" / "MANIFEST.json").exists()


def test_every_dataset_is_checked_before_it_lands(mirror, tmp_path):
    from carerlib.data.datastore import registry

    assert set(registry().datasets) <= set(fetch.VALIDATORS)
    bad = tmp_path / "bad-mirror"
    (bad / "ascof").mkdir(parents=True)
    path = bad / "ascof" / "asc-outcomes-la-2015-16-to-2022-23.csv"
    path.write_text("garbage,not,ascof\n1,2,3\n")
    with pytest.raises(DataError, match="asc-outcomes-la-2015-16-to-2022-23.csv.*missing column"):
        fetch.fetch(dest=tmp_path / "cache", mirror=bad, keys=["ascof"])
    assert not (tmp_path / "cache").exists()
    with pytest.raises(CarerlibError, match="unknown dataset 'ts039'"):
        fetch.fetch(dest=tmp_path / "cache", mirror=mirror, keys=["ts039"])


def test_whole_mirror_passes_its_checks(mirror, tmp_path):
    report = fetch.fetch(dest=tmp_path / "cache", mirror=mirror)
    assert len(report.fetched) == 16  # every dataset except the UTLA TS039 the mirror lacks
    assert list(report.skipped) == ["ts039_utla"]


def test_fetch_refuses_a_headline_file_missing_an_area(mirror, tmp_path):
    """Coverage is checked before anything lands: TS039 without Basildon never reaches the cache
    (a county pack would otherwise have 12% fewer carers)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
    from hostile import edit_rows, has_code, link_mirror

    hostile = link_mirror(mirror, tmp_path / "mirror")
    edit_rows(hostile, "ts039", has_code("E07000066"))
    dest = tmp_path / "cache"
    with pytest.raises(DataError, match=r"mirror/census2021/census2021-ts039-ltla.csv: no row "
                                        r"for Basildon \(E07000066\)"):
        fetch.fetch(dest=dest, mirror=hostile, keys=["ts039_ltla", "ltla_utla_lookup"])
    assert not (dest / "MANIFEST.json").exists()


def test_fetch_reports_secondary_gaps_and_keeps_the_file(mirror, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
    from hostile import edit_rows, has_code, link_mirror

    hostile = link_mirror(mirror, tmp_path / "mirror")
    edit_rows(hostile, "qs301", has_code("E06000033", quoted=True))
    report = fetch.fetch(dest=tmp_path / "cache", mirror=hostile,
                         keys=["qs301_lad2011", "ltla_utla_lookup", "lad2011_lad2021_lookup"])
    assert report.gaps == ["qs301_lad2011: no row for Southend-on-Sea (E06000033)"]
    assert "areas missing from secondary data (1; packs say so):" in report.summary()

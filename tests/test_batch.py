"""Batches: a pack built in a batch (warm kernel, after other areas) is what the same pack built
alone is; reruns build only what is missing or out of date; the manifest records every pack."""

from __future__ import annotations

import json
import multiprocessing

import pytest
from pack_compare import differences

from carerlib.data import paths
from carerlib.errors import CarerlibError
from carerlib.pack.batch import run_batch
from carerlib.pack.manifest import MANIFEST, update_manifest
from carerlib.pack.runner import build_pack, clean_stale_staging

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def batch_then_alone(mirror, tmp_path_factory):
    """Southend built by one warm worker after Cardiff and Essex, and built on its own."""
    batch = tmp_path_factory.mktemp("batch")
    report = run_batch(["W06000015", "E10000012", "E06000033"], workers=1, out_root=batch,
                       progress=False)
    assert report.built == ["W06000015", "E10000012", "E06000033"], report.summary()
    alone = tmp_path_factory.mktemp("alone")
    build_pack("E06000033", out_root=alone)
    return batch, alone


def test_batch_pack_identical_to_pack_built_alone(batch_then_alone):
    batch, alone = batch_then_alone
    assert differences(batch / "E06000033", alone / "E06000033") == []
    # and the comparison can see a difference when there is one
    assert differences(batch / "E10000012", alone / "E06000033")


def test_batch_pack_has_real_figures(batch_then_alone):
    batch, _ = batch_then_alone
    carers = (batch / "E06000033" / "tables" / "carers_by_band_2021.csv").read_text()
    assert "5320" in carers and "4568" in carers  # Southend's published TS039 row
    headlines = json.loads((batch / "E10000012" / "headlines.json").read_text())
    assert headlines["figures"]["carers_2021"] == 124_443  # Essex = its 12 districts


def test_manifest_records_each_pack(batch_then_alone):
    batch, alone = batch_then_alone
    manifest = json.loads((batch / MANIFEST).read_text())
    entry = manifest["packs"]["E06000033"]
    assert set(manifest["packs"]) == {"W06000015", "E10000012", "E06000033"}
    assert entry["inputs"]["data"]["ts039_ltla"] == json.loads(
        (batch / "E06000033" / "inputs.json").read_text())["data"]["ts039_ltla"]
    assert len(entry["inputs"]["data"]["ts039_ltla"]) == 64
    assert entry["params"]["pack"]["notebook"] == "evidence_pack.ipynb"
    assert entry["versions"]["pandas"] and entry["built"].startswith("20")


def test_rerun_builds_only_what_is_missing_or_out_of_date(batch_then_alone, tmp_path):
    batch, _ = batch_then_alone
    inputs = batch / "W06000015" / "inputs.json"
    record = json.loads(inputs.read_text())
    record["data"]["ts039_ltla"] = "0" * 64  # as if built from another data version
    inputs.write_text(json.dumps(record))
    report = run_batch(["W06000015", "E10000012", "E06000033"], workers=1, out_root=batch,
                       progress=False)
    assert report.built == ["W06000015"]
    assert report.skipped == ["E10000012", "E06000033"]


def _write_entry(root, code: str) -> None:
    (root / code).mkdir()
    (root / code / "build.json").write_text(json.dumps({"area_code": code}))
    update_manifest(root)


def test_manifest_written_by_two_commands_at_once_keeps_both(tmp_path):
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_entry, args=(tmp_path, f"E0600000{i}"))
               for i in range(6)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    update_manifest(tmp_path)
    packs = json.loads((tmp_path / MANIFEST).read_text())["packs"]
    assert sorted(packs) == [f"E0600000{i}" for i in range(6)]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_stale_staging_folders_are_removed(tmp_path):
    dead = tmp_path / ".E06000033.999999999.abcd1234"   # no such process
    old_style = tmp_path / ".E06000034.k2j4h5g6"
    swap = tmp_path / ".E06000033.old"
    mine = tmp_path / f".E06000035.{__import__('os').getppid()}.zzzz9999"  # a live process
    keep = tmp_path / ".git"
    for folder in (dead, old_style, swap, mine, keep):
        folder.mkdir()
    removed = clean_stale_staging(tmp_path)
    assert sorted(p.name for p in removed) == sorted([dead.name, old_style.name, swap.name])
    assert mine.exists() and keep.exists()


def test_file_shaped_pack_folder_is_one_line_error(tmp_path):
    (tmp_path / "E06000033").write_text("not a folder")
    with pytest.raises(CarerlibError, match=r"E06000033: is a file where the pack folder goes"):
        build_pack("E06000033", out_root=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["E06000033"]  # no .old, no staging


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root can write a read-only folder")
def test_read_only_pack_folder_is_one_line_error(tmp_path):
    folder = tmp_path / "E06000033"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(CarerlibError, match=r"E06000033: folder is read-only"):
            build_pack("E06000033", out_root=tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["E06000033"]
    finally:
        folder.chmod(0o755)


def test_worker_killed_mid_area_fails_that_area_only(mirror, tmp_path):
    from helpers_notebooks import write_notebook

    notebook = write_notebook(
        tmp_path / "killer.ipynb",
        "import os, signal\n"
        "if area_code == 'E06000034':\n"
        "    os.kill(os.getppid(), signal.SIGKILL)  # the kernel's parent is the batch worker\n"
        "print(area_code)")
    report = run_batch(["E06000033", "E06000034", "E06000035"], workers=1, out_root=tmp_path / "o",
                       progress=False, notebook=notebook)
    assert sorted(report.built) == ["E06000033", "E06000035"]
    assert report.failed == {"E06000034": "worker process died (exit code -9)"}
    assert report.exit_code == 1


def test_dask_without_scheduler_is_one_line_error(tmp_path, capsys):
    from carerlib.cli import main

    assert main(["packs", "--areas", "E06000033", "--executor", "dask", "--out",
                 str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: --executor dask needs --scheduler tcp://HOST:PORT")


def test_exit_codes():
    from carerlib.pack.batch import BatchReport

    assert BatchReport(built=["E06000033"]).exit_code == 0
    assert BatchReport(failed={"E06000034": "boom"}).exit_code == 1
    assert BatchReport(failed={"E06000034": "boom"}, interrupted=2).exit_code == 130  # SIGINT
    assert BatchReport(interrupted=15).exit_code == 143  # SIGTERM


def test_a_batch_gets_one_worker_per_core(monkeypatch):
    """A worker's kernel runs all of an area's cells in one request while the worker waits, so
    one worker per core keeps the cores busy (measured: benchmarks/README.md)."""
    from carerlib.pack import executors

    monkeypatch.setattr(executors.os, "cpu_count", lambda: 2)
    assert executors.default_workers(1) == 1
    assert [executors.default_workers(n) for n in (2, 10, 21, 365)] == [2, 2, 2, 2]


def test_workers_skip_only_the_iri_format_checker():
    """A worker marks rfc3987-syntax absent (1.2 s of its start): jsonschema then lacks just the
    IRI checker, and nbformat still validates notebooks, and still refuses a broken one."""
    import subprocess
    import sys

    script = """
import json
from carerlib.pack.executors import skip_iri_format_checks
skip_iri_format_checks()
import jsonschema, nbformat
nb = nbformat.read("notebooks/evidence_pack.ipynb", as_version=4)
nbformat.validate(nb)
nb.cells[0]["cell_type"] = "nonsense"
try:
    nbformat.validate(nb)
    refused = False
except nbformat.ValidationError:
    refused = True
print(json.dumps({"iri": "iri" in jsonschema.FormatChecker.checkers,
                  "uri": "uri" in jsonschema.FormatChecker.checkers, "refused": refused}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=paths.PROJECT_ROOT)
    assert json.loads(done.stdout) == {"iri": False, "uri": True, "refused": True}

"""The command line: one-line errors and exit codes a batch script can rely on."""

from __future__ import annotations

from pathlib import Path

from carerlib.cli import main


def test_areas_lists_groups_and_counties(mirror, capsys):
    assert main(["areas", "--search", "essex"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "E10000012\tEssex\tutla" in lines
    assert "MID_ESSEX\tMid Essex\tgroup" in lines


def test_unknown_area_is_one_line_error(mirror, capsys, tmp_path):
    assert main(["pack", "E99999999", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith("error: E99999999:") and "unknown area code" in err


def test_bad_params_file_is_one_line_error(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("confidence_level: 2\n")
    assert main(["pack", "E06000033", "--params", str(bad), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().startswith(f"error: {bad}: confidence_level: ")
    assert not (tmp_path / "E06000033").exists()


def test_fetch_from_mirror(mirror, capsys, tmp_path):
    code = main(["data", "fetch", "--mirror", str(mirror), "--dest", str(tmp_path),
                 "ts039_ltla"])
    assert code == 0
    assert "fetched 1 file(s)" in capsys.readouterr().out
    assert main(["data", "verify", "--dest", str(tmp_path)]) == 0


def test_stray_kernelspec_does_not_hijack_packs(tmp_path, monkeypatch):
    """A 'python3' kernelspec for another Python (without carerlib) is bypassed."""
    import json

    from carerlib.pack.runner import kernel_for_this_environment

    stray = tmp_path / "kernels" / "python3"
    stray.mkdir(parents=True)
    (stray / "kernel.json").write_text(json.dumps({
        "argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Some other Python", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert kernel_for_this_environment("python3") == "carerlib"


def test_relative_mirror_is_resolved_against_the_callers_folder(mirror, monkeypatch):
    import os

    from carerlib.data import paths

    monkeypatch.chdir(mirror.parent)
    monkeypatch.setenv("CARERLIB_DATA_MIRROR", mirror.name)
    paths.absolutise_env()
    # Compare resolved paths: ../shared may be reached through a symlink, and the working
    # folder (hence the absolutised setting) is always the physical one.
    assert Path(os.environ["CARERLIB_DATA_MIRROR"]).resolve() == mirror.resolve()
    assert paths.mirror_dir() == mirror.resolve()


def test_relative_mirror_through_a_symlink(mirror, tmp_path, monkeypatch):
    import os

    from carerlib.data import paths

    (tmp_path / "linked").symlink_to(mirror.parent, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CARERLIB_DATA_MIRROR", f"linked/{mirror.name}")
    paths.absolutise_env()
    assert Path(os.environ["CARERLIB_DATA_MIRROR"]).resolve() == mirror.resolve()
    assert paths.mirror_dir().resolve() == mirror.resolve()


def test_relative_out_and_params_and_batch_from_params(mirror, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("batches:\n  mine: [E06000034]\n")
    assert main(["packs", "--group", "mine", "--params", "mine.yaml", "--out", "relout",
                 "--workers", "1"]) == 0
    folder = tmp_path / "relout" / "E06000034"
    assert (folder / "tables" / "carers_by_band_2021.csv").exists()
    assert (folder / "E06000034.xlsx").exists() and (folder / "headlines.json").exists()
    assert 'href="./E06000034/index.html"' in (tmp_path / "relout" / "index.html").read_text()
    assert not [p for p in (tmp_path / "relout").iterdir() if p.name.startswith(".")]


def test_ctrl_c_on_pack_is_one_line_130_and_leaves_the_earlier_pack(mirror, tmp_path):
    """A real SIGINT while the notebook runs: exit 130, one line, no staging folder left."""
    import signal
    import subprocess
    import sys
    import time

    sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
    from hostile import fake_pack, tree_digest

    out = tmp_path / "out"
    fake_pack(out, "E06000033")
    before = tree_digest(out)
    run = subprocess.Popen([sys.executable, "-m", "carerlib", "pack", "E06000033", "--out",
                            str(out)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob(".E06000033.*")) and time.monotonic() < deadline:
        time.sleep(0.1)  # wait until the build has started (its staging folder exists)
    time.sleep(1)
    run.send_signal(signal.SIGINT)
    err = run.communicate(timeout=120)[1]
    assert run.returncode == 130, err
    assert err.strip() == ("interrupted (SIGINT): E06000033 not built; any earlier pack is "
                           "unchanged")
    assert tree_digest(out) == before


def test_cell_timeout_is_one_line(mirror, tmp_path):
    import subprocess
    import sys

    from helpers_notebooks import write_notebook

    params = tmp_path / "slow.yaml"
    params.write_text("pack: {title: T, cell_timeout_seconds: 1}\n")
    # A cell that outlasts the limit whatever the machine's speed (a pack's own cells may not).
    slow = write_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)")
    run = subprocess.run([sys.executable, "-m", "carerlib", "pack", "E06000033", "--out",
                          str(tmp_path / "out"), "--params", str(params), "--notebook",
                          str(slow)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert run.stderr.strip().startswith("error: a notebook cell ran past its time limit")
    assert "\n" not in run.stderr.strip()
    assert not (tmp_path / "out" / "E06000033").exists()
    assert not list((tmp_path / "out").glob(".E06000033.*"))

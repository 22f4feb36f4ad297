"""Atomic writes: a reader sees the old output or the new, never a mix or half a file."""

from __future__ import annotations

import stat

import pytest

from carerlib.data import atomic


def test_write_folder_replaces_the_whole_set(tmp_path):
    folder = tmp_path / "tables"
    atomic.write_folder(folder, {"a.csv": b"x,y\n1,2\n", "b.csv": b"z\n3\n"})
    atomic.write_folder(folder, {"a.csv": b"x,y\n5,6\n"})
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv"]  # b.csv did not linger
    assert (folder / "a.csv").read_bytes() == b"x,y\n5,6\n"
    assert stat.S_IMODE((folder / "a.csv").stat().st_mode) == atomic.FILE_MODE
    assert stat.S_IMODE(folder.stat().st_mode) == atomic.DIR_MODE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]  # nothing left beside it


def test_write_folder_failing_part_way_keeps_the_old_set(tmp_path):
    folder = tmp_path / "tables"
    atomic.write_folder(folder, {"a.csv": b"old\n"})
    with pytest.raises(OSError):  # the second file cannot be written
        atomic.write_folder(folder, {"a.csv": b"new\n", "no/such/folder.csv": b"x\n"})
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv"]
    assert (folder / "a.csv").read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]

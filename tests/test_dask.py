"""The Dask executor on a LocalCluster at 127.0.0.1: packs built by Dask workers are the packs a
local batch builds, and an area that fails is reported for that area while the rest finish."""

from __future__ import annotations

import pytest
from pack_compare import differences

from carerlib.errors import CarerlibError
from carerlib.pack.batch import run_batch

pytestmark = pytest.mark.integration
distributed = pytest.importorskip("distributed")

AREAS = ["E06000033", "E06000034", "W06000015"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as local:
        yield local


def test_dask_packs_equal_local_packs_and_failure_is_per_area(cluster, golden_packs, tmp_path):
    report = run_batch([*AREAS, "E99999999"], out_root=tmp_path, progress=False,
                       executor="dask", scheduler=cluster.scheduler_address)
    assert sorted(report.built) == sorted(AREAS)
    assert list(report.failed) == ["E99999999"]
    assert "E99999999: unknown area code" in report.failed["E99999999"]
    assert report.exit_code == 1
    for code in AREAS:
        assert differences(tmp_path / code, golden_packs / code) == [], code
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(f'href="./{code}/index.html"' in index for code in AREAS)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".E")]  # no staging left


def test_unreachable_scheduler_is_one_line_error(tmp_path):
    with pytest.raises(CarerlibError, match="--scheduler tcp://127.0.0.1:9: cannot connect"):
        run_batch(["E06000033"], out_root=tmp_path, progress=False, force=True,
                  executor="dask", scheduler="tcp://127.0.0.1:9")

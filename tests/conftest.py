import os, pytest
from pathlib import Path

os.environ.setdefault('IN_TEST', '1')          # quick sizes everywhere, as under nbdev_test

SHARED = Path(__file__).resolve().parents[1].parent / 'shared' / 'data'

def shared_or_skip(*parts):
    "Path under ../shared/data, or skip the test (a fresh clone has no ../shared)"
    p = SHARED.joinpath(*parts)
    if not p.exists(): pytest.skip(f'{p} not present')
    return p

@pytest.fixture(scope='session')
def small_pop():
    from genediff_nb.cohorts import population_cohort
    return population_cohort(60, n_regions=2, region_len=300_000, seed=1)

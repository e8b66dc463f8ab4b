"""dedupe.parallel: the ordered process map and the background process."""

import os

import pytest

from dedupe.parallel import background, pmap


def _pid_and_square(x):
    return os.getpid(), x * x


def _fail(message):
    raise ValueError(message)


def _nested(n):
    return list(pmap(_pid_and_square, range(n), workers=2))


def test_pmap_runs_the_first_chunks_here_then_in_workers():
    out = list(pmap(_pid_and_square, range(6), workers=2, here=2))
    assert [sq for _, sq in out] == [x * x for x in range(6)]
    pids = [pid for pid, _ in out]
    assert pids[:2] == [os.getpid()] * 2
    assert os.getpid() not in pids[2:]


def test_pmap_with_more_in_flight_keeps_the_order():
    out = list(pmap(_pid_and_square, range(9), workers=2, ahead=9))
    assert [sq for _, sq in out] == [x * x for x in range(9)]


def test_background_returns_its_result_and_may_start_workers():
    with background(_nested, 4) as job:
        assert [sq for _, sq in job.result()] == [0, 1, 4, 9]


def test_background_raises_its_error():
    with background(_fail, "no") as job:
        with pytest.raises(ValueError, match="no"):
            job.result()

"""--timeout bounds any single command: a clear error and exit status 2, never a hang."""

import signal
import time

import pytest
from click.testing import CliRunner

from symdiff import LimitError
from symdiff.cli import main
from symdiff.limits import MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS, time_limit

HEAVY = ["derive", "trace(A*A*A*A*A*A*A*A)", "--wrt", "A11", "--shape", "A=20,20"]


def test_a_command_over_its_time_is_stopped_with_a_clear_error():
    result = CliRunner().invoke(main, ["--timeout", "0.3", *HEAVY])
    assert result.exit_code == 2
    assert "symdiff: error: gave up after 0.3 s" in result.output
    assert "raise --timeout" in result.output
    assert "Traceback" not in result.output


def test_the_alarm_is_cleared_after_the_command():
    result = CliRunner().invoke(main, ["--timeout", "5", "derive", "x.T*x", "--wrt", "x"])
    assert result.output == "2*x\n"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_the_library_bound_raises_our_own_error():
    with pytest.raises(LimitError, match=r"gave up after 0\.1 s"), time_limit(0.1):
        while True:
            pass


@pytest.mark.parametrize("value", ["-1", "inf", "-inf", "1e300", "nan", "1e-9", "0.001", "1e7"])
def test_a_timeout_outside_its_range_is_a_usage_error(value):
    result = CliRunner().invoke(main, ["--timeout", value, "derive", "x", "--wrt", "x"])
    assert result.exit_code == 2
    assert f"Invalid value for '--timeout': {value!r} is out of range: give 0 (no limit) or " \
           f"{MIN_TIMEOUT_SECONDS:g} to {MAX_TIMEOUT_SECONDS:,.0f} seconds" in result.output
    assert "internal error" not in result.output


@pytest.mark.parametrize("value", ["0", str(MIN_TIMEOUT_SECONDS), str(MAX_TIMEOUT_SECONDS)])
def test_a_timeout_within_its_range_is_accepted(value):
    result = CliRunner().invoke(main, ["--timeout", value, "derive", "x^2", "--wrt", "x"])
    gave_up = (f"symdiff: error: gave up after {value} s\n"
               "  hint: simplify the input, use symbolic dims instead of large concrete ones, or raise --timeout\n")
    assert (result.exit_code, result.output) in [(0, "2*x\n"), (2, gave_up)]


def test_the_shortest_timeout_is_caught_even_when_it_goes_off_while_being_set():
    for _ in range(20):
        with pytest.raises(LimitError, match="gave up after 1e-09 s"), time_limit(1e-9):
            while True:
                pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_alarm_lost_in_a_finalizer_is_repeated():
    class Swallows:
        def __del__(self):
            deadline = time.monotonic() + 0.3
            while time.monotonic() < deadline:  # the first alarm lands here and is only reported
                pass

    with pytest.raises(LimitError), time_limit(0.1):
        Swallows()  # collected at once: its __del__ runs past the deadline
        while True:
            pass

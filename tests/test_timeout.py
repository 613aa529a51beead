"""--timeout bounds any single command: a clear error and exit status 2, never a hang."""

import signal
import time

import pytest
from click.testing import CliRunner

from symdiff import LimitError
from symdiff.cli import main
from symdiff.limits import time_limit

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
    with pytest.raises(LimitError, match="gave up after 0.1 s"):
        with time_limit(0.1):
            while True:
                pass


def test_timeout_must_not_be_negative():
    result = CliRunner().invoke(main, ["--timeout", "-1", "derive", "x", "--wrt", "x"])
    assert result.exit_code == 2
    assert "--timeout" in result.output


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_alarm_lost_in_a_finalizer_is_repeated():
    class Swallows:
        def __del__(self):
            deadline = time.monotonic() + 0.3
            while time.monotonic() < deadline:  # the first alarm lands here and is only reported
                pass

    with pytest.raises(LimitError):
        with time_limit(0.1):
            Swallows()  # collected at once: its __del__ runs past the deadline
            while True:
                pass

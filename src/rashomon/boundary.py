"""The failure boundary around one article in one stage, and the per-article time budget.

Every stage runs each article inside ``guard``: whatever the article makes the stage raise becomes a
Failure that names the input, the stage and the reason (the exception class and message for faults;
the traceback goes to the log at DEBUG level, shown by ``--debug``), and the batch goes on. A bug is
still a bug: tests call the stages without a boundary, so it fails them. ``KeyboardInterrupt`` and
``SystemExit`` are never caught here.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from rashomon.errors import BadInput, BudgetExceeded, RashomonError
from rashomon.records import Failure

logger = logging.getLogger(__name__)


def failure_of(exc: BaseException, source: str, stage: str) -> Failure:
    """The Failure an exception raised for one article means."""
    if isinstance(exc, BadInput):
        return Failure(source=exc.source if exc.source else source, reason=exc.reason, stage=stage)
    if isinstance(exc, RashomonError):
        return Failure(source=source, reason=str(exc), stage=stage)
    logger.debug("%s failed in stage %s", source, stage, exc_info=exc)
    message = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else "no message"
    return Failure(source=source, reason=f"{type(exc).__name__}: {message}", stage=stage, error=type(exc).__name__)


def display_name(name: str) -> str:
    """A file name as text that can be stored and printed: bytes that are not UTF-8 (which Python keeps
    as lone surrogates) are written as ``\\xff`` escapes; every other character is kept."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _Alarm


class _Alarm(BaseException):
    """Raised by the timer inside the budgeted block; BaseException so that no ``except Exception`` in
    library code swallows it on the way out."""


@contextmanager
def time_budget(seconds: float | None, what: str) -> Iterator[None]:
    """Raise BudgetExceeded when the block runs longer than ``seconds``.

    The timer is SIGALRM, so it works in the main thread of a process (the CLI, and every analysis worker);
    elsewhere, and when a budget is already running (the outer one governs), the block runs unbudgeted.
    Python code, regular expressions included, is interrupted; a long call inside a compiled extension is
    interrupted when it returns (the analysis caps article length for that reason, and the process pool
    kills a worker that overruns).
    """
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Alarm as exc:
        raise BudgetExceeded(
            f"{what} took longer than its {seconds:g} s time budget (setting article_time_budget)"
        ) from exc
    finally:
        signal.signal(signal.SIGALRM, previous)

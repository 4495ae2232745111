"""The web app's background work: comparisons computed when events change, and ingest jobs.

A page never waits for an analysis: the comparer thread looks for events whose stored comparison is
missing or older than the event (grown, merged, a new member, a newer Rashomon) every ``poll`` seconds, or
at once when an ingest job ends, computes them one at a time (the most recently changed first) and stores
them. Events changed by another process (`rashomon ingest` or `rashomon watch` on the same store) are
found by the same poll. One failing event is stored as a failure and the thread goes on.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from rashomon.pipeline import comparison_version
from rashomon.settings import Settings

logger = logging.getLogger(__name__)


class Comparer:
    """Computes and stores the comparisons of changed events in one background thread."""

    def __init__(self, store: Any, settings: Settings, *, poll: float = 5.0) -> None:
        self.store = store
        self.settings = settings
        self.poll = poll
        self.version = comparison_version(settings)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.computed = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="rashomon-comparer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def wake(self) -> None:
        """Look for changed events now (an ingest job ended)."""
        self._wake.set()

    def run_once(self, limit: int = 20) -> int:
        """Compare up to ``limit`` changed events now; how many were compared."""
        done = 0
        for event_id, version in self.store.stale_comparisons(self.version, limit=limit):
            if self._stop.is_set():
                break
            self.compare(event_id, version)
            done += 1
        return done

    def compare(self, event_id: int, version: str) -> None:
        from rashomon.pipeline import compare_stored

        try:
            compared, _ = compare_stored(self.store, self.settings, event_id)
            self.store.save_comparison(event_id, version, compared)
        except Exception as exc:  # one event's boundary: it is stored as failed, the others go on
            logger.warning("comparing event %s failed: %s: %s", event_id, type(exc).__name__, exc)
            self.store.save_comparison(event_id, version, None, failure=f"{type(exc).__name__}: {exc}")
        self.computed += 1

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception as exc:  # the store is busy or gone for a moment: try again at the next poll
                logger.warning("looking for changed events failed: %s: %s", type(exc).__name__, exc)
                busy = 0
            if not busy:
                self._wake.wait(self.poll)
                self._wake.clear()

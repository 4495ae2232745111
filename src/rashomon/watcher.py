"""The ``rashomon watch`` runner: poll the due feeds, read their new entries through the ingest pipeline,
keep each feed's state in the store.

One poll of a feed: a conditional GET (the validators of its last answer; a 304 ends it), then the entries
the store has not seen read by ``read_feed`` (full text from the feed, else the linked page, fetched
through the same guarded fetcher), stored by ``store_documents`` as ``rashomon ingest`` stores them, and
the feed's state saved. A feed that fails (HTTP error, timeout, a body that is not a feed) is backed off and
the others go on. After a round, what was stored is analysed and clustered into events (``catch_up``).
The decisions (when, what to send, how long to wait) are in ingest/watch.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rashomon.boundary import failure_of
from rashomon.errors import BadInput, TransientError
from rashomon.ingest import Fetcher
from rashomon.ingest.decode import decode_bytes, maybe_gunzip
from rashomon.ingest.feeds import NO_ENTRIES, read_feed
from rashomon.ingest.watch import (
    FeedPoll,
    FeedState,
    after_failure,
    after_success,
    conditional_headers,
    entry_done,
    is_due,
    looks_like_opml,
    parse_opml,
)
from rashomon.pipeline import IngestSummary, catch_up, store_documents
from rashomon.settings import Settings
from rashomon.store import Store

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
# Failures of these stages mean the entry was not stored: it is tried again at the next polls.
_ENTRY_STAGES = ("read", "extract", "store")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class WatchRound:
    """What one round did: a poll per due feed, and the ingest counts of all of them together."""

    polls: list[FeedPoll] = field(default_factory=list)
    summary: IngestSummary = field(default_factory=IngestSummary)

    def to_dict(self) -> dict[str, object]:
        return {"feeds": [p.to_dict() for p in self.polls], "ingest": self.summary.to_dict()}


class Watcher:
    """Follows a set of feeds and OPML lists; ``poll`` runs one round over those that are due.

    The lists' feeds are remembered between rounds; a list is fetched whole in the first round of a
    process (its feeds are not stored), then on its schedule.
    """

    def __init__(
        self,
        urls: Iterable[str],
        settings: Settings,
        store: Store,
        fetcher: Fetcher,
        every: dt.timedelta,
        clock: Clock = utc_now,
    ) -> None:
        self.urls = list(dict.fromkeys(urls))
        self.settings = settings
        self.store = store
        self.fetcher = fetcher
        self.every = every
        self.clock = clock
        self._listed: dict[str, tuple[str, ...]] = {}  # OPML list url -> its feeds, as last fetched

    def watched(self) -> list[str]:
        """Every url followed: those named, and the feeds of the lists among them."""
        urls = dict.fromkeys(self.urls)
        for listed in self._listed.values():
            urls.update(dict.fromkeys(listed))
        return list(urls)

    def next_due(self) -> dt.datetime | None:
        """When the earliest feed is due (None: one is due now or was never polled)."""
        states = self.store.feed_states(self.watched())
        if len(states) < len(self.watched()):
            return None
        times = [s.due_at for s in states.values()]
        return None if any(t is None for t in times) else min(t for t in times if t is not None)

    def poll(self, stop: Callable[[], bool] | None = None) -> WatchRound:
        """Poll every due feed once (a list's feeds in the same round), then analyse and cluster what was
        stored. ``stop`` is asked between feeds."""
        result = WatchRound()
        queue = self.watched()
        done: set[str] = set()
        while queue:
            url = queue.pop(0)
            if url in done:
                continue
            done.add(url)
            if stop is not None and stop():
                result.summary.interrupted = True
                break
            state = self.store.feed_states([url]).get(url) or FeedState(url=url, fetch_url=url)
            unknown_list = state.kind == "list" and url not in self._listed
            if not (unknown_list or is_due(state, self.clock(), self.every)):
                continue
            polled = self._poll_one(state, result.summary, stop)
            result.polls.append(polled)
            if polled.status == "listed":
                self._listed[url] = polled.listed
                queue.extend(u for u in polled.listed if u not in done)
        # Only after a poll that stored something (loading the model costs a second or two): it also
        # analyses what an interrupted earlier run left unanalysed.
        stored = result.summary.added + result.summary.versions
        if self.settings.analyse_on_ingest and stored and not result.summary.interrupted:
            catch_up(self.store, self.settings, result.summary, stop)
        return result

    def _poll_one(self, state: FeedState, summary: IngestSummary, stop: Callable[[], bool] | None) -> FeedPoll:
        now = self.clock()
        sent = conditional_headers(state) if state.kind == "feed" else {}
        try:
            fetched = self.fetcher.fetch(state.fetch_url, sent)
        except TransientError as exc:
            return self._failed(state, now, exc.reason, exc.retry_after)
        except BadInput as exc:
            return self._failed(state, now, exc.reason)
        moved = None
        if fetched.moved_to and fetched.moved_to != state.fetch_url:
            moved = fetched.moved_to
            logger.warning("%s moved permanently to %s: following it there", state.url, moved)
            state = state.replace(fetch_url=moved)
        if fetched.status == 304:
            state = self.store.save_feed(after_success(state, now, self.every, fetched.headers, modified=False))
            return FeedPoll(url=state.url, status="not_modified", moved_to=moved, due_at=state.due_at)
        try:
            data = maybe_gunzip(fetched.content, state.fetch_url, self.settings.max_input_bytes)
            if looks_like_opml(data):
                listed = parse_opml(data, state.fetch_url)
                state = after_success(state.replace(kind="list"), now, self.every, {}, modified=True)
                state = self.store.save_feed(state)
                return FeedPoll(
                    url=state.url, status="listed", listed=tuple(listed), moved_to=moved, due_at=state.due_at
                )
            text = decode_bytes(data, state.fetch_url, fetched.charset)
        except BadInput as exc:
            return self._failed(state, now, exc.reason)
        if state.id is None:
            state = self.store.save_feed(state)  # entries are recorded under the feed's id
        assert state.id is not None
        return self._read_entries(state.replace(kind="feed"), text, fetched.headers, now, summary, stop, moved)

    def _read_entries(
        self,
        state: FeedState,
        text: str,
        headers: Mapping[str, str],
        now: dt.datetime,
        summary: IngestSummary,
        stop: Callable[[], bool] | None,
        moved: str | None,
    ) -> FeedPoll:
        assert state.id is not None
        seen = self.store.feed_entries_seen(state.id)
        listed: list[str] = []
        names: dict[str, str] = {}  # document name -> entry key, of the entries read this time

        def want(key: str, name: str) -> bool:
            listed.append(key)
            if entry_done(*seen.get(key, (None, 0))):
                return False
            names[name] = key
            return True

        part = IngestSummary()
        documents = read_feed(text, state.fetch_url, self.settings, self.fetcher, want=want)
        try:
            store_documents(documents, self.settings, self.store, part, stop=stop)
        except BadInput as exc:
            if exc.reason != NO_ENTRIES:
                return self._failed(state, now, exc.reason)
        except Exception as exc:  # this feed's boundary: a bug reading one feed fails that feed alone
            failure = failure_of(exc, state.url, "read")
            logger.debug("reading %s failed", state.url, exc_info=True)
            return self._failed(state, now, failure.reason)
        _merge(summary, part)
        failed = {f.source for f in part.failures if f.stage in _ENTRY_STAGES and not f.skipped}
        read = {key: "failed" if name in failed else "stored" for name, key in names.items()}
        self.store.record_feed_entries(state.id, listed, read, now)
        state = after_success(state, now, self.every, headers, modified=True)
        if part.interrupted or "failed" in read.values():
            # Entries are left to read (the run stopped) or to try again: the next poll must get the whole
            # feed, not a 304.
            state = state.replace(etag=None, last_modified=None)
        state = self.store.save_feed(state.replace(entries_seen=state.entries_seen + len(read)))
        stored = sum(1 for status in read.values() if status == "stored")
        return FeedPoll(
            url=state.url,
            status="new" if read else "unchanged",
            entries=len(listed),
            new=len(read),
            stored=stored,
            failed=len(read) - stored,
            moved_to=moved,
            due_at=state.due_at,
        )

    def _failed(self, state: FeedState, now: dt.datetime, error: str, retry_after: float | None = None) -> FeedPoll:
        state = self.store.save_feed(after_failure(state, now, self.every, error, retry_after))
        logger.info("%s failed (%d in a row), next try %s: %s", state.url, state.failures, state.due_at, error)
        return FeedPoll(url=state.url, status="failed", error=error, failures=state.failures, due_at=state.due_at)


def _merge(total: IngestSummary, part: IngestSummary) -> None:
    """Add one feed's ingest counts to the round's."""
    for name in ("added", "duplicate", "republished", "skipped", "versions", "analysed", "clustered"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.failures.extend(part.failures)
    total.outcomes.extend(part.outcomes)
    total.interrupted = total.interrupted or part.interrupted

"""Feeds followed by ``rashomon watch``: their HTTP validators, schedule and failures, and the entries of
each already read, so that a restarted watch reads only new entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from rashomon.ingest.watch import FeedState
from rashomon.store.schema import feed_entries, feeds

# Keys of entries that left their feed this long ago are forgotten (a feed lists its last few dozen
# entries; one that comes back after a month is read again, and the store knows its text already).
ENTRY_MEMORY = dt.timedelta(days=30)

_STATE_COLUMNS = (
    "fetch_url",
    "kind",
    "etag",
    "last_modified",
    "checked_at",
    "ok_at",
    "due_at",
    "failures",
    "last_error",
    "entries_seen",
)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes: they were written in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _state(row: sa.Row) -> FeedState:  # type: ignore[type-arg]
    data = row._mapping
    return FeedState(
        id=data["id"],
        url=data["url"],
        **{k: _utc(data[k]) if k.endswith("_at") else data[k] for k in _STATE_COLUMNS},
    )


class FeedsMixin:
    engine: Engine

    def feed_states(self, urls: Iterable[str]) -> dict[str, FeedState]:
        """The stored state of each of these feeds (by the url the user named); a feed never polled is not
        in the answer."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, FeedState] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                rows = conn.execute(sa.select(feeds).where(feeds.c.url.in_(wanted[start : start + 500])))
                found.update({row.url: _state(row) for row in rows})
        return found

    def save_feed(self, state: FeedState) -> FeedState:
        """Insert or update a feed's state; returned with its id."""
        values = {k: getattr(state, k) for k in _STATE_COLUMNS}
        with self.engine.begin() as conn:
            if state.id is None:
                existing = conn.execute(sa.select(feeds.c.id).where(feeds.c.url == state.url)).scalar()
                if existing is None:
                    created = conn.execute(
                        sa.insert(feeds).values(url=state.url, created_at=dt.datetime.now(dt.UTC), **values)
                    )
                    return state.replace(id=created.inserted_primary_key[0])
                state = state.replace(id=existing)
            conn.execute(sa.update(feeds).where(feeds.c.id == state.id).values(**values))
        return state

    def feed_entries_seen(self, feed_id: int) -> dict[str, tuple[str, int]]:
        """Every remembered entry of a feed: key -> (status, attempts)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(feed_entries.c.entry_key, feed_entries.c.status, feed_entries.c.attempts).where(
                    feed_entries.c.feed_id == feed_id
                )
            )
            return {key: (status, attempts) for key, status, attempts in rows}

    def record_feed_entries(
        self, feed_id: int, listed: Iterable[str], read: Mapping[str, str], now: dt.datetime
    ) -> None:
        """After a fetch of a feed: every entry it ``listed`` was seen now; those ``read`` (key -> stored |
        failed) count one more attempt; entries gone from the feed for ``ENTRY_MEMORY`` are forgotten.
        One transaction."""
        listed = list(dict.fromkeys(listed))
        seen = self.feed_entries_seen(feed_id)
        where = feed_entries.c.feed_id == feed_id
        with self.engine.begin() as conn:
            for start in range(0, len(listed), 500):
                keys = [k for k in listed[start : start + 500] if k in seen and k not in read]
                if keys:
                    conn.execute(
                        sa.update(feed_entries).where(where, feed_entries.c.entry_key.in_(keys)).values(last_seen=now)
                    )
            for key, status in read.items():
                if key in seen:
                    conn.execute(
                        sa.update(feed_entries)
                        .where(where, feed_entries.c.entry_key == key)
                        .values(status=status, attempts=seen[key][1] + 1, last_seen=now)
                    )
                else:
                    conn.execute(
                        sa.insert(feed_entries).values(
                            feed_id=feed_id, entry_key=key, status=status, attempts=1, first_seen=now, last_seen=now
                        )
                    )
            conn.execute(sa.delete(feed_entries).where(where, feed_entries.c.last_seen < now - ENTRY_MEMORY))

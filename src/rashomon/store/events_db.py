"""Event tables: reads and the one write path of incremental clustering (mixed into Store)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from rashomon.store.schema import analyses, articles, counters, event_articles, event_merges, events, feature_df


@dataclass
class EventChanges:
    """What one incremental clustering run decided, to be written in one transaction.

    New events carry negative temporary ids until they are inserted.
    """

    memberships: list[tuple[str, int, float]] = field(default_factory=list)  # (article id, event id, similarity)
    merges: list[tuple[int, int, str]] = field(default_factory=list)  # (merged, into, bridge article)
    summaries: dict[int, dict[str, Any]] = field(default_factory=dict)  # event id -> title/start/end/outlets/size
    df: dict[str, Counter[str]] = field(default_factory=dict)
    documents: int = 0


def _summary_values(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": summary.get("title"),
        "start": summary.get("start"),
        "end": summary.get("end"),
        "outlets": json.dumps(summary.get("outlets", []), ensure_ascii=False),
        "size": summary.get("size", 0),
    }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class EventStoreMixin:
    engine: Engine

    def event_members_in_window(self, lo: str | None, hi: str | None, include_undated: bool) -> dict[int, list[str]]:
        """Live events whose span meets [lo, hi] (ISO dates), with their member article ids."""
        query = sa.select(events.c.id).where(events.c.merged_into.is_(None))
        conditions = []
        if lo is not None and hi is not None:
            conditions.append(sa.and_(events.c.end >= lo, events.c.start <= hi + "T99"))
        if include_undated or lo is None:
            conditions.append(events.c.start.is_(None))
        if lo is None:
            conditions = [sa.true()]
        query = query.where(sa.or_(*conditions))
        with self.engine.connect() as conn:
            ids = list(conn.execute(query).scalars())
            members: dict[int, list[str]] = {i: [] for i in ids}
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    sa.select(event_articles.c.event_id, event_articles.c.article_id)
                    .where(event_articles.c.event_id.in_(ids[start : start + 500]))
                    .order_by(event_articles.c.added_at, event_articles.c.article_id)
                )
                for event_id, article_id in rows:
                    members[event_id].append(article_id)
        return members

    def clustered_article_ids(self, ids: list[str]) -> set[str]:
        with self.engine.connect() as conn:
            found: set[str] = set()
            for start in range(0, len(ids), 500):
                found.update(
                    conn.execute(
                        sa.select(event_articles.c.article_id).where(
                            event_articles.c.article_id.in_(ids[start : start + 500])
                        )
                    ).scalars()
                )
        return found

    def unclustered_analysed_ids(self) -> list[str]:
        """Articles (latest versions) that have an analysis but belong to no event, by id."""
        query = (
            sa.select(analyses.c.article_id)
            .join(articles, articles.c.id == analyses.c.article_id)
            .where(
                ~analyses.c.article_id.in_(sa.select(event_articles.c.article_id)),
                articles.c.superseded_by.is_(None),
            )
            .order_by(analyses.c.article_id)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def reset_events(self) -> None:
        """Drop every event, membership, merge and feature frequency (``cluster --stored --redo``)."""
        with self.engine.begin() as conn:
            for table in (event_articles, event_merges, events, feature_df):
                conn.execute(sa.delete(table))
            conn.execute(sa.delete(counters).where(counters.c.name == "documents"))

    def feature_frequencies(self, wanted: dict[str, set[str]]) -> tuple[dict[str, Counter[str]], int]:
        """Document frequencies of the given feature keys, and the number of documents counted."""
        out: dict[str, Counter[str]] = {signal: Counter() for signal in wanted}
        with self.engine.connect() as conn:
            for signal, keys in wanted.items():
                key_list = sorted(k[:300] for k in keys)
                for start in range(0, len(key_list), 500):
                    rows = conn.execute(
                        sa.select(feature_df.c.key, feature_df.c.df).where(
                            feature_df.c.signal == signal, feature_df.c.key.in_(key_list[start : start + 500])
                        )
                    )
                    out[signal].update(dict(rows.all()))
            documents = conn.execute(sa.select(counters.c.value).where(counters.c.name == "documents")).scalar() or 0
        return out, int(documents)

    def apply_event_changes(self, changes: EventChanges) -> dict[int, int]:
        """Write one clustering run in one transaction; returns temporary -> stored ids of new events."""
        ids: dict[int, int] = {}
        with self.engine.begin() as conn:
            for temp in sorted(
                {e for _, e, _ in changes.memberships if e < 0} | {e for e in changes.summaries if e < 0}
            ):
                summary = changes.summaries.get(temp, {})
                ids[temp] = int(
                    conn.execute(
                        sa.insert(events)
                        .values(
                            **_summary_values(summary),
                            created_at=_now(),
                            updated_at=_now(),
                        )
                        .returning(events.c.id)
                    ).scalar_one()
                )

            def real(event_id: int) -> int:
                return ids.get(event_id, event_id)

            for merged, into, bridge in changes.merges:
                conn.execute(
                    sa.update(event_articles)
                    .where(event_articles.c.event_id == real(merged))
                    .values(event_id=real(into))
                )
                conn.execute(
                    sa.update(events)
                    .where(events.c.id == real(merged))
                    .values(merged_into=real(into), size=0, updated_at=_now())
                )
                conn.execute(
                    sa.insert(event_merges).values(
                        merged=real(merged), into=real(into), bridge_article=bridge, at=_now()
                    )
                )
            for article_id, event_id, similarity in changes.memberships:
                conn.execute(sa.delete(event_articles).where(event_articles.c.article_id == article_id))
                conn.execute(
                    sa.insert(event_articles).values(
                        article_id=article_id, event_id=real(event_id), similarity=round(similarity, 4), added_at=_now()
                    )
                )
            for event_id, summary in changes.summaries.items():
                if event_id < 0:
                    continue
                conn.execute(
                    sa.update(events)
                    .where(events.c.id == event_id)
                    .values(
                        **_summary_values(summary),
                        updated_at=_now(),
                    )
                )
            self._add_frequencies(conn, changes.df, changes.documents)
        return ids

    def _add_frequencies(self, conn: Connection, df: dict[str, Counter[str]], documents: int) -> None:
        dialect = conn.dialect.name
        rows = [{"signal": s, "key": k[:300], "df": v} for s, counts in df.items() for k, v in counts.items()]
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert if dialect == "sqlite" else None
        if insert is None:  # other databases: read, then write
            for row in rows:
                updated = conn.execute(
                    sa.update(feature_df)
                    .where(feature_df.c.signal == row["signal"], feature_df.c.key == row["key"])
                    .values(df=feature_df.c.df + row["df"])
                )
                if not updated.rowcount:
                    conn.execute(sa.insert(feature_df).values(**row))
        else:
            for start in range(0, len(rows), 1000):
                statement = insert(feature_df).values(rows[start : start + 1000])
                conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=[feature_df.c.signal, feature_df.c.key],
                        set_={"df": feature_df.c.df + statement.excluded.df},
                    )
                )
        current = conn.execute(sa.select(counters.c.value).where(counters.c.name == "documents")).scalar()
        if current is None:
            conn.execute(sa.insert(counters).values(name="documents", value=documents))
        else:
            conn.execute(sa.update(counters).where(counters.c.name == "documents").values(value=current + documents))

    def list_events(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        min_size: int = 1,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity: str | None = None,
        conflicts_only: bool = False,
    ) -> list[dict[str, Any]]:
        """Live events, the most recent first, with the counts of their stored comparison (None until it is
        computed). Filters: an outlet that reported it, a date range it overlaps (ISO days, inclusive), an
        entity named in one of its articles (its key, or a name it goes by, case-insensitive), only those
        with a conflict."""
        from rashomon.store.schema import article_entities, comparisons

        query = (
            sa.select(
                events,
                comparisons.c.shared,
                comparisons.c.conflicts,
                comparisons.c.unique_claims,
                comparisons.c.version.label("compared_version"),
            )
            .outerjoin(comparisons, comparisons.c.event_id == events.c.id)
            .where(events.c.merged_into.is_(None), events.c.size >= min_size)
            .order_by(events.c.end.desc().nulls_last(), events.c.id.desc())
        )
        if outlet:
            query = query.where(
                sa.exists()
                .where(
                    event_articles.c.event_id == events.c.id,
                    articles.c.id == event_articles.c.article_id,
                    sa.func.lower(articles.c.outlet) == outlet.lower(),
                )
                .correlate(events)
            )
        if entity:
            query = query.where(
                sa.exists()
                .where(
                    event_articles.c.event_id == events.c.id,
                    article_entities.c.article_id == event_articles.c.article_id,
                    sa.or_(
                        article_entities.c.entity_key == entity,
                        sa.func.lower(article_entities.c.name) == entity.lower(),
                    ),
                )
                .correlate(events)
            )
        if since:  # the event ends on or after the first day asked for
            query = query.where(sa.func.coalesce(events.c.end, events.c.start) >= since[:10])
        if until:  # and starts on or before the last one
            query = query.where(sa.func.substr(sa.func.coalesce(events.c.start, events.c.end), 1, 10) <= until[:10])
        if conflicts_only:
            query = query.where(comparisons.c.conflicts > 0)
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [{**dict(r), "outlets": json.loads(r["outlets"])} for r in rows]

    def event_row(self, event_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(events).where(events.c.id == event_id)).mappings().first()
            if row is None:
                return None
            if row["merged_into"] is not None:
                return self.event_row(int(row["merged_into"]))
            members = conn.execute(
                sa.select(event_articles.c.article_id, event_articles.c.similarity).where(
                    event_articles.c.event_id == event_id
                )
            ).all()
            merged = conn.execute(sa.select(event_merges.c.merged).where(event_merges.c.into == event_id)).scalars()
            return {
                **dict(row),
                "outlets": json.loads(row["outlets"]),
                "members": dict(members),
                "merged_from": [str(m) for m in merged],
            }

    def event_of_article(self, article_id: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(event_articles.c.event_id).where(event_articles.c.article_id == article_id)
            ).scalar()

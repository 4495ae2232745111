"""Full-text search over articles, quotations and claims, and the stored comparisons of events.

Search uses the database's own full-text index: SQLite's FTS5 (porter stemming, diacritics folded, ranked
by BM25) and PostgreSQL's English tsvector with a GIN index (ranked by ts_rank). Both stem, so "protest"
finds "protesters"; every word of the query must occur. Comparisons are computed when an event changes
(by the web app's background worker, see present/web/background.py) and stored with the version of the
event they were computed on; a page reads them and never waits for the analysis.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from rashomon.records import Analysis, Article, ComparedEvent
from rashomon.store.schema import articles, comparisons, events, search_docs

MAX_QUERY_WORDS = 8
WORD = re.compile(r"\w+", re.UNICODE)


def search_words(query: str) -> list[str]:
    """The words of a query (letters and digits; punctuation and operators are not syntax here)."""
    return WORD.findall(query)[:MAX_QUERY_WORDS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH expression that needs every word: each a quoted string, so none is an operator."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def article_documents(article: Article) -> list[dict[str, Any]]:
    text = f"{article.title or ''}\n{article.text}"
    return [{"article_id": article.id, "kind": "article", "position": 0, "text": text, "data": None}]


def analysis_documents(analysis: Analysis) -> list[dict[str, Any]]:
    """A row per quotation and claim, with the record search returns for it (as JSON)."""
    out = [{"kind": "quote", "position": n, "text": q.text, "data": q.to_dict()} for n, q in enumerate(analysis.quotes)]
    out += [
        {"kind": "claim", "position": n, "text": c.text, "data": {"text": c.text, "voice": c.voice, "id": c.id}}
        for n, c in enumerate(analysis.claims)
    ]
    return [
        {**d, "article_id": analysis.article_id, "data": json.dumps(d["data"], ensure_ascii=False)}
        for d in out
        if d["text"]
    ]


def index_article(conn: Connection, article: Article) -> None:
    conn.execute(sa.insert(search_docs), article_documents(article))


def index_analyses(conn: Connection, items: list[Analysis]) -> None:
    """Replace the quotations and claims indexed for these articles by those of their new analyses."""
    ids = [a.article_id for a in items]
    conn.execute(sa.delete(search_docs).where(search_docs.c.article_id.in_(ids), search_docs.c.kind != "article"))
    rows = [d for a in items for d in analysis_documents(a)]
    if rows:
        conn.execute(sa.insert(search_docs), rows)


def confirmed_conflicts(compared: ComparedEvent) -> set[tuple[str, ...]]:
    """The pairs of statements in confirmed (not merely possible) conflict, each once."""
    return {tuple(d.statements) for g in compared.claims for d in g.conflict_details if not d.possible}


def event_version(row: dict[str, Any], compare_version: str) -> str:
    """The state of an event a comparison was computed on: its size, end and last change."""
    updated = row["updated_at"]
    stamp = updated.isoformat() if isinstance(updated, dt.datetime) else str(updated)
    return f"{row['size']}|{row['end']}|{stamp}|{compare_version}"[:200]


class SearchMixin:
    engine: Engine

    def _matches(
        self,
        conn: Connection,
        words: list[str],
        kind: str,
        limit: int,
        *,
        offset: int = 0,
        outlet: str | None = None,
    ) -> list[tuple[str, str | None]]:
        """(article id, record as JSON) of the documents of ``kind`` with every word, best first (with no
        words: all of them, newest first), optionally only from one outlet."""
        query = (
            sa.select(search_docs.c.article_id, search_docs.c.data)
            .join(articles, articles.c.id == search_docs.c.article_id)
            .where(search_docs.c.kind == kind, articles.c.superseded_by.is_(None))
        )
        if outlet:
            query = query.where(sa.func.lower(articles.c.outlet) == outlet.lower())
        params: dict[str, Any] = {}
        newest = (articles.c.published_at.desc().nulls_last(), search_docs.c.id)
        if not words:
            query = query.order_by(*newest)
        elif conn.dialect.name == "sqlite":
            fts = sa.table("search_fts", sa.column("rowid"))
            query = (
                query.join(fts, fts.c.rowid == search_docs.c.id)
                .where(sa.text("search_fts MATCH :match"))
                .order_by(sa.text("bm25(search_fts)"), *newest)
            )
            params["match"] = fts5_query(words)
        else:
            vector = sa.literal_column("search_docs.search_tsv")
            wanted = sa.func.plainto_tsquery(sa.literal_column("'english'"), " ".join(words))
            query = query.where(vector.bool_op("@@")(wanted)).order_by(sa.func.ts_rank(vector, wanted).desc(), *newest)
        return [(r[0], r[1]) for r in conn.execute(query.limit(limit).offset(offset), params)]

    def _with_outlets(self, conn: Connection, found: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
        query = sa.select(articles.c.id, articles.c.outlet).where(articles.c.id.in_({a for a, _ in found}))
        outlets = {article_id: outlet for article_id, outlet in conn.execute(query)}
        return [{"article_id": a, "outlet": outlets.get(a), **json.loads(data)} for a, data in found if data]

    def list_quotes(
        self, *, query: str = "", outlet: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Quotations across the store: with ``query``, those with every word, best first; else the newest
        first; optionally only one outlet's."""
        with self.engine.connect() as conn:
            found = self._matches(conn, search_words(query), "quote", limit, offset=offset, outlet=outlet)
            return self._with_outlets(conn, found)

    def search(self, query: str, *, limit: int = 50) -> dict[str, list[dict[str, Any]]]:
        """Articles, quotations and claims with every word of ``query`` (stemmed: "protest" finds
        "protesters"), each list best match first, from the full-text index."""
        words = search_words(query)
        if not words:
            return {"articles": [], "quotes": [], "claims": []}
        with self.engine.connect() as conn:
            found = {kind: self._matches(conn, words, kind, limit) for kind in ("article", "quote", "claim")}
            columns = (articles.c[k] for k in ("id", "source", "title", "outlet", "published"))
            ids = {a for a, _ in found["article"]}
            meta = {
                r["id"]: dict(r) for r in conn.execute(sa.select(*columns).where(articles.c.id.in_(ids))).mappings()
            }
            quotes, claims = self._with_outlets(conn, found["quote"]), self._with_outlets(conn, found["claim"])
        return {"articles": [meta[a] for a, _ in found["article"]], "quotes": quotes, "claims": claims}

    # ------------------------------------------------------------------------------------- comparisons

    def stale_comparisons(self, compare_version: str, *, limit: int = 20) -> list[tuple[int, str]]:
        """Live events whose stored comparison is missing or older than the event: (id, version), the most
        recently changed first."""
        query = (
            sa.select(events, comparisons.c.version.label("compared_version"))
            .outerjoin(comparisons, comparisons.c.event_id == events.c.id)
            .where(events.c.merged_into.is_(None), events.c.size > 0)
            .order_by(events.c.updated_at.desc(), events.c.id.desc())
        )
        out = []
        with self.engine.connect() as conn:
            for row in conn.execute(query).mappings():
                version = event_version(dict(row), compare_version)
                if row["compared_version"] != version:
                    out.append((int(row["id"]), version))
                    if len(out) >= limit:
                        break
        return out

    def save_comparison(
        self, event_id: int, version: str, compared: ComparedEvent | None, failure: str | None = None
    ) -> None:
        counts = {"shared": 0, "conflict": 0, "unique": 0}
        for group in compared.claims if compared is not None else ():
            counts[group.status] = counts.get(group.status, 0) + 1
        values = {
            "version": version,
            "data": json.dumps(compared.to_dict(), ensure_ascii=False) if compared is not None else None,
            "shared": counts["shared"],
            "conflicts": len(confirmed_conflicts(compared)) if compared is not None else 0,
            "unique_claims": counts["unique"],
            "failure": failure,
            "computed_at": dt.datetime.now(dt.UTC),
        }
        with self.engine.begin() as conn:
            if conn.execute(sa.select(events.c.id).where(events.c.id == event_id)).first() is None:
                return  # the event went away (merged and deleted) while it was compared
            conn.execute(sa.delete(comparisons).where(comparisons.c.event_id == event_id))
            conn.execute(sa.insert(comparisons).values(event_id=event_id, **values))

    def comparison_stamp(self, event_id: int) -> tuple[str, Any] | None:
        """(version, computed_at) of an event's stored comparison, None when there is none: what a cache of
        decoded comparisons checks before it answers."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(comparisons.c.version, comparisons.c.computed_at).where(comparisons.c.event_id == event_id)
            ).first()
        return (row[0], row[1]) if row is not None else None

    def stored_comparison(self, event_id: int) -> dict[str, Any] | None:
        """The stored comparison of an event: version, comparison (None for fewer than two outlets or a
        failure), counts and failure; None when none has been computed yet."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(comparisons).where(comparisons.c.event_id == event_id)).mappings().first()
        if row is None:
            return None
        data = json.loads(row["data"]) if row["data"] else None
        return {**dict(row), "data": ComparedEvent.from_dict(data) if data else None}

"""Open, migrate, read and write the store. This module owns every transaction.

SQLite by default (``./rashomon.db``); any SQLAlchemy URL works (``postgresql+psycopg://...``). The schema
is created and upgraded by Alembic migrations when the store opens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from rashomon.errors import StoreError
from rashomon.ingest import dedup
from rashomon.records import Analysis, Article, Carrier, Dateline, IngestOutcome, published_instant
from rashomon.settings import Settings
from rashomon.store.events_db import EventStoreMixin
from rashomon.store.feeds_db import FeedsMixin
from rashomon.store.names_db import OutletNamesMixin
from rashomon.store.schema import analyses, article_entities, articles, carriers, inputs, minhash_bands
from rashomon.store.search_db import SearchMixin, index_analyses, index_article
from rashomon.store.tokens_db import TokensMixin

logger = logging.getLogger(__name__)


def database_url(db: str) -> str:
    """A SQLAlchemy URL from ``--db``: a URL is kept, a path becomes ``sqlite:///path``."""
    if "://" in db:
        if db.startswith("postgres://"):
            return "postgresql+psycopg://" + db.removeprefix("postgres://")
        if db.startswith("postgresql://"):
            return "postgresql+psycopg://" + db.removeprefix("postgresql://")
        return db
    return f"sqlite:///{Path(db).expanduser()}"


SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_path(db: str) -> Path | None:
    """The file of an SQLite store (None for other databases and in-memory SQLite)."""
    url = database_url(db)
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[1] if "///" in url else ""
    path = path.split("?", 1)[0].removeprefix("file:")
    return Path(path) if path and path != ":memory:" else None


def _writable(path: Path) -> bool:
    """Whether SQLite can write this store: the file (opened for update, which also catches immutable
    files and read-only mounts, as root too) and its folder (for the journal files)."""
    try:
        if path.exists():
            with open(path, "r+b"):
                pass
        return os.access(path.parent if str(path.parent) else Path("."), os.W_OK)
    except OSError:
        return False


def check_sqlite_file(path: Path, *, must_exist: bool) -> None:
    """One line that names the file and what is wrong, before SQLite gets a chance to say less.

    Raises:
        StoreError: missing (when it must exist), not a regular file, unreadable, or not an SQLite database.
    """
    if not path.exists():
        if must_exist:
            raise StoreError(
                f"no store at {path}: nothing has been ingested there (run `rashomon ingest SOURCE --db {path}`, "
                "or pass --db with the path of an existing store)"
            )
        return
    if not path.is_file():
        raise StoreError(f"the store {path} is not a regular file")
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read the store {path}: {exc.strerror or exc}") from exc
    if head and not head.startswith(SQLITE_MAGIC):
        raise StoreError(f"the store {path} is not an SQLite database (a damaged file, or another kind of file)")
    if must_exist and not head:
        raise StoreError(f"the store {path} is empty: nothing has been ingested there")
    if head and len(head) < 100:
        raise StoreError(f"the store {path} is truncated ({len(head)} bytes): it is damaged")


_IMMEDIATE = "rashomon_sqlite_immediate"  # execution option: begin with BEGIN IMMEDIATE


def create_db_engine(db: str, *, read_only: bool = False, immutable: bool = False) -> Engine:
    url = database_url(db)
    try:
        if url.startswith("sqlite"):
            path = sqlite_path(db)
            if read_only and path is not None:
                flags = "immutable=1" if immutable else "mode=ro"
                url = f"sqlite:///file:{quote(str(path))}?{flags}&uri=true"
            engine = sa.create_engine(url, connect_args={"timeout": 30})

            @sa.event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
                # pysqlite starts transactions itself, lazily, and a SAVEPOINT outside one commits on
                # RELEASE: a batch would not be one transaction. Let SQLAlchemy emit BEGIN instead
                # (the SQLAlchemy documentation's recipe for pysqlite savepoints).
                dbapi_conn.isolation_level = None
                cursor = dbapi_conn.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                if not read_only:
                    cursor.execute("PRAGMA journal_mode=WAL")
                    cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.close()

            @sa.event.listens_for(engine, "begin")
            def _sqlite_begin(conn: Connection) -> None:
                conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_IMMEDIATE) else "BEGIN")

            if not read_only:
                # A write transaction (``engine.begin()``, the only way this package writes) takes the write
                # lock when it starts. Begun deferred, one that reads first holds a snapshot; if another
                # process (``ingest`` beside ``watch`` or the web app) commits meanwhile, SQLite cannot
                # upgrade it and fails at once with "database is locked", busy timeout or not. Reads
                # (``engine.connect()``) stay deferred and never wait for a writer (WAL).
                engine.begin = engine.execution_options(**{_IMMEDIATE: True}).begin  # type: ignore[method-assign]
            return engine
        # A pool of connections shared by the threads of a server (web requests, the comparer, jobs).
        return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, pool_timeout=60)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot open database {db!r}: {exc}") from exc


def describe_store_error(db: str, exc: BaseException) -> str:
    """One line for a database error: the store, and what is wrong in words a user can act on."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    path = sqlite_path(db)
    if path is None:
        where = sa.engine.make_url(database_url(db)).render_as_string(hide_password=True)
        return f"cannot use the store at {where}: {detail}. Check --db / RASHOMON_DB and that the server is running."
    low = detail.lower()
    if "not a database" in low or "malformed" in low or "disk image" in low:
        return f"the store {path} is damaged ({detail}); restore it from a copy or start a new one with --db"
    if "readonly" in low or "read-only" in low:
        return f"the store {path} is read-only ({detail}): this command writes to it; check its permissions"
    if "locked" in low or "busy" in low:
        return f"the store {path} is locked by another process ({detail}); try again when it has finished"
    if "unable to open" in low:
        return f"cannot open the store {path} ({detail}): check that its folder exists and can be read"
    return f"the store {path} failed: {detail}"


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("rashomon.store") / "migrations"))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, *, read_only: bool = False, db: str | None = None) -> None:
    """Bring the schema to the newest migration (creating it on an empty database). A read-only store is
    checked instead: it must already be at the newest migration."""
    try:
        with engine.begin() as connection:
            config = _alembic_config(connection)
            head = ScriptDirectory.from_config(config).get_current_head()
            current = MigrationContext.configure(connection).get_current_revision()
            if current == head:
                return
            if read_only:
                if current is None:
                    raise StoreError(f"{db or 'the store'} holds no Rashomon store (no tables)")
                raise StoreError(
                    f"the store {db or ''} was written by an older Rashomon (schema {current}, this version reads "
                    f"{head}): run any writing command once (e.g. `rashomon analyse --stored`) to upgrade it"
                )
            logger.info("migrating store from %s to %s", current, head)
            command.upgrade(config, "head")
    except sa.exc.DBAPIError as exc:
        raise StoreError(describe_store_error(db or str(engine.url), exc)) from exc


def input_key(source: str, content: str) -> str:
    """Identity of one processed input: its name and a hash of its raw content."""
    return hashlib.sha256(f"{source}\x00{content}".encode("utf-8", errors="replace")).hexdigest()


# Bump when the analysis output changes shape or meaning: stored analyses of older versions are redone.
ANALYSIS_VERSION = 9


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Store(EventStoreMixin, FeedsMixin, OutletNamesMixin, TokensMixin, SearchMixin):
    """The article store. Open with ``Store.open(settings)``; every write is one transaction per batch."""

    def __init__(self, engine: Engine, settings: Settings, *, read_only: bool = False) -> None:
        self.engine = engine
        self.settings = settings
        self.read_only = read_only

    @classmethod
    def open(cls, settings: Settings, *, mode: str = "write") -> Store:
        """Open (and migrate) the store.

        ``mode`` is "write" (created when missing), "read" (it must exist; nothing is written, so a
        read-only file, folder or mount works), or "auto" (written when it can be, else read).

        Raises:
            StoreError: one line naming the store and what is wrong (missing, damaged, read-only...).
        """
        path = sqlite_path(settings.db)
        if path is None:
            engine = create_db_engine(settings.db)
            migrate(engine, db=settings.db)
            return cls(engine, settings)
        check_sqlite_file(path, must_exist=mode == "read")
        if mode == "auto":
            mode = "write" if _writable(path) else "read"
        if mode == "write":
            if path.exists() and not _writable(path):
                raise StoreError(
                    f"the store {path} is read-only (the file or its folder cannot be written): this command "
                    "writes to it; check its permissions, or copy it somewhere writable"
                )
            if not path.parent.exists():
                raise StoreError(f"cannot create the store {path}: the folder {path.parent} does not exist")
            engine = create_db_engine(settings.db)
            migrate(engine, db=str(path))
            return cls(engine, settings)
        engine = create_db_engine(settings.db, read_only=True)
        try:
            migrate(engine, read_only=True, db=str(path))
        except StoreError as exc:
            if "unable to open" not in str(exc):
                raise
            # A store in WAL mode needs its -shm file, which a read-only folder cannot hold: read it as
            # immutable instead (nothing else can be writing it there either).
            engine.dispose()
            engine = create_db_engine(settings.db, read_only=True, immutable=True)
            migrate(engine, read_only=True, db=str(path))
        return cls(engine, settings, read_only=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------- writes

    def seen_inputs(self, keys: Iterable[str]) -> set[str]:
        keys = list(keys)
        if not keys:
            return set()
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(inputs.c.input_key).where(inputs.c.input_key.in_(keys)))
            return {r[0] for r in rows}

    def add_articles(self, batch: list[tuple[str, Article]]) -> list[IngestOutcome]:
        """Store a batch of (input key, article) in one transaction.

        Each article is stored once: an exact copy (same content) or near copy (MinHash similarity
        above the threshold) of a stored article only adds a carrier to it. Each article gets its own
        savepoint, so one failing article does not undo the others; a crash undoes the whole batch,
        never half an article.
        """
        outcomes: list[IngestOutcome] = []
        with self.engine.begin() as conn:
            for key, article in batch:
                try:
                    with conn.begin_nested():
                        outcome = self._add_one(conn, key, article)
                except sa.exc.IntegrityError as exc:
                    logger.warning("could not store %s: %s", article.source, exc.orig)
                    outcome = IngestOutcome(
                        source=article.source, status="failed", reason=f"store refused the article ({exc.orig})"
                    )
                outcomes.append(outcome)
        return outcomes

    def _add_one(self, conn: Connection, key: str, article: Article) -> IngestOutcome:
        if conn.execute(sa.select(inputs.c.status).where(inputs.c.input_key == key)).first():
            return IngestOutcome(source=article.source, status="duplicate", reason="input already ingested")
        locator = article.url or article.source
        existing = conn.execute(
            sa.select(articles.c.id).where(articles.c.content_hash == article.content_hash)
        ).scalar()
        previous = None if existing else self._current_at(conn, locator)
        if existing:
            status = self._add_carrier(conn, existing, article, locator, "exact", 1.0)
        elif previous:
            # The same url (or file) with a new text: a new version; the earlier one is kept, superseded.
            sig = dedup.signature(article.text, self.settings.minhash_permutations)
            self._insert_article(conn, article.replace(version_of=previous), sig, locator)
            conn.execute(sa.update(articles).where(articles.c.id == previous).values(superseded_by=article.id))
            existing, status = article.id, "version"
        else:
            sig = dedup.signature(article.text, self.settings.minhash_permutations)
            near_id, score = self._near_duplicate(conn, sig)
            if near_id:
                status = self._add_carrier(conn, near_id, article, locator, "near", score)
                existing = near_id
            else:
                self._insert_article(conn, article, sig, locator)
                existing, status = article.id, "added"
        conn.execute(
            sa.insert(inputs).values(
                input_key=key, source=article.source, status=status, article_id=existing, created_at=_now()
            )
        )
        return IngestOutcome(
            source=article.source,
            status=status,
            article_id=existing,
            reason=None if status == "added" else _reason(status),
        )

    def _current_at(self, conn: Connection, locator: str) -> str | None:
        """The latest version of the article first stored from this url or file, if any."""
        return conn.execute(
            sa.select(articles.c.id)
            .join(carriers, carriers.c.article_id == articles.c.id)
            .where(carriers.c.locator == locator, carriers.c.relation == "original", articles.c.superseded_by.is_(None))
            .limit(1)
        ).scalar()

    def _near_duplicate(self, conn: Connection, sig: Any) -> tuple[str | None, float]:
        keys = dedup.band_keys(sig, self.settings.near_duplicate_threshold)
        candidates = (
            conn.execute(sa.select(minhash_bands.c.article_id).distinct().where(minhash_bands.c.band_key.in_(keys)))
            .scalars()
            .all()
        )
        best, best_score = None, 0.0
        for candidate in candidates:
            blob = conn.execute(sa.select(articles.c.minhash).where(articles.c.id == candidate)).scalar()
            if blob is None:
                continue
            score = dedup.similarity(sig, dedup.from_bytes(blob))
            if score >= self.settings.near_duplicate_threshold and score > best_score:
                best, best_score = candidate, score
        return best, best_score

    def _add_carrier(
        self, conn: Connection, article_id: str, article: Article, locator: str, relation: str, score: float
    ) -> str:
        known = conn.execute(
            sa.select(carriers.c.id).where(carriers.c.article_id == article_id, carriers.c.locator == locator)
        ).first()
        if known:
            return "duplicate"
        _insert_carrier(conn, article_id, article, locator, relation, score)
        return "republished"

    def _insert_article(self, conn: Connection, article: Article, sig: Any, locator: str) -> None:
        dl = article.dateline or Dateline()
        conn.execute(
            sa.insert(articles).values(
                id=article.id,
                content_hash=article.content_hash,
                url=article.url,
                source=article.source,
                title=article.title,
                outlet=article.outlet,
                author=article.author,
                published=article.published,
                published_at=published_instant(article.published),
                published_from=article.published_from,
                version_of=article.version_of,
                editors=article.editors,
                byline_place=article.byline_place,
                language=article.language,
                dateline_place=dl.place,
                dateline_date=dl.date,
                dateline_agency=dl.agency,
                dateline_text=dl.text,
                description=article.description,
                kind=article.kind,
                text=article.text,
                minhash=dedup.to_bytes(sig),
                created_at=_now(),
            )
        )
        _insert_carrier(conn, article.id, article, locator, "original", 1.0)
        index_article(conn, article)
        conn.execute(
            sa.insert(minhash_bands),
            [
                {"band_key": k, "article_id": article.id}
                for k in dedup.band_keys(sig, self.settings.near_duplicate_threshold)
            ],
        )

    def save_analyses(self, items: list[Analysis]) -> None:
        """Store analyses (replacing earlier ones of the same articles) in one transaction."""
        if not items:
            return
        with self.engine.begin() as conn:
            ids = [a.article_id for a in items]
            conn.execute(sa.delete(analyses).where(analyses.c.article_id.in_(ids)))
            conn.execute(sa.delete(article_entities).where(article_entities.c.article_id.in_(ids)))
            conn.execute(
                sa.insert(analyses),
                [
                    {
                        "article_id": a.article_id,
                        "model": a.model,
                        "version": ANALYSIS_VERSION,
                        "data": json.dumps(a.to_dict(), ensure_ascii=False),
                        "created_at": _now(),
                    }
                    for a in items
                ],
            )
            rows = {}
            for a in items:
                for entity in a.entities:
                    key = (a.article_id, entity.key[:300])
                    if key in rows:
                        rows[key]["mentions"] += len(entity.mentions)
                    else:
                        rows[key] = {
                            "article_id": a.article_id,
                            "entity_key": entity.key[:300],
                            "name": entity.name,
                            "type": entity.type,
                            "mentions": len(entity.mentions),
                        }
            if rows:
                conn.execute(sa.insert(article_entities), list(rows.values()))
            index_analyses(conn, items)

    def get_analysis(self, article_id: str) -> Analysis | None:
        with self.engine.connect() as conn:
            data = conn.execute(sa.select(analyses.c.data).where(analyses.c.article_id == article_id)).scalar()
        return Analysis.from_dict(json.loads(data)) if data else None

    def entity_articles(self, key: str, *, limit: int = 200) -> list[dict[str, Any]]:
        """The latest articles that name the entity ``key`` (its name there, type, mentions), newest first."""
        query = (
            sa.select(
                article_entities.c.article_id,
                article_entities.c.name,
                article_entities.c.type,
                article_entities.c.mentions,
                articles.c.title,
                articles.c.outlet,
                articles.c.published,
                articles.c.source,
            )
            .join(articles, articles.c.id == article_entities.c.article_id)
            .where(article_entities.c.entity_key == key, articles.c.superseded_by.is_(None))
            .order_by(articles.c.published_at.desc().nulls_last(), articles.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def get_analyses(self, article_ids: Iterable[str]) -> dict[str, Analysis]:
        ids = list(article_ids)
        found: dict[str, Analysis] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    sa.select(analyses.c.article_id, analyses.c.data).where(
                        analyses.c.article_id.in_(ids[start : start + 500])
                    )
                )
                for article_id, data in rows:
                    found[article_id] = Analysis.from_dict(json.loads(data))
        return found

    def unanalysed_ids(self, model: str | None = None, language: str | None = None) -> list[str]:
        """Articles without an analysis (or, given a model name, without one by that model); given a
        language, only articles in it or of unknown language (the others cannot be analysed by the model)."""
        query = sa.select(articles.c.id).outerjoin(analyses, analyses.c.article_id == articles.c.id)
        condition = analyses.c.article_id.is_(None) | (analyses.c.version != ANALYSIS_VERSION)
        if model:
            condition = condition | (analyses.c.model != model)
        query = query.where(condition, articles.c.superseded_by.is_(None))  # earlier versions are not redone
        if language:
            query = query.where(articles.c.language.is_(None) | (articles.c.language == language))
        with self.engine.connect() as conn:
            return list(conn.execute(query.order_by(articles.c.id)).scalars())

    # -------------------------------------------------------------------------------------- reads

    def count_articles(self) -> int:
        """Stored articles, each counted once (its latest version)."""
        query = sa.select(sa.func.count()).select_from(articles).where(articles.c.superseded_by.is_(None))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def article_ids(self) -> list[str]:
        """Ids of the stored articles (latest versions), in id order: what an export walks in chunks."""
        query = sa.select(articles.c.id).where(articles.c.superseded_by.is_(None)).order_by(articles.c.id)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def iter_articles(
        self,
        *,
        outlet: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        ids: Iterable[str] | None = None,
        include_superseded: bool = False,
    ) -> Iterator[Article]:
        """Stored articles (their latest versions, unless ``include_superseded``), newest publication first
        (undated last), with their carriers."""
        query = sa.select(articles).order_by(articles.c.published_at.desc().nulls_last(), articles.c.id)
        if not include_superseded:
            query = query.where(articles.c.superseded_by.is_(None))
        if outlet:
            query = query.where(sa.func.lower(articles.c.outlet) == outlet.lower())
        if ids is not None:
            query = query.where(articles.c.id.in_(list(ids)))
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            carrier_rows = (
                conn.execute(
                    sa.select(carriers)
                    .where(carriers.c.article_id.in_([r["id"] for r in rows]))
                    .order_by(carriers.c.id)
                )
                .mappings()
                .all()
            )
        by_article: dict[str, list[Carrier]] = {}
        for c in carrier_rows:
            by_article.setdefault(c["article_id"], []).append(
                Carrier(
                    source=c["source"],
                    url=c["url"],
                    outlet=c["outlet"],
                    title=c["title"],
                    published=c["published"],
                    relation=c["relation"],
                    similarity=c["similarity"],
                )
            )
        for row in rows:
            yield _article_from_row(row, tuple(by_article.get(row["id"], ())))

    def get_article(self, ref: str) -> Article | None:
        """An article by id, id prefix (at least 4 characters), url, or file in any spelling (relative to
        the working directory, absolute, ``./``): the latest version unless an earlier one's id is given."""
        import os

        spellings = [ref]
        if "://" not in ref:
            spellings.append(os.path.abspath(os.path.expanduser(ref)))
        else:
            from rashomon.ingest.metadata import canonical_url

            spellings.append(canonical_url(ref) or ref)
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(articles.c.id).where(articles.c.id == ref)).scalar()
            if not found and len(ref) >= 4 and "/" not in ref:
                matches = (
                    conn.execute(
                        sa.select(articles.c.id).where(articles.c.id.like(ref.replace("%", "") + "%")).limit(2)
                    )
                    .scalars()
                    .all()
                )
                found = matches[0] if len(matches) == 1 else None
            if not found:
                found = conn.execute(
                    sa.select(carriers.c.article_id)
                    .join(articles, articles.c.id == carriers.c.article_id)
                    .where(
                        sa.or_(
                            carriers.c.url.in_(spellings),
                            carriers.c.source.in_(spellings),
                            carriers.c.locator.in_(spellings),
                        )
                    )
                    .order_by(articles.c.superseded_by.is_not(None), carriers.c.id.desc())
                    .limit(1)
                ).scalar()
                found = self._latest(conn, found) if found else None
        if not found:
            return None
        return next(self.iter_articles(ids=[found], include_superseded=True), None)

    def _latest(self, conn: Connection, article_id: str) -> str:
        for _ in range(1000):  # a chain of versions, newest last
            newer = conn.execute(sa.select(articles.c.superseded_by).where(articles.c.id == article_id)).scalar()
            if not newer:
                break
            article_id = newer
        return article_id

    def versions_of(self, article_id: str) -> list[dict[str, Any]]:
        """Every version of the article, oldest first: id, title, published, when stored, words, latest?"""
        with self.engine.connect() as conn:
            first = article_id
            for _ in range(1000):
                older = conn.execute(sa.select(articles.c.version_of).where(articles.c.id == first)).scalar()
                if not older:
                    break
                first = older
            chain, current = [], first
            for _ in range(1000):
                row = conn.execute(
                    sa.select(
                        articles.c.id,
                        articles.c.title,
                        articles.c.published,
                        articles.c.created_at,
                        articles.c.text,
                        articles.c.superseded_by,
                    ).where(articles.c.id == current)
                ).first()
                if row is None:
                    break
                chain.append(
                    {
                        "id": row.id,
                        "title": row.title,
                        "published": row.published,
                        "stored": row.created_at.isoformat() if row.created_at else None,
                        "words": len(row.text.split()),
                        "latest": row.superseded_by is None,
                    }
                )
                if not row.superseded_by:
                    break
                current = row.superseded_by
        return chain if len(chain) > 1 else []


def _insert_carrier(
    conn: Connection, article_id: str, article: Article, locator: str, relation: str, score: float
) -> None:
    """Record that ``article``'s source carried the content stored as ``article_id``."""
    conn.execute(
        sa.insert(carriers).values(
            article_id=article_id,
            locator=locator,
            source=article.source,
            url=article.url,
            outlet=article.outlet,
            title=article.title,
            published=article.published,
            relation=relation,
            similarity=round(score, 4),
            created_at=_now(),
        )
    )


def _reason(status: str) -> str:
    return {
        "duplicate": "already stored",
        "republished": "copy of a stored article: carrier recorded",
        "version": "a new text of a stored article (same url or file): stored as its latest version",
    }.get(status, "")


def _article_from_row(row: Any, carrier_list: tuple[Carrier, ...]) -> Article:
    dateline = None
    if row["dateline_place"] or row["dateline_agency"] or row["dateline_date"]:
        dateline = Dateline(
            place=row["dateline_place"],
            date=row["dateline_date"],
            agency=row["dateline_agency"],
            text=row["dateline_text"],
        )
    return Article(
        id=row["id"],
        source=row["source"],
        text=row["text"],
        url=row["url"],
        title=row["title"],
        outlet=row["outlet"],
        author=row["author"],
        published=row["published"],
        language=row["language"],
        dateline=dateline,
        description=row["description"],
        kind=row["kind"],
        content_hash=row["content_hash"],
        published_from=row["published_from"],
        carriers=carrier_list,
        editors=row["editors"],
        byline_place=row["byline_place"],
        version_of=row["version_of"],
        superseded_by=row["superseded_by"],
    )

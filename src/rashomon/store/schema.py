"""The store's schema in SQLAlchemy Core: one definition for SQLite and PostgreSQL.

Alembic migrations under ``migrations/versions`` create and change these tables; this module is the
schema the code reads and writes, and must match the head migration (tests check that it does).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("url", Text, index=True),
    Column("source", Text, nullable=False),
    Column("title", Text),
    Column("outlet", Text, index=True),
    Column("author", Text),
    Column("published", String(40), index=True),  # as the page states it, with its offset
    Column("published_from", String(40)),
    Column("language", String(16)),
    Column("dateline_place", Text),
    Column("dateline_date", String(40)),
    Column("dateline_agency", Text),
    Column("dateline_text", Text),
    Column("description", Text),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("minhash", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", String(40), index=True),  # the same moment in UTC, for ordering (0004)
    # Versions (0005): a new text from the same url or file supersedes the stored one, which is kept.
    Column("version_of", String(32), index=True),  # the version this one replaced
    Column("superseded_by", String(32), index=True),  # the newer version, None for the latest
    Column("editors", Text),  # "Editing by ..." of the byline, "; "-separated
    Column("byline_place", Text),  # "Jane Roe in Bengaluru": where the author filed from
)

# What each domain is called (0005), learned from any page that declares it: an outlet's name does not
# depend on which of its pages came in the same batch.
outlet_names = Table(
    "outlet_names",
    metadata,
    Column("domain", String(255), primary_key=True),
    Column("name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Every outlet/url that carried an article's content: the original, exact copies, near copies.
carriers = Table(
    "carriers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("locator", Text, nullable=False),  # canonical url, else the source as given
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("outlet", Text),
    Column("title", Text),
    Column("published", String(40)),
    Column("relation", String(16), nullable=False),  # original | exact | near
    Column("similarity", Float, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("article_id", "locator", name="uq_carriers_article_locator"),
)

# LSH band keys of each article's MinHash: near-duplicate candidates by equality lookup.
minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("band_key", String(48), primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)

# Inputs already processed (source + a hash of the raw content): reruns skip them, so an interrupted
# ingest resumes where it stopped.
inputs = Table(
    "inputs",
    metadata,
    Column("input_key", String(64), primary_key=True),
    Column("source", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("article_id", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

Index("ix_carriers_locator", carriers.c.locator)

# One analysis per article (entities, quotes, claims, dates as JSON), replaced when re-analysed.
analyses = Table(
    "analyses",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("model", String(120), nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Canonical entity keys per article: the events stage finds candidate articles through them.
article_entities = Table(
    "article_entities",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_key", String(300), primary_key=True, index=True),
    Column("name", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("mentions", Integer, nullable=False),
)


# Events: each article belongs to at most one live event; merged events point to the one that absorbed them.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", Text),
    Column("start", String(40)),
    Column("end", String(40), index=True),
    Column("outlets", Text, nullable=False),  # JSON list
    Column("size", Integer, nullable=False),
    Column("merged_into", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

event_articles = Table(
    "event_articles",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("similarity", Float, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

event_merges = Table(
    "event_merges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("merged", Integer, nullable=False),
    Column("into", Integer, nullable=False),
    Column("bridge_article", String(32)),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Document frequencies of clustering features (IDF for incremental clustering) and named counters.
feature_df = Table(
    "feature_df",
    metadata,
    Column("signal", String(16), primary_key=True),
    Column("key", String(300), primary_key=True),
    Column("df", Integer, nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)

# Access tokens of the web app's write routes (0006): only a SHA-256 digest of each is kept.
tokens = Table(
    "tokens",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# What search finds (0007): each article's title and text (kind "article"), each quotation ("quote") and claim
# ("claim") of its analysis, by its position there, with its record as search returns it (no analysis is
# decoded to answer a search). SQLite indexes it with the FTS5 table ``search_fts``
# (kept in step by triggers), PostgreSQL with the GIN index ``ix_search_docs_tsv`` on its English tsvector
# (the generated column ``search_tsv``):
# both are made by the migration, outside this metadata (see FULL_TEXT_OBJECTS).
search_docs = Table(
    "search_docs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("data", Text),  # the quotation or claim as the search API returns it (JSON), None for an article
)
FULL_TEXT_OBJECTS = ("search_fts", "ix_search_docs_tsv", "search_tsv")

# Each event's comparison (0007), computed in the background when the event changes: ``version`` names the
# state of the event it was computed on; ``data`` is the comparison's JSON, None when fewer than two outlets
# reported the event or when it failed (``failure`` says why).
comparisons = Table(
    "comparisons",
    metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("version", String(200), nullable=False),
    Column("data", Text),
    Column("shared", Integer, nullable=False),
    Column("conflicts", Integer, nullable=False),
    Column("unique_claims", Integer, nullable=False),
    Column("failure", Text),
    Column("computed_at", DateTime(timezone=True), nullable=False),
)

# Feeds followed by `rashomon watch` (0008): ``url`` as the user named it, ``fetch_url`` where it lives now
# (a permanent redirect moves it), the HTTP validators of the last answer, the schedule and the failures.
feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False, unique=True),
    Column("fetch_url", Text, nullable=False),
    Column("kind", String(8), nullable=False),  # feed | list (an OPML list of feeds)
    Column("etag", Text),
    Column("last_modified", Text),
    Column("checked_at", DateTime(timezone=True)),
    Column("ok_at", DateTime(timezone=True)),
    Column("due_at", DateTime(timezone=True)),
    Column("failures", Integer, nullable=False),  # consecutive
    Column("last_error", Text),
    Column("entries_seen", Integer, nullable=False),  # entries read since the feed was first followed
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The entries of each feed already read (their key: a digest of the guid, else the link): a restarted watch
# reads only new ones. ``status`` stored | failed; a failed entry is tried again, up to a few attempts.
feed_entries = Table(
    "feed_entries",
    metadata,
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    Column("entry_key", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),  # last fetch of the feed that listed it
)

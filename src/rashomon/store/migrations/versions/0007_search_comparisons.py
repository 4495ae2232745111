"""full-text search (SQLite FTS5, PostgreSQL tsvector) and stored comparisons

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

``search_docs`` holds what search finds: each article's title and text, and each quotation and claim of
its analysis. SQLite indexes it with an FTS5 table kept in step by triggers; PostgreSQL with a GIN index on
its English tsvector (a stored generated column). ``comparisons`` keeps each event's comparison, computed
in the background when the event changes, so that pages never wait for it. Existing stores are indexed
here, once.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_docs', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
]
POSTGRES_INDEX = [
    # Stored, so that ranking reads each match's vector instead of parsing its text again.
    "ALTER TABLE search_docs ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED",
    "CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (search_tsv)",
]


def upgrade() -> None:
    search_docs = op.create_table(
        "search_docs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "article_id", sa.String(32), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("data", sa.Text),
    )
    op.create_table(
        "comparisons",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("version", sa.String(200), nullable=False),
        sa.Column("data", sa.Text),
        sa.Column("shared", sa.Integer, nullable=False),
        sa.Column("conflicts", sa.Integer, nullable=False),
        sa.Column("unique_claims", sa.Integer, nullable=False),
        sa.Column("failure", sa.Text),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    )
    bind = op.get_bind()
    for statement in SQLITE_FTS if bind.dialect.name == "sqlite" else POSTGRES_INDEX:
        op.execute(statement)
    _index_existing(bind, search_docs)


def _index_existing(bind: sa.Connection, search_docs: sa.Table) -> None:
    """Index the articles and analyses already stored, a thousand articles at a time."""
    rows = bind.execute(
        sa.text(
            "SELECT a.id, a.title, a.text, n.data FROM articles a LEFT JOIN analyses n ON n.article_id = a.id "
            "ORDER BY a.id"
        )
    )
    batch: list[dict] = []
    for article_id, title, text, data in rows:
        batch.extend(documents(article_id, title, text, json.loads(data) if data else None))
        if len(batch) >= 1000:
            op.bulk_insert(search_docs, batch)
            batch = []
    if batch:
        op.bulk_insert(search_docs, batch)


def documents(article_id: str, title: str | None, text: str, analysis: dict | None) -> list[dict]:
    """The rows of ``search_docs`` for one article (as rashomon.store.search_db builds them)."""
    out = [{"article_id": article_id, "kind": "article", "position": 0, "text": f"{title or ''}\n{text}", "data": None}]
    for kind, key in (("quote", "quotes"), ("claim", "claims")):
        for number, item in enumerate((analysis or {}).get(key) or []):
            if item.get("text"):
                data = item if kind == "quote" else {k: item.get(k) for k in ("id", "text", "voice")}
                row = {"article_id": article_id, "kind": kind, "position": number, "text": item["text"]}
                out.append({**row, "data": json.dumps(data, ensure_ascii=False)})
    return out


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("comparisons")
    op.drop_table("search_docs")

"""articles, carriers, minhash bands, processed inputs

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("url", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("published", sa.String(40)),
        sa.Column("published_from", sa.String(40)),
        sa.Column("language", sa.String(16)),
        sa.Column("dateline_place", sa.Text),
        sa.Column("dateline_date", sa.String(40)),
        sa.Column("dateline_agency", sa.Text),
        sa.Column("dateline_text", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("minhash", sa.LargeBinary),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_articles_url", "articles", ["url"])
    op.create_index("ix_articles_outlet", "articles", ["outlet"])
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_table(
        "carriers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("locator", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String(40)),
        sa.Column("relation", sa.String(16), nullable=False),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("article_id", "locator", name="uq_carriers_article_locator"),
    )
    op.create_index("ix_carriers_article_id", "carriers", ["article_id"])
    op.create_index("ix_carriers_locator", "carriers", ["locator"])
    op.create_table(
        "minhash_bands",
        sa.Column("band_key", sa.String(48), primary_key=True),
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "inputs",
        sa.Column("input_key", sa.String(64), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("article_id", sa.String(32)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("inputs")
    op.drop_table("minhash_bands")
    op.drop_index("ix_carriers_locator", "carriers")
    op.drop_index("ix_carriers_article_id", "carriers")
    op.drop_table("carriers")
    op.drop_index("ix_articles_published", "articles")
    op.drop_index("ix_articles_outlet", "articles")
    op.drop_index("ix_articles_url", "articles")
    op.drop_table("articles")

"""events, memberships, merges, feature document frequencies

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text),
        sa.Column("start", sa.String(40)),
        sa.Column("end", sa.String(40)),
        sa.Column("outlets", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("merged_into", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_events_end", "events", ["end"])
    op.create_table(
        "event_articles",
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_articles_event_id", "event_articles", ["event_id"])
    op.create_table(
        "event_merges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("merged", sa.Integer, nullable=False),
        sa.Column("into", sa.Integer, nullable=False),
        sa.Column("bridge_article", sa.String(32)),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "feature_df",
        sa.Column("signal", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("df", sa.Integer, nullable=False),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("counters")
    op.drop_table("feature_df")
    op.drop_table("event_merges")
    op.drop_index("ix_event_articles_event_id", "event_articles")
    op.drop_table("event_articles")
    op.drop_index("ix_events_end", "events")
    op.drop_table("events")

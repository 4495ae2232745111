"""articles.published_at: the publication instant in UTC, for ordering (published keeps the page's own
time and offset, whose date is the local day)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from rashomon.records import published_instant

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("published_at", sa.String(40)))
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    connection = op.get_bind()
    table = sa.table(
        "articles", sa.column("id", sa.String), sa.column("published", sa.String), sa.column("published_at", sa.String)
    )
    rows = connection.execute(sa.select(table.c.id, table.c.published).where(table.c.published.is_not(None))).all()
    for article_id, published in rows:
        connection.execute(
            sa.update(table).where(table.c.id == article_id).values(published_at=published_instant(published))
        )


def downgrade() -> None:
    op.drop_index("ix_articles_published_at", "articles")
    op.drop_column("articles", "published_at")

"""article versions (same url or file, new text), what each domain is called, bylines taken apart

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("version_of", sa.String(32)))
        batch.add_column(sa.Column("superseded_by", sa.String(32)))
        batch.add_column(sa.Column("editors", sa.Text))
        batch.add_column(sa.Column("byline_place", sa.Text))
    op.create_index("ix_articles_superseded_by", "articles", ["superseded_by"])
    op.create_index("ix_articles_version_of", "articles", ["version_of"])
    op.create_table(
        "outlet_names",
        sa.Column("domain", sa.String(255), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("outlet_names")
    op.drop_index("ix_articles_version_of", "articles")
    op.drop_index("ix_articles_superseded_by", "articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("byline_place")
        batch.drop_column("editors")
        batch.drop_column("superseded_by")
        batch.drop_column("version_of")

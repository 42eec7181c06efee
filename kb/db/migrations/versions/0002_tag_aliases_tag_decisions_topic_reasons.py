"""Tag aliases, tag-level decisions, topic reasons, extraction version

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 06:14:49.114514
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tag_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_tag_aliases_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag_aliases")),
        sa.UniqueConstraint("tag_id", "alias", name="uq_tag_aliases_tag_alias"),
    )
    with op.batch_alter_table("tag_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tag_aliases_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_tag_aliases_tag_id"), ["tag_id"], unique=False)

    with op.batch_alter_table("document_tags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tagged_with", sa.String(length=32), nullable=True))

    with op.batch_alter_table("tags", schema=None) as batch_op:
        # server defaults fill the rows that exist; kb writes every value itself
        batch_op.add_column(
            sa.Column("key", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "definition_origin", sa.String(length=8), nullable=False, server_default="auto"
            )
        )
        batch_op.add_column(
            sa.Column("rejected", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(batch_op.f("ix_tags_key"), ["key"], unique=False)
    op.execute("UPDATE tags SET key = name")


def downgrade() -> None:
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tags_key"))
        batch_op.drop_column("rejected")
        batch_op.drop_column("definition_origin")
        batch_op.drop_column("key")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("tagged_with")

    with op.batch_alter_table("document_tags", schema=None) as batch_op:
        batch_op.drop_column("reason")

    with op.batch_alter_table("tag_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tag_aliases_tag_id"))
        batch_op.drop_index(batch_op.f("ix_tag_aliases_key"))

    op.drop_table("tag_aliases")

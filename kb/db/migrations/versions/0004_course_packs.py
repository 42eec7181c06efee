"""Course packs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 06:36:30.402640
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("audience", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("share_token", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_packs_owner_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packs")),
        sa.UniqueConstraint("share_token", name=op.f("uq_packs_share_token")),
    )
    with op.batch_alter_table("packs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_packs_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "pack_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pack_id"],
            ["packs.id"],
            name=op.f("fk_pack_sections_pack_id_packs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_sections")),
    )
    with op.batch_alter_table("pack_sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pack_sections_pack_id"), ["pack_id"], unique=False)

    op.create_table(
        "pack_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("passage_ordinal", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=1024), nullable=False),
        sa.Column("doc_type", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("approaches", sa.JSON(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_pack_items_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["pack_sections.id"],
            name=op.f("fk_pack_items_section_id_pack_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_items")),
    )
    with op.batch_alter_table("pack_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pack_items_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pack_items_section_id"), ["section_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pack_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pack_items_section_id"))
        batch_op.drop_index(batch_op.f("ix_pack_items_document_id"))

    op.drop_table("pack_items")
    with op.batch_alter_table("pack_sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pack_sections_pack_id"))

    op.drop_table("pack_sections")
    with op.batch_alter_table("packs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_packs_owner_id"))

    op.drop_table("packs")

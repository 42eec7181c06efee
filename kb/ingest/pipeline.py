"""Ingest files into the database, one transaction per file, never stopping the batch."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kb.db import repository
from kb.db.models import Document
from kb.db.session import Database
from kb.errors import EmptyFile, KBError
from kb.ingest.dedupe import NEAR_DUPLICATE_THRESHOLD, similarity
from kb.ingest.isolation import process_isolated
from kb.ingest.process import Job, Processed
from kb.ingest.sources import (
    DEFAULT_LIMITS,
    display_source,
    file_format,
    find_files,
    read_bytes,
    source_key,
)
from kb.limits import Limits
from kb.tagging.extract import extraction_version
from kb.tagging.store import apply_candidates
from kb.tagging.topics import assign_topics

log = logging.getLogger(__name__)

STATUSES = ("added", "updated", "unchanged", "duplicate", "rejected")


@dataclass
class IngestResult:
    """What happened to one file."""

    source: str
    status: str
    id: int | None = None
    duplicate_of: int | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def ingest_paths(
    db: Database, paths: Iterable[str | Path], *, limits: Limits = DEFAULT_LIMITS
) -> list[IngestResult]:
    """Ingest every file under ``paths``; each file succeeds or leaves no trace."""
    return [ingest_file(db, source, path, limits=limits) for source, path in find_files(paths)]


def ingest_file(
    db: Database, source: str, path: Path, *, limits: Limits = DEFAULT_LIMITS
) -> IngestResult:
    """Read, clean and store one file, reporting the outcome instead of raising.

    The file's bytes are read here (within the size limit) and processed in the
    isolated worker (within the other limits); the database is written in one
    transaction, after the work, so no transaction stays open while a file is read.
    """
    source = display_source(source)
    try:
        file_format_ = file_format(path)
        data = read_bytes(path, max_bytes=limits.max_bytes)
        key = source_key(path)
        raw_hash = hashlib.sha256(data).hexdigest()
        with db.session() as session:
            existing = repository.find_by_source_key(session, key)
            if existing is not None and existing.raw_hash == raw_hash:
                return IngestResult(
                    source,
                    "unchanged",
                    existing.id,
                    existing.duplicate_of_id,
                    warnings=list(existing.warnings),
                )
        processed = process_isolated(Job(source, file_format_, data), limits)
        if not processed.prepared.passages:
            raise EmptyFile("清理后没有正文（只有网站模板或元数据）")
        with db.session() as session:
            existing = repository.find_by_source_key(session, key)
            return _store(session, processed, key, existing)
    except KBError as exc:
        return IngestResult(source, "rejected", reason=str(exc))
    except SQLAlchemyError as exc:
        log.exception("database error while ingesting %s", source)
        return IngestResult(source, "rejected", reason=f"数据库写入失败：{exc.__class__.__name__}")
    except Exception as exc:  # a bug in one file's processing must not stop the batch
        log.exception("unexpected error while ingesting %s", source)
        return IngestResult(
            source,
            "rejected",
            reason=f"处理失败：程序内部错误（{exc.__class__.__name__}），已记入日志",
        )


def _store(
    session: Session, processed: Processed, source_key: str, existing: Document | None
) -> IngestResult:
    prepared = processed.prepared
    own_id = existing.id if existing is not None else None
    chash, prints = processed.content_hash, processed.fingerprint
    warnings = list(prepared.cleaned.warnings)

    status = "updated" if existing is not None else "added"
    duplicate_of: int | None = None
    score: float | None = None
    twin = repository.find_by_content_hash(session, chash, exclude_id=own_id)
    if twin is not None:
        duplicate_of, score, status = repository.canonical_id(session, twin.id), 1.0, "duplicate"
        warnings.append(f"与文档 #{duplicate_of} 内容相同")
    else:
        best = max(
            (
                (similarity(prints.signature, signature), candidate_id)
                for candidate_id, signature in repository.near_duplicate_candidates(
                    session, prints, exclude_id=own_id
                )
            ),
            default=None,
        )
        if best is not None and best[0] >= NEAR_DUPLICATE_THRESHOLD:
            score = best[0]
            duplicate_of = repository.canonical_id(session, best[1])
            warnings.append(f"与文档 #{duplicate_of} 近似重复（相似度 {score:.2f}），已关联")
    if duplicate_of == own_id:
        duplicate_of, score = None, None

    document = repository.save_document(
        session,
        prepared,
        source_key=source_key,
        content_hash=chash,
        fingerprint=prints,
        duplicate_of_id=duplicate_of,
        similarity=score,
        existing=existing,
    )
    candidates = list(processed.candidates)
    if document.title != prepared.metadata.title:  # an editor's title: judge topics by it
        candidates = [c for c in candidates if c.kind != "topic"]
        candidates += assign_topics(document.text, document.title)
    apply_candidates(session, document, candidates, version=extraction_version())
    return IngestResult(prepared.raw.source, status, document.id, duplicate_of, warnings=warnings)

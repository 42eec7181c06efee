"""Everything one file's bytes become before the database sees them: pure CPU work.

    (source, format, bytes) --read--> RawDocument --prepare--> PreparedDocument
                                      --fingerprint, extract--> Processed

This is the expensive part of ingesting (decoding, cleaning, metadata, jieba's
part-of-speech tagging, MinHash), and the part a hostile file can make expensive, so it
runs in a child process under limits (:mod:`kb.ingest.isolation`); the database
transaction stays in the process that asked (:mod:`kb.ingest.pipeline`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.errors import EmptyFile
from kb.ingest.dedupe import Fingerprint, content_hash, fingerprint, normalize_for_matching
from kb.ingest.document import PreparedDocument, prepare
from kb.ingest.sources import raw_document
from kb.limits import Limits
from kb.tagging.candidates import Candidate
from kb.tagging.extract import extract


@dataclass(frozen=True)
class Job:
    """One file to process: what the user called it, its format and its bytes."""

    source: str
    file_format: str
    data: bytes


@dataclass(frozen=True)
class Processed:
    """A file turned into a document and its fingerprints and tag candidates."""

    prepared: PreparedDocument
    content_hash: str
    fingerprint: Fingerprint
    candidates: tuple[Candidate, ...]
    """Every tag the rules find, topics judged with the detected title."""


def process(job: Job, limits: Limits) -> Processed:
    """Read, clean, describe, fingerprint and tag one file; raise IngestError if it
    cannot become a document."""
    prepared = prepare(raw_document(job.source, job.file_format, job.data, limits=limits))
    text = prepared.cleaned.text
    if prepared.passages and not normalize_for_matching(text):
        raise EmptyFile("文件中没有文字，只有标点或符号")
    return Processed(
        prepared=prepared,
        content_hash=content_hash(text),
        fingerprint=fingerprint(text),
        candidates=tuple(extract(text, prepared.metadata.title)) if prepared.passages else (),
    )


def warm_up() -> None:
    """Load what processing every file needs (jieba's dictionaries, OpenCC, the
    gazetteer) before the first file arrives."""
    sample = "中共北京市委组织部推行“一定两评三公开”。".encode()
    process(Job("warm-up.txt", "txt", sample), Limits())

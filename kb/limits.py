"""What one ingested file may be and cost, so one file can never stall a batch.

The size limit is checked before a byte is read; the others while the file is
processed, in a child process (:mod:`kb.ingest.isolation`) that is stopped when it runs
out of time or memory. Each limit rejects the file with a reason that names it.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits on one file (defaults: the settings' defaults, ``kb.config``)."""

    max_bytes: int = 20 * MB
    """The file itself (``KB_MAX_FILE_MB``)."""
    max_unpacked_bytes: int = 100 * MB
    """What a .docx's parts unpack to, as its archive declares them (``KB_MAX_UNPACKED_MB``)."""
    max_text_chars: int = 500_000
    """The text read out of the file (``KB_MAX_TEXT_CHARS``)."""
    seconds: float = 60.0
    """Reading, cleaning, describing and tagging it (``KB_INGEST_SECONDS``)."""
    memory_bytes: int = 1024 * MB
    """What processing it may add to the worker's memory (``KB_INGEST_MEMORY_MB``)."""


def megabytes(size: float) -> str:
    """``size`` bytes as a short number of megabytes.

    >>> megabytes(20 * MB), megabytes(1.5 * MB)
    ('20', '1.5')
    """
    value = size / MB
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"

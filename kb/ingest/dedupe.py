"""Fingerprints that recognise the same text again: exact hashes and MinHash bands.

Both work on the *normalized* text: simplified script, letters, digits and Han
characters only. So a GBK or Big5 copy, a traditional/simplified twin or a copy
with different spacing and punctuation hashes the same; a repost with a changed
word or different site furniture lands close in MinHash space.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass

import numpy as np

from kb.script import to_simplified

NUM_PERM = 120
BANDS = 20
ROWS = NUM_PERM // BANDS
SHINGLE = 4
BATCH = 4096
"""Shingles hashed at once."""
NEAR_DUPLICATE_THRESHOLD = 0.8
"""Estimated Jaccard similarity of 4-character shingles from which a text is a near-duplicate.
With 20 bands of 6 rows a pair at 0.8 becomes a candidate with probability 0.998."""

_NOT_CONTENT = re.compile(r"[^\w]|_", re.UNICODE)
_SEED = 20240611


def normalize_for_matching(text: str) -> str:
    """Reduce ``text`` to simplified letters, digits and Han characters.

    >>> normalize_for_matching("組織工作, 改革創新!")
    '组织工作改革创新'
    """
    return _NOT_CONTENT.sub("", to_simplified(text)).lower()


def content_hash(text: str) -> str:
    """SHA-256 of the normalized text: equal for the same text in any encoding or script."""
    return hashlib.sha256(normalize_for_matching(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """A document's MinHash signature and its LSH band hashes."""

    signature: bytes
    bands: tuple[int, ...]


def _shingles(normalized: str) -> list[bytes]:
    if len(normalized) <= SHINGLE:
        return [normalized.encode("utf-8")] if normalized else []
    return [
        normalized[i : i + SHINGLE].encode("utf-8") for i in range(len(normalized) - SHINGLE + 1)
    ]


def fingerprint(text: str) -> Fingerprint:
    """Compute the MinHash signature and band hashes of ``text``."""
    # imported here: datasketch pulls in scipy (~0.7 s), which searching never needs
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED)
    shingles = _shingles(normalize_for_matching(text))
    # in slices: update_batch makes a few (permutations × shingles) arrays at once, which
    # for a long text is hundreds of MB; the minimum over slices is the same signature
    for start in range(0, len(shingles), BATCH):
        minhash.update_batch(shingles[start : start + BATCH])
    values = minhash.hashvalues.astype(np.uint64)
    bands = tuple(
        _band_hash(band, values[band * ROWS : (band + 1) * ROWS].tobytes()) for band in range(BANDS)
    )
    return Fingerprint(signature=values.tobytes(), bands=bands)


def _band_hash(band: int, rows: bytes) -> int:
    digest = hashlib.blake2b(struct.pack("<I", band) + rows, digest_size=8).digest()
    # 63 bits: fits a signed BIGINT on every database.
    return int.from_bytes(digest, "little") & 0x7FFF_FFFF_FFFF_FFFF


def similarity(signature_a: bytes, signature_b: bytes) -> float:
    """Estimate the Jaccard similarity of two documents from their signatures."""
    a = np.frombuffer(signature_a, dtype=np.uint64)
    b = np.frombuffer(signature_b, dtype=np.uint64)
    if a.shape != b.shape or a.size == 0:
        return 0.0
    return float(np.count_nonzero(a == b)) / a.size

"""Course packs (课程素材包): trainers' cases grouped by theme, exported as handouts.

``logic`` changes packs in the database; ``sources`` takes the snapshot of a document or
passage and compares it with the document now; ``data`` turns a pack into a detached
``PackView`` (and the JSON of the CLI and the API); ``citation`` and ``layout`` hold what
every export shares; ``export_docx``, ``export_markdown`` and ``export_html`` are pure
functions of a ``PackView``.
"""

from __future__ import annotations

from kb.errors import KBError, NotFound


class PackError(KBError):
    """A course pack, section or item cannot be found or changed as asked."""


class PackNotFound(PackError, NotFound):
    """No pack, section, item or share link is the one named."""

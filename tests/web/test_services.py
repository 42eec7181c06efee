"""The site's services: a starting worker catches up with what a killed one left undone."""

from __future__ import annotations

import shutil
from pathlib import Path

from indexer.build import check
from kb.db.models import Document, utcnow
from web import create_app


def test_a_starting_site_worker_indexes_recent_changes_the_index_lacks(
    seeded_home: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(seeded_home, home)
    settings = {"KB_HOME": str(home), "KB_DATABASE_URL": f"sqlite:///{home / 'kb.sqlite3'}"}
    first = create_app(settings)
    services = first.extensions["kb"]
    # an upload that committed to the database, in a worker killed before it indexed it
    with services.db.session() as session:
        document = session.get(Document, 1)
        assert document is not None
        document.title = "改过的标题"
        document.updated_at = utcnow()
    assert check(services.db, services.store).stale == [1]
    services.db.dispose()

    second = create_app(settings)  # what gunicorn does after the kill
    restarted = second.extensions["kb"]
    restarted.worker.wait()
    assert check(restarted.db, restarted.store).clean
    restarted.db.dispose()

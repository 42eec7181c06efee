"""More than a hundred malformed files through ``kb ingest`` and through the upload page:
each is rejected with a reason or accepted, a rejected one changes nothing in the
database, and afterwards the index matches the database."""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kb.db.models import Document, Passage
from kb.ingest.sources import find_files
from tests.reliability.bad_files import SETTINGS, BadFile, files
from tests.reliability.conftest import MakeInstance
from tests.reliability.harness import EDITORS, Browser, Instance, Site, report

STORED = {"added", "duplicate", "updated"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def instance(make_instance: MakeInstance) -> Instance:
    made = make_instance(**SETTINGS)
    made.add_editors()
    return made


def _documents(instance: Instance) -> tuple[int, int, set[str]]:
    with instance.db.session() as session:
        count = session.scalar(select(func.count(Document.id))) or 0
        passages = session.scalar(select(func.count(Passage.id))) or 0
        sources = set(session.scalars(select(Document.source)))
    return count, passages, sources


def _judge(bad: BadFile, result: dict[str, object]) -> list[str]:
    """What is wrong with one file's outcome (nothing, usually)."""
    status, reason = result["status"], str(result.get("reason") or "")
    where = f"{bad.name!r}: {status} {reason}"
    problems = []
    if bad.expect == "rejected" and status != "rejected":
        problems.append(f"should be rejected: {where}")
    if bad.expect == "added" and status not in STORED:
        problems.append(f"should be stored: {where}")
    if status == "rejected":
        if bad.reason and bad.reason not in reason:
            problems.append(f"reason lacks “{bad.reason}”: {where}")
        if not CJK.search(reason) or "Traceback" in reason or "\n" in reason:
            problems.append(f"not a clear reason: {where}")
    return problems


def test_malformed_files_through_kb_ingest(
    instance: Instance, tmp_path: Path, backend: str
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    made = {}
    for bad in files():
        path = Path(os.fsdecode(os.fsencode(folder) + b"/" + bad.name))
        path.write_bytes(bad.content)
        made[path] = bad
    order = [made[path] for _, path in find_files([folder])]  # the order kb reports them in
    assert len(order) == len(made) > 100
    before = _documents(instance)
    # a path given with ../ in it, and one that does not exist
    outside = tmp_path / "outside.txt"
    outside.write_text("中共某县委组织部推行“一定两评三公开”。", encoding="utf-8")
    run = instance.kb(
        "ingest", str(folder), str(folder / ".." / "outside.txt"), str(tmp_path / "missing.txt"),
        "--json", check=False,
    )  # fmt: skip
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    results = json.loads(run.stdout)
    assert len(results) == len(order) + 2
    problems = [p for bad, result in zip(order, results, strict=False) for p in _judge(bad, result)]
    assert not problems, problems
    assert [r["status"] for r in results[-2:]] == ["added", "rejected"]
    assert results[-1]["reason"] == "文件不存在"
    for result in results:
        str(result["source"]).encode("utf-8")  # every source is storable text
    _stored_exactly_what_was_accepted(instance, before, results)
    assert instance.check().clean
    report("files (kb ingest)", backend=backend, **_outcomes(results))


def _outcomes(results: list[dict[str, object]]) -> dict[str, object]:
    return {"files": len(results), **Counter(str(r["status"]) for r in results)}


def _utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _stored_exactly_what_was_accepted(
    instance: Instance, before: tuple[int, int, set[str]], results: list[dict[str, object]]
) -> None:
    count, _, sources = _documents(instance)
    added = [r for r in results if r["status"] in ("added", "duplicate")]
    assert count == before[0] + len(added)
    rejected = {str(r["source"]) for r in results if r["status"] == "rejected"}
    assert not (rejected & (sources - before[2])), "a rejected file left a row"
    with instance.db.session() as session:
        empty = session.scalars(select(Document.id).where(~Document.passages.any()).limit(5)).all()
    assert not empty, f"documents without passages: {empty}"


def test_malformed_files_through_the_upload_page(instance: Instance, backend: str) -> None:
    site = Site(instance)
    try:
        browser = Browser(site)
        browser.login(*EDITORS[0])
        made = files()
        extra = [
            BadFile(
                b"../../etc/passwd.txt", "中共某县委组织部推行“三议两协商”。".encode(), "added"
            ),
            BadFile(b"..\\..\\windows.txt", "中共某县委组织部推行“双联四推”。".encode(), "added"),
            BadFile(b".hidden.txt", "中共某县委组织部推行“菜单式”服务模式。".encode(), "added"),
        ]
        before = _documents(instance)
        # browsers send file names in UTF-8; a name in other bytes makes the whole form
        # unreadable: refused with that reason, nothing stored
        raw_names = [bad for bad in made if not _utf8(bad.name)]
        assert raw_names
        for bad in raw_names:
            reply = browser.upload([(bad.name, bad.content)])
            assert reply.status == 400 and "UTF-8" in reply.json()["error"]["message"]  # type: ignore[index]
        assert _documents(instance) == before
        results: list[dict[str, object]] = []
        problems: list[str] = []
        batch = [bad for bad in [*made, *extra] if _utf8(bad.name)]
        for start in range(0, len(batch), 8):
            chunk = batch[start : start + 8]
            reply = browser.upload([(bad.name, bad.content) for bad in chunk])
            assert reply.status == 200, reply.text[-1000:]
            answered = reply.json()
            assert isinstance(answered, list) and len(answered) == len(chunk)
            for bad, result in zip(chunk, answered, strict=True):
                problems += _judge(bad, result)
            results += answered
        assert not problems, problems
        uploads = instance.home / "uploads"
        assert all(uploads in p.resolve().parents for p in uploads.rglob("*"))
        assert not (instance.home.parent / "etc").exists()
        _stored_exactly_what_was_accepted(instance, before, results)
        deadline = time.monotonic() + 120
        while not instance.check().clean and time.monotonic() < deadline:
            time.sleep(0.5)  # the site's background writer indexes the uploads
        assert instance.check().clean
        report(
            "files (upload page)",
            backend=backend,
            unreadable_names=len(raw_names),
            **_outcomes(results),
        )
    finally:
        log = site.stop()
    assert "Traceback" not in log and "-> 500" not in log, log[-3000:]

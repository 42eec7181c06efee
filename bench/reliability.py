"""The reliability suite's long version: ``tests/reliability`` with every count scaled.

    BENCH_RELIABILITY_SCALE=5 .venv/bin/python -m bench.reliability

runs the suite (on SQLite and on a throwaway PostgreSQL server, as ``make test`` does)
with ``KB_RELIABILITY_SCALE`` set — five times the queries, concurrent documents and
kill -9 trials — collects what each test measured (``KB_RELIABILITY_REPORT``) and
writes ``bench/results/reliability.md`` and ``.jsonl``. ``make bench`` runs it after the
speed benchmarks (``BENCH_RELIABILITY=0`` skips it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"


def run(scale: int) -> tuple[int, float, list[dict[str, object]]]:
    """Run the suite at ``scale``; return pytest's exit code, seconds and the reports."""
    RESULTS.mkdir(exist_ok=True)
    reports = RESULTS / "reliability.jsonl"
    reports.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "KB_RELIABILITY_SCALE": str(scale),
        "KB_RELIABILITY_REPORT": str(reports),
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/reliability"],
        cwd=REPO,
        env=env,
    )
    seconds = time.monotonic() - started
    lines = reports.read_text(encoding="utf-8").splitlines()
    return done.returncode, seconds, [json.loads(line) for line in lines if line.strip()]


def markdown(scale: int, code: int, seconds: float, reports: list[dict[str, object]]) -> str:
    """The results as a table, one row per test and database."""
    when = dt.datetime.now().isoformat(timespec="minutes")
    verdict = "passed" if code == 0 else f"FAILED (pytest exit code {code})"
    lines = [
        f"# Reliability suite, scale {scale} ({when})",
        "",
        f"`KB_RELIABILITY_SCALE={scale}`: {verdict} in {seconds / 60:.1f} minutes.",
        "",
        "| test | database | figures |",
        "|---|---|---|",
    ]
    for entry in reports:
        figures = {k: v for k, v in entry.items() if k not in ("test", "backend", "scale")}
        text = ", ".join(f"{k} {_figure(v)}" for k, v in figures.items())
        lines.append(f"| {entry['test']} | {entry.get('backend', '')} | {text} |")
    return "\n".join(lines) + "\n"


def _figure(value: object) -> str:
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}: {v}" for k, v in value.items()) + ")"
    return str(value)


def main() -> None:
    scale = int(os.environ.get("BENCH_RELIABILITY_SCALE", "5"))
    code, seconds, reports = run(scale)
    report = markdown(scale, code, seconds, reports)
    (RESULTS / "reliability.md").write_text(report, encoding="utf-8")
    print(report)
    sys.exit(code)


if __name__ == "__main__":
    main()

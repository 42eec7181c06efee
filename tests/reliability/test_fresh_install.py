"""A new virtual environment made from pyproject.toml alone reads a saved web page.

The rest of the suite runs in the project's own ``.venv``, where a package that some
earlier install left behind can hide an undeclared dependency (lxml_html_clean did).
Here pip installs kb into an empty environment, as ``make install`` does on a new
machine, and that environment imports every module of kb and ingests a web page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

PAGE = """<!doctype html>
<html><head><meta charset="gbk"><title>某县“擂台比武”选干部 - 组织工作网</title>
<meta name="author" content="王明"></head>
<body><nav><a href="/">首页</a> | <a href="/news">要闻</a></nav>
<article><h1>某县“擂台比武”选干部</h1>
<p>今年以来，某县委组织部探索推行“擂台比武”选拔年轻干部，让干部在实绩比拼中脱颖而出。</p>
<p>全县共有120名年轻干部参加比武，其中18人走上乡镇领导岗位，选人用人公信度明显提升。</p>
<p>县委组织部负责人介绍，下一步将把“擂台比武”与日常考核结合起来，形成常态长效机制。</p>
</article><footer>版权所有 组织工作网 备案号</footer></body></html>
"""


def test_a_fresh_install_imports_everything_and_ingests_a_saved_web_page(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-e",
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    every_module = (
        "import importlib, pkgutil\n"
        "for package in ('kb', 'indexer', 'web'):\n"
        "    module = importlib.import_module(package)\n"
        "    for info in pkgutil.walk_packages(module.__path__, package + '.'):\n"
        "        if 'migrations' not in info.name:\n"
        "            importlib.import_module(info.name)\n"
        "import lxml.html.clean\n"
    )
    imported = subprocess.run(
        [str(python), "-c", every_module], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert imported.returncode == 0, imported.stderr[-3000:]
    page = tmp_path / "擂台比武.html"
    page.write_bytes(PAGE.encode("gbk"))
    env = {**os.environ, "KB_HOME": str(tmp_path / "home")}
    ingest = subprocess.run(
        [str(venv / "bin" / "kb"), "ingest", str(page), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=REPO,
    )
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    (result,) = json.loads(ingest.stdout)
    assert result["status"] == "added", result
    shown = subprocess.run(
        [str(venv / "bin" / "kb"), "show", str(result["id"]), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=REPO,
    )
    document = json.loads(shown.stdout)
    assert document["title"] == "某县“擂台比武”选干部"
    assert "首页" not in document["text"] and "备案号" not in document["text"]
    assert "选人用人公信度明显提升" in document["text"]

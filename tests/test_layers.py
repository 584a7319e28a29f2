"""`cases` never imports `ingest` (DESIGN.md: data flows one way; ingestion writes cases, the case
app knows nothing of ingestion). Checked twice: statically (no import statement anywhere under
cases/, function bodies included) and at run time (importing every module of cases, with Django
set up without the ingest app, loads no ingest module)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, json, pkgutil, sys
from django.conf import settings
settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "ingest"]
import django
django.setup()
import cases
for module in [m.name for m in pkgutil.walk_packages(cases.__path__, "cases.")] + EXTRA:
    importlib.import_module(module)
print(json.dumps(sorted(n for n in sys.modules if n == "ingest" or n.startswith("ingest."))))
"""


def ingest_modules_loaded(extra: list[str]) -> list[str]:
    """The ingest modules loaded by importing every cases module (and `extra`) in a fresh process."""
    code = PROBE.replace("EXTRA", repr(extra))
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "registry.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_every_cases_module_loads_no_ingest_module() -> None:
    assert ingest_modules_loaded([]) == []


def test_the_probe_sees_an_ingest_import() -> None:
    # The same probe, with one ingest module imported besides: it must report it, or the test
    # above could not fail.
    assert "ingest.formats" in ingest_modules_loaded(["ingest.formats"])


def test_no_module_of_cases_has_an_import_of_ingest() -> None:
    offenders = []
    for path in sorted((ROOT / "cases").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            if any(name.split(".")[0] == "ingest" for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []

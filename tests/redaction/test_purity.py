"""The redaction package stays a pure library: no web framework, database or portal code."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "redaction"
FORBIDDEN = (
    "flask",
    "sqlalchemy",
    "portal",
    "agencies",
    "panels",
    "extracts",
    "home",
    "alembic",
    "werkzeug",
)


def test_importing_redaction_loads_no_web_database_or_portal_module() -> None:
    # A fresh interpreter: the test suite itself has Flask and the portal loaded already.
    code = (
        "import sys, redaction, redaction.pdf, redaction.ner, redaction.detect\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_no_module_of_the_package_imports_the_portal_or_a_framework() -> None:
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
    assert len(list(PACKAGE.glob("*.py"))) >= 8

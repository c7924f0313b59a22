"""The shape of the code, kept: views see outcomes and failures only, and no module or
function grows past what a newcomer can read in one go."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "audit",
    "bookings",
    "checkout",
    "customers",
    "exports",
    "frontoffice",
    "history",
    "notes",
    "signin",
    "stats",
    "upstream",
    "config",
    "latepoint",
)

#: What a view may never import: the client, its errors, or the gateway and its cache and
#: budget. A view reads the form, calls a service, and renders what the service says.
FORBIDDEN_IN_VIEWS = (
    "latepoint.client",
    "latepoint.errors",
    "upstream.gateway",
    "upstream.read_cache",
    "upstream.budget",
)


def _modules(*, views_only: bool = False) -> list[Path]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            is_view = path.name == "views.py" or path.name.endswith("_views.py")
            is_view = is_view or "views" in path.relative_to(ROOT).parts[:-1]
            if views_only and not is_view:
                continue
            found.append(path)
    return found


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_there_are_view_modules_to_check():
    views = {path.relative_to(ROOT).as_posix() for path in _modules(views_only=True)}
    assert {"customers/edit_views.py", "stats/views.py"} <= views or len(views) > 10


@pytest.mark.parametrize(
    "path", _modules(views_only=True), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_a_view_never_reaches_latepoint_itself(path):
    wrong = sorted(
        name
        for name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_IN_VIEWS)
    )
    assert wrong == [], f"{path.relative_to(ROOT)} imports {wrong}: call a service instead"


#: At most this many lines in a module of the front office's apps.
MODULE_LINES = 400
#: At most this many lines in a function or method (def to its last line).
FUNCTION_LINES = 60


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_modules_and_functions_stay_readable(path):
    source = path.read_text()
    lines = len(source.splitlines())
    assert lines <= MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by job"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > FUNCTION_LINES
    ]
    assert long == [], f"{path.relative_to(ROOT)}: {', '.join(long)}"

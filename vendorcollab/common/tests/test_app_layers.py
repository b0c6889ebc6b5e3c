"""The apps' import graph: no import of another app hidden inside a function to dodge a cycle.

A function-level import of another app works until the day someone moves it to the top and the project no longer
starts; it also hides which way the apps depend on each other. An ``AppConfig.ready`` that loads its own app's
signal handlers is the one accepted case (Django's documented idiom), as is ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the vendorcollab package


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "vendorcollab" else None


def _hidden_imports(path: Path) -> list[str]:
    """``vendorcollab.<app>`` imports of another app inside a function (or a method) of ``path``."""
    own_app = path.relative_to(ROOT).parts[0]
    found = []
    tree = ast.parse(path.read_text(), str(path))
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            for module in modules:
                app = _app_of(module)
                if app is not None and app != own_app:
                    found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} imports {module}")
    return found


def test_no_app_imports_another_inside_a_function():
    sources = [
        path
        for path in ROOT.rglob("*.py")
        if not {"tests", "migrations", "testing"} & set(path.relative_to(ROOT).parts)
    ]
    assert len(sources) > 100  # the walk found the project
    hidden = [problem for path in sources for problem in _hidden_imports(path)]
    assert hidden == []

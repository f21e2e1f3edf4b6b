"""Architecture rules that import-linter and ruff cannot state, checked by reading the code.

- The UI (``ui/``, ``app.py``) imports only the public API of cmgis: ``from cmgis import x``,
  ``from cmgis.<module> import name`` for a top-level module, and ``from cmgis.<pkg> import
  name`` with ``name`` in ``cmgis.<pkg>.__all__`` — never ``cmgis.<pkg>.<module>`` and never a
  private ``_name``. (import-linter checks the depth rule for ``ui/`` too, see pyproject.toml;
  this test also covers ``app.py`` and the ``__all__`` membership.)
- No function over `MAX_FUNCTION_LINES` lines in ``src/cmgis`` or ``ui/`` unless its docstring
  gives the reason in a line starting with "Long because".
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import cmgis

ROOT = Path(__file__).resolve().parents[1]
MAX_FUNCTION_LINES = 80

#: No exceptions: ui/ and app.py import only the packages' public names.
KNOWN_PRIVATE_UI_IMPORTS: frozenset[str] = frozenset()

#: No exceptions: a longer function is split or says why in its docstring ("Long because").
KNOWN_LONG_FUNCTIONS: frozenset[str] = frozenset()


def _ui_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _is_package(name: str) -> bool:
    spec = importlib.util.find_spec(name)
    return spec is not None and spec.submodule_search_locations is not None


def _public_names(package: str) -> set[str]:
    return set(getattr(importlib.import_module(package), "__all__", ()))


def _cmgis_imports(tree: ast.AST) -> Iterator[tuple[str, str | None]]:
    """(module, imported name or None) for every import of cmgis in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "cmgis" or node.module.startswith("cmgis."):
                for alias in node.names:
                    yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "cmgis" or alias.name.startswith("cmgis."):
                    yield alias.name, None


def _private_use(module: str, name: str | None) -> str | None:
    """The offending dotted name when ``from module import name`` is not public, else None."""
    parts = module.split(".")
    target = f"{module}.{name}" if name else module
    if any(p.startswith("_") for p in parts[1:]) or (name or "").startswith("_"):
        return target
    if len(parts) > 2:
        return target if name else module
    if len(parts) == 1:  # from cmgis import x: a documented name or a public sub-module
        if name is None or name in cmgis.__all__:
            return None
        return None if importlib.util.find_spec(f"cmgis.{name}") else target
    if name is None:  # import cmgis.pkg
        return None
    if _is_package(module):
        if name in _public_names(module):
            return None
        # a sub-module imported by name (from cmgis.maps import webmap) is not public either
        return target
    return None  # a public name of a top-level module (cmgis.i18n, cmgis.settings, ...)


def private_ui_imports() -> set[str]:
    found = set()
    for path in _ui_files():
        for module, name in _cmgis_imports(ast.parse(path.read_text(encoding="utf-8"))):
            bad = _private_use(module, name)
            if bad:
                found.add(f"{_rel(path)}: {bad}")
    return found


def test_ui_imports_only_the_public_api_of_cmgis() -> None:
    new = sorted(private_ui_imports() - KNOWN_PRIVATE_UI_IMPORTS)
    assert not new, (
        "ui/ and app.py import only public cmgis names (add the name to the package's "
        "__init__ and its __all__, then import it from cmgis.<pkg>):\n" + "\n".join(new)
    )


def test_every_package_api_names_exist() -> None:
    for info in pkgutil.iter_modules(cmgis.__path__):
        if not info.ispkg:
            continue
        package = importlib.import_module(f"cmgis.{info.name}")
        missing = [n for n in getattr(package, "__all__", ()) if not hasattr(package, n)]
        assert not missing, f"cmgis.{info.name}.__all__ names what it lacks: {missing}"


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def _has_reason(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    doc = ast.get_docstring(node) or ""
    return any(line.strip().lower().startswith("long because") for line in doc.splitlines())


def long_functions() -> set[str]:
    found = set()
    files = sorted((ROOT / "src" / "cmgis").rglob("*.py")) + _ui_files()
    for path in files:
        for qualname, node in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            assert node.end_lineno is not None
            if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES and not _has_reason(node):
                found.add(f"{_rel(path)}: {qualname}")
    return found


def test_no_new_long_function_without_a_reason() -> None:
    new = sorted(long_functions() - KNOWN_LONG_FUNCTIONS)
    assert not new, (
        f"functions over {MAX_FUNCTION_LINES} lines: split them, or give the reason in the "
        'docstring on a line starting with "Long because":\n' + "\n".join(new)
    )


def test_the_rules_catch_what_they_should() -> None:
    tree = ast.parse(
        "from cmgis.maps.webmap import build_map\n"
        "from cmgis.store import open_store\n"
        "from cmgis.store import _private\n"
        "from cmgis import settings, CmgisError\n"
        "from cmgis" + "._errors import InputError\n"  # split: a sed must not rewrite it
        "import cmgis.workshop.core\n"
    )
    bad = [b for m, n in _cmgis_imports(tree) if (b := _private_use(m, n))]
    assert bad == [
        "cmgis.maps.webmap.build_map",
        "cmgis.store._private",
        "cmgis._errors.InputError",
        "cmgis.workshop.core",
    ]
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    long_tree = ast.parse(f'def f():\n    """Doc."""\n{body}\n')
    reasoned = ast.parse(f'def f():\n    """Doc.\n\n    Long because: a table.\n    """\n{body}\n')
    assert [n for n, node in _functions(long_tree) if not _has_reason(node)] == ["f"]  # type: ignore[arg-type]
    assert [n for n, node in _functions(reasoned) if not _has_reason(node)] == []  # type: ignore[arg-type]

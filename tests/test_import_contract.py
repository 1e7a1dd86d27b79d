"""statlab's layers import one way: shared helpers -> data -> engines -> models -> plots -> report
and command line, and no package reaches into another package's private modules.

The graph is read from the source with ``ast`` (imports inside functions included), so the test
needs nothing installed and fails with the offending module and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "statlab"

#: Shared by every layer: statlab's own private helpers.
SHARED = {
    "statlab._paths",
    "statlab._validation",
    "statlab._rbridge",
    "statlab._progress",
    "statlab._random",
    "statlab._replicates",
}
#: Layer of each top-level unit; anything not listed (a new model package) is a model.
LAYERS = {
    "statlab": 0,
    "statlab.data": 1,
    "statlab.design": 1,
    "statlab.glmnet": 2,
    "statlab.plots": 4,
    "statlab.report": 5,
    "statlab.cli": 5,
}
MODEL_LAYER = 3


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _unit(module: str) -> str:
    """``statlab.glmnet._fit`` -> ``statlab.glmnet``; ``statlab._rbridge`` stays itself."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _layer(module: str) -> int:
    return 0 if module in SHARED else LAYERS.get(_unit(module), MODEL_LAYER)


def _imports(path: Path) -> list[tuple[str, int, bool, bool]]:
    """(imported module, line, inside a function, under ``if TYPE_CHECKING``) for every import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int, bool, bool]] = []

    def visit(node: ast.AST, in_function: bool, type_checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            lazy = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            typing_only = type_checking or (
                isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            )
            if isinstance(child, ast.Import):
                found.extend(
                    (a.name, child.lineno, in_function, type_checking) for a in child.names
                )
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    target = f"{base}.{alias.name}"
                    is_module = (ROOT / Path(*target.split("."))).with_suffix(".py").exists() or (
                        ROOT / Path(*target.split("."))
                    ).is_dir()
                    found.append(
                        (target if is_module else base, child.lineno, in_function, type_checking)
                    )
            visit(child, lazy, typing_only)

    visit(tree, False, False)
    return [item for item in found if item[0] == "statlab" or item[0].startswith("statlab.")]


SOURCES = sorted(PACKAGE.rglob("*.py"))


def _private_parts(module: str) -> bool:
    return any(part.startswith("_") for part in module.split(".")[1:])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_package_imports_another_packages_private_module(path: Path) -> None:
    importer = _module_name(path)
    for target, line, _, _ in _imports(path):
        if target in SHARED or _unit(target) == _unit(importer):
            continue
        assert not _private_parts(target), (
            f"{importer} (line {line}) imports {target}, a private module of another package: "
            "use that package's public names"
        )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down_the_layers(path: Path) -> None:
    importer = _module_name(path)
    for target, line, in_function, type_checking in _imports(path):
        if type_checking or _unit(target) == _unit(importer) or target == "statlab":
            continue
        upward = _layer(target) > _layer(importer)
        # a result's plot() method may import its figure lazily: results -> plots
        allowed = in_function and _unit(target) == "statlab.plots"
        assert not upward or allowed, (
            f"{importer} (layer {_layer(importer)}, line {line}) imports {target} "
            f"(layer {_layer(target)}): imports must point down the layers"
        )


def test_plots_draw_results_without_computing_them() -> None:
    for path in sorted((PACKAGE / "plots").rglob("*.py")):
        for target, line, _, type_checking in _imports(path):
            assert type_checking or _layer(target) <= 1 or _unit(target) == "statlab.plots", (
                f"{_module_name(path)} (line {line}) imports {target}: figures take results or "
                "frames and compute nothing"
            )


@pytest.mark.parametrize("path", sorted((ROOT / "analyses").glob("*.py")), ids=lambda p: p.name)
def test_analyses_use_public_names_only(path: Path) -> None:
    for target, line, _, _ in _imports(path):
        assert not _private_parts(target), (
            f"analyses/{path.name} (line {line}) imports {target}: analyses call statlab's "
            "public API only"
        )


def test_the_graph_is_read() -> None:
    """The walker sees real edges (so the tests above cannot pass vacuously)."""
    edges = {target for target, *_ in _imports(PACKAGE / "cv.py")}
    assert "statlab._validation" in edges
    assert "statlab.glmnet" in edges
    fit_edges = {target for target, *_ in _imports(PACKAGE / "glmnet" / "_fit.py")}
    assert "statlab.glmnet._backend_python" in fit_edges

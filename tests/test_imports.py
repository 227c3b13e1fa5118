"""The dependency direction between our packages, read from the source (nothing is imported).

flows/ is pure: no Telegram, no database, no pandas, nothing of ours.
storage/ may use flows, but not the bot, the exports, the organiser tools, Telegram or pandas.
exports/ may use flows and storage, not the organiser tools, the bot or Telegram.
organiser/ may use flows, storage and exports, not the bot or Telegram.
conversation/ may use flows and storage: no channel, no Telegram, no organiser tools.
Nothing but bot/ imports bot/, and no module imports itself back through others.
Another package is imported through its `__init__` only, never a submodule of it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"flows", "storage", "exports", "organiser", "conversation", "bot"}

FORBIDDEN: dict[str, set[str]] = {
    "flows": {
        "telegram",
        "aiosqlite",
        "pandas",
        "sqlite3",
        "bot",
        "storage",
        "exports",
        "organiser",
        "conversation",
    },
    "storage": {"telegram", "pandas", "bot", "exports", "organiser", "conversation"},
    "exports": {"telegram", "bot", "organiser", "conversation"},
    "organiser": {"telegram", "bot", "conversation"},
    "conversation": {"telegram", "pandas", "sqlite3", "bot", "exports", "organiser"},
}


def imported(source: str, module: str) -> set[str]:
    """Top-level names of everything `module` (dotted, e.g. "flows.engine") imports.

    Relative imports are resolved against the module's package; imports inside
    functions and `if TYPE_CHECKING:` blocks count too.
    """
    package = module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = [*base, *(node.module.split(".") if node.module else [])]
                names.add(target[0] if target else module.split(".")[0])
            elif node.module:
                names.add(node.module.split(".")[0])
    return names


def modules(package: str) -> list[tuple[str, Path]]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = (*parts[:-1], "__init__")
        found.append((".".join(parts), path))
    return found


def imports_of(package: str) -> dict[str, set[str]]:
    return {
        name: imported(path.read_text(encoding="utf-8"), name) for name, path in modules(package)
    }


# --- the helper itself ------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "module", "names"),
    [
        ("import telegram.ext", "flows.engine", {"telegram"}),
        ("from telegram import Bot", "flows.engine", {"telegram"}),
        ("import os, pandas as pd", "flows.engine", {"os", "pandas"}),
        ("from . import model", "flows.engine", {"flows"}),
        ("from .model import Flow", "flows.engine", {"flows"}),
        ("from ..bot import app", "flows.sub.engine", {"flows"}),
        ("from ... import x", "flows.sub.engine", {"flows"}),
        ("def f():\n    import bot.cli\n", "storage.store", {"bot"}),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pandas\n",
            "x.y",
            {"typing", "pandas"},
        ),
    ],
)
def test_imported_names(source: str, module: str, names: set[str]) -> None:
    assert imported(source, module) == names


def test_relative_imports_climb_out_of_a_subpackage() -> None:
    assert imported("from ..storage import Store", "bot.telegram.app") == {"bot"}
    # In bot/telegram/app.py, ".." is the bot package itself.
    assert imported("from .. import x", "bot.telegram.app") == {"bot"}


# --- the rules --------------------------------------------------------------------


@pytest.mark.parametrize("package", sorted(OURS))
def test_each_package_has_modules_to_check(package: str) -> None:
    assert (ROOT / package / "__init__.py").is_file()
    assert modules(package)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_import_only_what_they_may(package: str) -> None:
    wrong = {
        module: sorted(names & FORBIDDEN[package])
        for module, names in imports_of(package).items()
        if names & FORBIDDEN[package]
    }
    assert wrong == {}, f"{package}/ must not import {sorted(FORBIDDEN[package])}"


@pytest.mark.parametrize("package", sorted(OURS - {"bot"}))
def test_nothing_imports_the_bot(package: str) -> None:
    wrong = [module for module, names in imports_of(package).items() if "bot" in names]
    assert wrong == []


def test_the_engine_modules_are_all_checked() -> None:
    checked = {name for name, _ in modules("flows")}
    assert {"flows.engine", "flows.values", "flows.conditions", "flows.messages"} <= checked


# --- other packages through their __init__ only ------------------------------------


def submodules_reached(source: str, module: str, known: set[str]) -> set[str]:
    """Submodules of our other top-level packages that `module` imports by name.

    `from storage.transfer import x`, `import flows.engine` and `from flows import engine`
    (engine being a module) reach into flows or storage; `from flows import Kind` does not.
    Relative imports stay within the module's own package. Imports inside functions and
    `if TYPE_CHECKING:` blocks count too.
    """
    own = module.split(".")[0]
    reached: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            named = (f"{node.module}.{alias.name}" for alias in node.names)
            targets = [node.module, *(name for name in named if name in known)]
        else:
            continue
        for target in targets:
            top, _, rest = target.partition(".")
            if top in OURS and top != own and rest:
                reached.add(target)
    return reached


@pytest.mark.parametrize(
    ("source", "module", "reached"),
    [
        ("from storage.transfer import copy_database", "bot.cli.migrate", {"storage.transfer"}),
        ("import flows.engine", "bot.web.pages", {"flows.engine"}),
        ("from flows import engine", "conversation.service", {"flows.engine"}),
        ("def f():\n    from storage.transfer import x\n", "bot.cli.migrate", {"storage.transfer"}),
        ("from flows import Kind, Prompt", "bot.web.pages", set()),
        ("import flows", "storage.store", set()),
        ("from bot.telegram.app import build", "bot.web.serving", set()),
        ("from flows.engine import start", "flows.state", set()),
        ("from .engine import start", "flows.state", set()),
        ("from telegram.ext import Application", "bot.telegram.app", set()),
    ],
)
def test_submodules_reached(source: str, module: str, reached: set[str]) -> None:
    known = {"flows", "flows.engine", "storage", "storage.transfer", "bot.telegram.app"}
    assert submodules_reached(source, module, known) == reached


@pytest.mark.parametrize("package", sorted(OURS))
def test_other_packages_are_imported_through_their_init(package: str) -> None:
    known = {name.removesuffix(".__init__") for p in OURS for name, _ in modules(p)}
    wrong = {
        module: sorted(reached)
        for module, path in modules(package)
        if (reached := submodules_reached(path.read_text(encoding="utf-8"), module, known))
    }
    assert wrong == {}, "import these names from the package; re-export them in its __init__.py"


# --- no cycle between modules -------------------------------------------------------------


def module_edges(source: str, module: str, known: set[str]) -> set[str]:
    """Our modules that `module` imports, each named as precisely as the import says.

    `from bot.cli.common import fail` is an edge to bot.cli.common, not to the
    bot.cli package; `from flows import model` to flows.model when that is a module.
    Imports inside functions and `if TYPE_CHECKING:` blocks count too.
    """
    parts = module.split(".")
    package = parts if module in PACKAGES else parts[:-1]
    edges: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module.split(".") if node.module else []
            if node.level:
                base = package[: len(package) - (node.level - 1)] + base
            stem = ".".join(base)
            targets = [
                f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in known else stem
                for alias in node.names
            ]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                edges.add(target)
    return edges


PACKAGES: set[str] = set()


def import_graph() -> dict[str, set[str]]:
    found = {name.removesuffix(".__init__"): path for p in OURS for name, path in modules(p)}
    PACKAGES.update(name for name, path in found.items() if path.name == "__init__.py")
    known = set(found)
    return {
        name: module_edges(path.read_text(encoding="utf-8"), name, known)
        for name, path in found.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_package() -> None:
    graph = {"bot.cli": {"bot.cli.chat"}, "bot.cli.chat": {"bot.cli"}, "flows": set()}
    assert cycles(graph) == [["bot.cli", "bot.cli.chat"]]


def test_no_module_imports_itself_back_through_others() -> None:
    assert cycles(import_graph()) == []

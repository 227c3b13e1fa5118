"""The dependency direction between our packages, read from the source (nothing is imported).

flows/ is pure: no Telegram, no database, no pandas, nothing of ours.
storage/ may use flows, but not the bot, the exports, the organiser tools, Telegram or pandas.
exports/ may use flows and storage, not the organiser tools, the bot or Telegram.
organiser/ may use flows, storage and exports, not the bot or Telegram.
Nothing but bot/ imports bot/.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"flows", "storage", "exports", "organiser", "bot"}

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
    },
    "storage": {"telegram", "pandas", "bot", "exports", "organiser"},
    "exports": {"telegram", "bot", "organiser"},
    "organiser": {"telegram", "bot"},
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

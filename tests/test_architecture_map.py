"""docs/architecture.md, the maintainer's map, names every module of the packages: one
added without a line there is a module a newcomer finds only by reading the tree."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "conversation", "exports", "flows", "organiser", "storage")
MAP = ROOT / "docs" / "architecture.md"


def named(module: Path, text: str) -> bool:
    """Named as a file (`heard.py`, `bot/web/heard`) or, in a list of one package's
    modules, as a name (`responses`, `paths.Loc`)."""
    stem = module.stem
    shapes = (module.name, str(module.relative_to(ROOT).with_suffix("")), f"`{stem}`", f"`{stem}.")
    return any(shape in text for shape in shapes)


def test_every_module_is_on_the_map() -> None:
    text = MAP.read_text(encoding="utf-8")
    modules = [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name not in ("__init__.py", "__main__.py")
    ]
    assert len(modules) > 150
    unnamed = [str(m.relative_to(ROOT)) for m in modules if not named(m, text)]
    assert not unnamed, f"not on docs/architecture.md's map: {unnamed}"

"""docs/architecture.md, the maintainer's map, names every module of the packages: one
added without a line there is a module a newcomer finds only by reading the tree.

Named by its path (`storage/privacy_methods.py`), or in its package's part of "More
modules, by package" by its path there (`web/app.py`) or its name (`heard.py`,
`` `responses` ``) when no other module of the package has it; elsewhere by a name no
other package's module has. So a new `storage/tokens.py` is not taken as named by the
line about `conversation/tokens.py`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "conversation", "exports", "flows", "organiser", "storage")
MAP = ROOT / "docs" / "architecture.md"
MODULES = [
    path
    for package in PACKAGES
    for path in sorted((ROOT / package).rglob("*.py"))
    if path.name not in ("__init__.py", "__main__.py")
]


def package_parts(text: str) -> dict[str, str]:
    """Each package's part of "More modules, by package": its "In `pkg/`:" paragraphs."""
    more = text.split("### More modules, by package", 1)[1].split("\n## ", 1)[0]
    chunks = re.split(r"^(In `[^\n]*:)$", more, flags=re.M)
    parts: dict[str, str] = {}
    for head, body in zip(chunks[1::2], chunks[2::2], strict=True):
        for package in re.findall(r"`(\w+)/`", head):
            parts[package] = parts.get(package, "") + body
    return parts


def shapes(inner: Path) -> tuple[str, ...]:
    """How a module is written: `privacy.py`, `` `privacy` ``, `` `privacy.erase` ``."""
    return (inner.as_posix(), f"`{inner.with_suffix('').as_posix()}`", f"`{inner.stem}.")


def named(module: Path, text: str, parts: dict[str, str]) -> bool:
    path = module.relative_to(ROOT)
    package, inner = path.parts[0], Path(*path.parts[1:])
    if path.as_posix() in text or path.with_suffix("").as_posix() in text:
        return True
    modules = {*MODULES, module}  # with the one asked about, if new
    in_package = Counter(m.name for m in modules if m.relative_to(ROOT).parts[0] == package)
    anywhere = Counter(m.name for m in modules)
    part = parts.get(package, "")
    own = shapes(Path(module.name)) if in_package[module.name] == 1 else ()
    if any(shape in part for shape in (*shapes(inner), *own)):
        return True
    return anywhere[module.name] == 1 and any(shape in text for shape in shapes(Path(module.name)))


def test_every_module_is_on_the_map() -> None:
    text = MAP.read_text(encoding="utf-8")
    parts = package_parts(text)
    assert sorted(parts) == sorted(PACKAGES)
    assert len(MODULES) > 150
    unnamed = [str(m.relative_to(ROOT)) for m in MODULES if not named(m, text, parts)]
    assert not unnamed, f"not on docs/architecture.md's map: {unnamed}"


def test_a_name_another_package_has_is_not_taken_for_a_new_module() -> None:
    # conversation/tokens.py is on the map as `tokens.py`; a storage/tokens.py is not.
    text = MAP.read_text(encoding="utf-8")
    parts = package_parts(text)
    assert not named(ROOT / "storage" / "tokens.py", text, parts)
    assert not named(ROOT / "bot" / "web" / "state.py", text, parts)
    assert named(ROOT / "conversation" / "tokens.py", text, parts)

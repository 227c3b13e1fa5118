"""Every link between the README and the docs leads somewhere: the file exists, and the
heading an anchor names is there (as GitHub makes anchors of headings)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    return {anchor(heading) for heading in HEADING.findall(text)}


def local_links(page: Path) -> list[str]:
    found = LINK.findall(page.read_text(encoding="utf-8"))
    return [link for link in found if not re.match(r"[a-z]+:", link)]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_local_link_leads_to_a_file_and_heading(page: Path) -> None:
    broken = []
    for link in local_links(page):
        path, _, name = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif name and target.suffix == ".md" and name not in anchors(target):
            broken.append(f"{link}: no heading '{name}' in {target.name}")
    assert not broken, f"{page.name}: " + "; ".join(broken)


def test_the_anchor_rule_reads_headings_as_github_does() -> None:
    assert anchor("Behind nginx or Caddy, with TLS") == "behind-nginx-or-caddy-with-tls"
    assert anchor("Calls per answer, the engine's cache, the profile") == (
        "calls-per-answer-the-engines-cache-the-profile"
    )

"""After an answer changed from the summary, in a real Chromium: the note is heard with it.

The summary opens at the entry changed (chat.js focuses it; without scripts the
browser, at #entry-…), below the note that says what happened ("Réponse modifiée,
merci !", "Réponse inchangée."), which a screen reader would then never reach. The
entry is described by the note, and named by its question and answer once (not its
question a second time, with its "change" button's words). On fixtures/access.yaml.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.web.phone import (
    ACCESS,
    Phone,
    Phones,
    Server,
    comes_on_screen,
    skip_without_a_browser,
)

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


def to_the_summary(ana: Phone, server: Server) -> None:
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("Duval")
    ana.type("30")
    ana.tap("Industrie")
    ana.tap("Continuer")
    ana.tap("3")
    ana.tick("Europe")
    ana.rank("Coût", "Temps")
    ana.type("test@example.org")
    expect(ana.page.locator(".summary")).to_be_visible()


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
@pytest.mark.parametrize(
    ("typed", "note"),
    [("Duval et fils", "Réponse modifiée, merci !"), ("Duval", "Réponse inchangée.")],
    ids=["changed", "unchanged"],
)
def test_the_entry_changed_is_heard_with_the_note_above_it(
    server: Server, phones: Phones, scripts: bool, typed: str, note: str
) -> None:
    ana = phones(scripts=scripts)
    page = ana.page
    to_the_summary(ana, server)
    entry = page.locator("#entry-company")
    # The first time through, the thanks above the summary describe none of its entries.
    expect(entry).to_have_accessible_description("")
    ana.press(entry.get_by_role("button", name="Modifier — 1. Nom de l’entreprise ?"))
    ana.type(typed)
    expect(page.locator(".notes")).to_have_text(note)
    # Opened at the entry, which has the focus: what a screen reader says first.
    expect(entry).to_be_focused()
    assert comes_on_screen(entry)
    expect(entry).to_have_accessible_name(f"1. Nom de l’entreprise ? {typed}")
    expect(entry).to_have_accessible_description(note)
    ana.shot(f"summary-{'script' if scripts else 'plain'}")
    ana.check_clean()

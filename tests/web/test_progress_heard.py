"""Where the person is, heard with what takes the focus, in a real Chromium.

Without scripts, a page opens with the focus on its first box to tick, its first
ranking list or a section's "Continuer" (`autofocus`): the progress ("Question 5
sur 7, Avis") is said with them, as with a text field. With scripts, chat.js focuses
the question's text, which says it; the first control then does not say it again.
On fixtures/access.yaml.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from tests.web.phone import ACCESS, Phone, Phones, Server, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import Locator, expect
skip_without_a_browser()


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


PROGRESS = re.compile(r"Question \d+ sur \d+, Avis")


def said_first(ana: Phone, first: Locator) -> None:
    """Without scripts, or as a page loads: `first` focused, the progress said with it.
    Redrawn by chat.js: the question's text focused, saying it; `first` not again."""
    question = ana.page.locator("#waiting-text")
    if ana.scripts:
        expect(question).to_be_focused()
        expect(question).to_have_accessible_description(PROGRESS)
        expect(first).not_to_have_accessible_description(re.compile("Question|Avis"))
        ana.reload()  # a page opened afresh: what `autofocus` focuses
    expect(first).to_be_focused()
    expect(first).to_have_accessible_description(re.compile(PROGRESS.pattern))


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_the_progress_is_said_with_what_takes_the_focus(
    server: Server, phones: Phones, scripts: bool
) -> None:
    ana = phones(scripts=scripts)
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("Duval")
    ana.type("30")
    ana.tap("Industrie")
    # A section's introduction: its "Continuer", described by the section's name.
    expect(page.locator("#waiting-text")).to_contain_text("Quelques avis")
    go_on = page.get_by_role("button", name="Continuer", exact=True)
    question = page.locator("#waiting-text")
    if scripts:
        expect(question).to_be_focused()
        expect(go_on).not_to_have_accessible_description(re.compile("Avis"))
        ana.reload()
    expect(go_on).to_be_focused()
    expect(go_on).to_have_accessible_description(re.compile("Avis"))
    ana.tap("Continuer")
    ana.tap("3")
    said_first(ana, page.get_by_role("checkbox", name="Europe", exact=True))
    ana.tick("Europe")
    said_first(ana, page.get_by_role("combobox", name="1ᵉʳ", exact=True))
    ana.check_clean()

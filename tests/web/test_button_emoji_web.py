"""A button's leading emoji, in a real Chromium: seen, not said.

The consent's "✅ J’accepte" was named "✅ J’accepte" (a screen reader: "coche verte,
J’accepte"). The emoji stays on the screen, hidden from screen readers; the words
shared with Telegram are unchanged (conversation/words.py). On fixtures/access.yaml.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from conversation import say
from tests.web.phone import ACCESS, Phones, Server, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_the_consent_button_is_named_by_its_words_not_its_emoji(
    server: Server, phones: Phones, scripts: bool
) -> None:
    assert say("consent_accept", "fr") == "✅ J’accepte"  # as Telegram shows it
    ana = phones(scripts=scripts)
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    agree = page.locator("button", has_text="J’accepte")
    expect(agree).to_have_count(1)
    expect(agree).to_have_accessible_name("J’accepte")
    expect(agree).to_have_text("✅ J’accepte")  # seen as before
    expect(agree.locator("[aria-hidden=true]")).to_have_text("✅")
    # In English too, and on a page chat.js redrew.
    ana.tap("English")
    agree = page.locator("button", has_text="I agree")
    expect(agree).to_have_accessible_name("I agree")
    expect(agree).to_have_text("✅ I agree")
    ana.tap("✅ I agree")
    expect(page.locator("#waiting-text")).to_contain_text("Company name?")
    ana.check_clean()

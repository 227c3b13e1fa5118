"""The answers so far, in a real Chromium: a scale's answer heard "3 sur 5", as in the summary.

"Vos réponses jusqu’ici" (above a question, and with "Mes données") shows a scale's
answer as "3/5", which a screen reader reads "3 barre oblique 5"; it hears "3 sur 5",
as the summary says it (heard.py, `said_answer`). On fixtures/access.yaml.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.web.phone import ACCESS, Phone, Phones, Server, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


def heard(ana: Phone) -> str:
    """The answers so far as a screen reader reads them."""
    return ana.page.locator(".transcript").aria_snapshot()


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_a_scale_answer_in_the_answers_so_far_is_heard_in_words(
    server: Server, phones: Phones, scripts: bool
) -> None:
    ana = phones(scripts=scripts)
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("Duval")
    ana.type("30")
    ana.tap("Industrie")
    ana.tap("Continuer")
    ana.tap("3")
    expect(ana.page.locator("#waiting-text")).to_contain_text("Marchés ?")
    bubble = ana.page.locator(".transcript .bubble.me").last
    expect(bubble).to_be_visible()
    said = heard(ana)
    assert "3 sur 5" in said and "3/5" not in said, said
    expect(bubble.locator("[aria-hidden=true]")).to_have_text("3/5")  # seen as before
    ana.tap("Mes données")
    expect(ana.page.locator("#data-title")).to_be_visible()
    said = heard(ana)
    assert "3 sur 5" in said and "3/5" not in said, said
    ana.check_clean()

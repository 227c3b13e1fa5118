"""In a real browser, with chat.js and without: "Corse" offers 2A and 2B, and one tap answers.

chat.js posts in the background and draws the page it gets back; a phone without
scripts follows the redirect. Both show the two buttons under the refusal, after
"Envoyer", and both take a tap on one as the answer.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.web.phone import (
    COMPANY,
    Phones,
    Server,
    answers,
    at_departement,
    skip_without_a_browser,
)

with contextlib.suppress(ImportError):
    from playwright.sync_api import expect
skip_without_a_browser()

CORSE = ["2A – Corse-du-Sud", "2B – Haute-Corse"]


@pytest.mark.parametrize("scripts", [True, False], ids=["chat.js", "no scripts"])
def test_corse_offers_both_and_a_tap_answers(
    server: Server, phones: Phones, db_path: Path, scripts: bool
) -> None:
    ana = phones(scripts=scripts)
    page = ana.page
    at_departement(ana, server.url)
    ana.at(6, 51, COMPANY)

    ana.type("Corse")
    expect(page.locator("[role=alert]")).to_have_text(
        "Vouliez-vous dire Corse-du-Sud (2A) ou Haute-Corse (2B)\u00a0?"
    )
    ana.at(6, 51, COMPANY)
    expect(page.locator("#waiting .offered button")).to_have_text(CORSE)
    expect(page.locator("#answer")).to_have_value("Corse")
    ana.shot("corse")

    ana.tap("2B – Haute-Corse")
    ana.at(7, 51, COMPANY, "Quelle est votre fonction")
    ana.sees("2B – Haute-Corse")
    ana.check_clean()
    assert answers(db_path)["departement"] == ("2B", None)

"""Reloading and going back in a real Chromium, without JavaScript and with it.

Without scripts every answer is a plain form post. Answered by the page itself, a
reload would post the answer again (after the browser's "Confirm form resubmission")
and "back" would land on that question instead of a page. The server answers a post
with a redirect to the chat page, so the page on screen is always one a reload opens
again; what the reply said (a refusal) is on it once. With chat.js, nothing changes:
one background post per answer, the page itself in reply, redrawn in place.

The fixtures (`server`: `surveybot serve`; `phones`) are in conftest.py.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from tests.web.phone import Phone, Phones, Server, answers, asks, skip_without_a_browser

# Without Playwright, the skip below says what to install before any use.
with contextlib.suppress(ImportError):
    from playwright.sync_api import Request, expect

skip_without_a_browser()

REFUSED = "Je ne reconnais pas cette réponse."


def posts_of(phone: Phone) -> list[Request]:
    """Every form the tab posts from now on (a list that fills as it goes)."""
    posted: list[Request] = []
    phone.page.on("request", lambda r: posted.append(r) if r.method == "POST" else None)
    return posted


def test_without_scripts_reloading_or_going_back_posts_nothing_again(
    server: Server, phones: Phones, db_path: Path
) -> None:
    bob = phones(scripts=False)
    page = bob.page
    posted = posts_of(bob)
    bob.open(f"{server.url}/chat?stage=pithiviers")
    bob.tap("✅ J’accepte")
    bob.type("ACME")
    asks(bob, "Quel est le secteur d’activité principal d’ACME")
    # The address is the chat's, with its workshop, opened at what is new.
    expect(page).to_have_url(f"{server.url}/chat?stage=pithiviers#now")
    assert len(posted) == 2

    bob.reload()
    asks(bob, "Quel est le secteur d’activité principal d’ACME")
    assert len(posted) == 2, [p.url for p in posted]
    assert answers(db_path) == {"company_name": ("ACME", None)}

    # Back, from the next question: a page of the chat, opened again; no form sent again.
    bob.tap("Métallurgie, mécanique")
    asks(bob, "Combien de salariés compte ACME")
    bob.pace.take(bob.PAGE_LOAD)
    page.go_back()
    expect(page.locator("#waiting-text")).to_be_visible()
    assert len(posted) == 3, [p.url for p in posted]
    assert answers(db_path) == {
        "company_name": ("ACME", None),
        "sector": ("metal_mech", None),
    }
    bob.check_clean()


def test_without_scripts_a_refusal_is_said_once_and_a_reload_forgets_it(
    server: Server, phones: Phones, db_path: Path
) -> None:
    bob = phones(scripts=False)
    page = bob.page
    bob.open(f"{server.url}/chat?stage=pithiviers")
    bob.tap("✅ J’accepte")
    bob.type("ACME")
    for label in ("Métallurgie, mécanique", "10 à 49", "Non", "Moins de 2 M€"):
        bob.tap(label)
    asks(bob, "Dans quel département")
    posted = posts_of(bob)

    bob.type("99")
    alert = page.locator("[role=alert]")
    expect(alert).to_contain_text(REFUSED)
    expect(page.locator("#answer")).to_have_value("99")  # to correct, not to retype
    expect(page).to_have_url(f"{server.url}/chat?stage=pithiviers#now")

    bob.reload()
    asks(bob, "Dans quel département")
    expect(alert).to_have_count(0)
    expect(page.locator("#answer")).to_have_value("")
    assert len(posted) == 1
    assert "departement" not in answers(db_path)
    bob.type("45")
    asks(bob, "Quelle est votre fonction")
    expect(alert).to_have_count(0)
    bob.check_clean()


def test_with_scripts_each_answer_is_one_background_post_answered_by_the_page(
    server: Server, phones: Phones
) -> None:
    ana = phones()
    page = ana.page
    posted = posts_of(ana)
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if r.request.method == "POST" else None)
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("")  # refused: said on the page, once
    expect(page.locator("[role=alert]")).to_have_count(1)
    ana.reload()
    expect(page.locator("[role=alert]")).to_have_count(0)
    ana.type("ACME")
    asks(ana, "Quel est le secteur d’activité principal d’ACME")
    # chat.js asks for the page itself (no redirect), and redraws it in place.
    assert [p.headers.get("x-requested-with") for p in posted] == ["fetch"] * 3
    assert statuses == [200] * 3
    expect(page).to_have_url(f"{server.url}/chat?stage=pithiviers")
    ana.check_clean()

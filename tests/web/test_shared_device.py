"""One device, several people: a tablet on a workshop's welcome desk, answered in turn.

The web chat knows a person by a cookie. On a shared tablet the next person would
go on as the previous one (their answers, their resume link), so every page offers
to hand the device over: it asks first, shows an unfinished response's resume link
to keep, then forgets this browser's person (its cookies dropped, nothing erased)
and opens the workshop's landing card for the next one. An erasure forgets the
browser's person too: the next person on it gets a new id, so the old resume link
never opens their answers.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from flows import Flow
from tests.conftest import Peek
from tests.web.conftest import PhoneMaker, VisitorFactory
from tests.web.driver import Page, valid_answer
from tests.web.phone import ACCESS, Server, rows, skip_without_a_browser
from tests.web.test_pages import set_cookies
from tests.web.test_rights import three_answers_in

HANDOVER = "Laisser l’appareil à la personne suivante"


def handover_link(page: Page) -> str:
    """The address of the page's hand-over link (the footer's, or the end page's)."""
    found = [a["href"] for tag, a in page.tags if tag == "a" and "/handover" in a.get("href", "")]
    assert found, f"no hand-over link on the page: {page.links()}"
    return httpx.URL(found[0]).raw_path.decode()


def dropped(response: httpx.Response, name: str) -> bool:
    """Whether the response (or a redirect before it) deletes the cookie `name`."""
    header = set_cookies(response).get(name, "")
    return header.startswith(f"{name}=") and "max-age=0" in header.lower()


async def test_every_questionnaire_page_offers_the_hand_over_in_its_footer(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    page = await three_answers_in(ana, flow)
    assert HANDOVER in page
    # It keeps the page's workshop, and leads to a page that only asks: nothing changes.
    assert handover_link(page) == "/handover?stage=pithiviers"
    bob = visitor(headers={"accept-language": "en"})
    notice = await bob.get("/chat?stage=pithiviers")
    assert "Hand this device to the next person" not in notice  # nothing to hand over yet
    page = await bob.press("✅ I agree")
    assert "Hand this device to the next person" in page
    asked = await bob.get(handover_link(page))
    assert "Hand this device to the next person?" in asked
    assert {"Hand it over"} <= set(asked.labels()) and "Cancel" in asked


async def test_handing_over_asks_first_then_forgets_this_browser_and_keeps_the_answers(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    tablet = visitor()
    page = await three_answers_in(tablet, flow)
    ana_id = tablet.cookies["surveybot_id"]
    before = peek.dump()

    asked = await tablet.get(handover_link(page))
    assert "Laisser l’appareil à la personne suivante ?" in asked
    assert "Vos réponses restent enregistrées." in asked
    # Unfinished: the resume link to keep (and to scan with a phone), before anything goes.
    assert "Votre questionnaire n’est pas terminé" in asked
    assert asked.field("resume-link")["value"] == f"http://127.0.0.1/r/{ana_id}"
    assert 'role="img"' in asked.html and "<svg" in asked.html
    assert "http://127.0.0.1/chat?stage=pithiviers" in asked.links()  # "Annuler"
    assert "Annuler" in asked
    assert peek.dump() == before and tablet.cookies["surveybot_id"] == ana_id

    after = await tablet.press("Laisser la place")
    redirect = after.response.history[0]
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "http://127.0.0.1/s/pithiviers"
    assert dropped(redirect, "surveybot_id") and dropped(redirect, "surveybot_lang")
    # The workshop's landing card, ready for the next person; nothing erased.
    assert after.status == 200 and "Répondre ici" in after
    assert "surveybot_id" not in tablet.cookies
    assert peek.dump() == before

    # The next person starts at the notice, under a new id, without a word of the first's.
    nextone = await tablet.get("/chat?stage=pithiviers")
    assert "✅ J’accepte" in nextone.labels() and "ACME" not in nextone.text
    assert tablet.cookies["surveybot_id"] != ana_id
    await tablet.press("✅ J’accepte")
    page = await tablet.type("Bêta Usinage")
    assert page.progress.startswith("Question 2/") and "ACME" not in page.text
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(2,)]
    # The first person's link still opens their own answers, and only theirs.
    phone = visitor()
    theirs = await phone.get(f"/r/{ana_id}")
    assert "en cours, 3\u00a0réponses" in theirs


async def test_cancel_and_a_form_from_elsewhere_change_nothing(
    visitor: VisitorFactory, flow: Flow
) -> None:
    tablet = visitor()
    await three_answers_in(tablet, flow)
    ana_id = tablet.cookies["surveybot_id"]
    asked = await tablet.get("/handover?stage=pithiviers")
    form, button = asked.form_with("Laisser la place")
    # Another site's page posting the form: refused, the cookie kept.
    refused = await tablet.post(form.data(button), "/handover", origin="https://attacker.example")
    assert refused.status == 403 and not dropped(refused.response, "surveybot_id")
    # Without this person's token (a page of an earlier person, a forged form): asked again.
    forged = await tablet.post([("token", "0" * 32)], "/handover?stage=pithiviers")
    assert forged.status == 200 and "Laisser la place" in forged.labels()
    assert not dropped(forged.response, "surveybot_id")
    assert tablet.cookies["surveybot_id"] == ana_id
    # "Annuler" is a link back to the questionnaire, where it was.
    back = await tablet.get("/chat?stage=pithiviers")
    assert back.question is not None and back.question.step == "in_group"


async def test_chat_js_follows_the_hand_over_to_the_landing_card(
    visitor: VisitorFactory, flow: Flow
) -> None:
    tablet = visitor(scripts=True)
    await three_answers_in(tablet, flow)
    asked = await tablet.get("/handover?stage=pithiviers")
    form, button = asked.form_with("Laisser la place")
    # The form says chat.js forgets the tab's unsent typed drafts with it.
    assert re.search(r"<form[^>]*data-forget", asked.html)
    answer = await tablet.post(form.data(button), "/handover?stage=pithiviers")
    assert answer.status == 303 and dropped(answer.response, "surveybot_id")
    assert answer.response.headers["location"] == "http://127.0.0.1/s/pithiviers"


async def test_a_finished_response_is_handed_over_from_the_end_page(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    tablet = visitor()
    await tablet.get("/chat?stage=pithiviers")
    page = await tablet.press("✅ J’accepte")
    for turn in range(200):
        if page.question is None:
            break
        button, changes = valid_answer(page.question, flow, turn)
        page = await tablet.submit(page.question, button, **changes)
    assert peek.query("SELECT status FROM responses") == [("completed",)]
    # After the thanks and the summary, put forward in a card of its own.
    assert re.search(r'class="card handover".*?/handover\?stage=pithiviers', page.html, re.S)
    asked = await tablet.get(handover_link(page))
    assert "Votre questionnaire n’est pas terminé" not in asked
    assert "resume-link" not in asked.html
    await tablet.press("Laisser la place")
    again = await tablet.get("/chat?stage=pithiviers")
    assert "Vous avez déjà répondu" not in again and "✅ J’accepte" in again.labels()


async def test_the_page_entry_is_kept_and_without_one_the_tour_is_shown(
    visitor: VisitorFactory, flow: Flow
) -> None:
    for entry, landing in (
        ("pithiviers__territoire", "http://127.0.0.1/s/pithiviers__territoire"),
        ("__territoire", "http://127.0.0.1/chat?stage=__territoire"),
        (None, "http://127.0.0.1/"),
    ):
        tablet = visitor()
        await three_answers_in(tablet, flow)
        query = f"?stage={entry}" if entry else ""
        asked = await tablet.get(f"/handover{query}")
        form, button = asked.form_with("Laisser la place")
        answer = await tablet.client.post(
            httpx.URL(form.action).raw_path.decode(), data=dict(form.data(button))
        )
        assert (answer.status_code, answer.headers["location"]) == (303, landing), entry


async def test_without_a_person_the_hand_over_goes_straight_to_the_card(
    visitor: VisitorFactory,
) -> None:
    nobody = visitor()
    answer = await nobody.client.get("/handover?stage=pithiviers")
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        "http://127.0.0.1/s/pithiviers",
    )
    posted = await nobody.client.post("/handover?stage=pithiviers", data={"token": "x"})
    assert posted.status_code == 303


# --- erasing on a shared device ------------------------------------------------------------


@pytest.mark.parametrize("scripts", [False, True], ids=["no-script", "script"])
async def test_after_an_erasure_the_browser_gets_a_new_id_and_old_links_lead_nowhere(
    visitor: VisitorFactory, flow: Flow, peek: Peek, scripts: bool
) -> None:
    tablet = visitor(scripts=scripts)
    await three_answers_in(tablet, flow)
    ana_id = tablet.cookies["surveybot_id"]
    old_link = f"/r/{ana_id}"
    await tablet.press("Effacer mes réponses")
    page = await tablet.press("Oui, tout effacer")
    assert page.status == 200
    assert "C’est fait : vos réponses et les données vous concernant ont été effacées." in page
    new_id = tablet.cookies["surveybot_id"]
    assert new_id != ana_id
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]

    # The next person on this browser answers under the new id.
    await tablet.get("/chat?stage=pithiviers")
    await tablet.press("✅ J’accepte")
    await tablet.type("Gamma Forge")
    assert peek.query("SELECT external_id FROM respondents") == [(new_id,)]
    # The first person's old resume link leads to no answers, not to the next person's.
    elsewhere = visitor()
    opened = await elsewhere.get(old_link)
    assert opened.status == 404 and "Ce lien de reprise ne mène à aucune réponse." in opened
    assert "Gamma Forge" not in opened.text


@pytest.mark.parametrize("scripts", [False, True], ids=["no-script", "script"])
async def test_after_an_erasure_the_browser_forgets_the_language_chosen_too(
    visitor: VisitorFactory, flow: Flow, scripts: bool
) -> None:
    """As a hand-over does: the goodbye is in the erased person's language, then the next
    person on the tablet reads the page in the browser's language, not in theirs."""
    tablet = visitor(scripts=scripts)
    await three_answers_in(tablet, flow)
    await tablet.press("English")
    assert tablet.cookies["surveybot_lang"] == "en"
    await tablet.press("Erase my answers")
    page = await tablet.press("Yes, erase everything")
    assert page.status == 200 and 'lang="en"' in page.html
    assert "Done: your answers and the data about you have been erased." in page
    assert "surveybot_lang" not in tablet.cookies
    assert dropped(page.response, "surveybot_lang")
    # The goodbye reloaded, or the next person's page: the browser's language (French here).
    page = await tablet.get("/chat?stage=pithiviers")
    assert 'lang="fr"' in page.html and "✅ J’accepte" in page.labels()
    # A language chosen again is remembered again, for that person.
    await tablet.press("English")
    assert tablet.cookies["surveybot_lang"] == "en"


async def test_starting_over_is_the_same_person_and_keeps_the_id(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)
    ana_id = ana.cookies["surveybot_id"]
    await ana.press("Recommencer")
    page = await ana.press("Oui, recommencer")
    assert page.progress.startswith("Question 1/")
    assert ana.cookies["surveybot_id"] == ana_id


# --- in Chromium, with chat.js ----------------------------------------------------------------


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


def test_a_welcome_desk_tablet_goes_from_one_person_to_the_next(
    server: Server, phone: PhoneMaker, db_path: Path
) -> None:
    skip_without_a_browser()
    from playwright.sync_api import expect

    tablet = phone(width=360)  # a small tablet's page, or a phone's: as the screenshots
    page = tablet.page
    tablet.open(f"{server.url}/s/pithiviers")
    tablet.follow("Répondre ici")
    tablet.tap("✅ J’accepte")
    tablet.type("Alpha Robinetterie")
    tablet.type("15")
    # Halfway: the first person hands the tablet over, keeping their link to finish later.
    tablet.follow(HANDOVER)
    expect(page.locator("h1")).to_have_text("Laisser l’appareil à la personne suivante\u00a0?")
    link = page.locator("#resume-link").input_value()
    expect(page.get_by_role("img", name=re.compile("Code QR"))).to_be_visible()
    expect(page.get_by_role("button", name="Copier le lien")).to_be_visible()  # chat.js's
    tablet.shot("handover-confirm")
    # A draft typed and never sent, kept by chat.js in the tab: gone with the person.
    page.evaluate("sessionStorage.setItem('surveybot-draft:sector:3', 'secret')")
    tablet.tap("Laisser la place")
    expect(page).to_have_url(f"{server.url}/s/pithiviers")
    expect(page.get_by_role("link", name="Répondre ici")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    assert not [c for c in page.context.cookies() if c["name"] == "surveybot_id"]

    # The next person: the notice, none of the first's answers, and to the end.
    tablet.follow("Répondre ici")
    expect(page.locator("#main")).not_to_contain_text("Alpha Robinetterie")
    tablet.tap("✅ J’accepte")
    tablet.type("Bêta Usinage")
    tablet.type("20")
    tablet.tap("Services")
    tablet.tap("Continuer")
    tablet.tap("3")
    tablet.tick("Europe")
    tablet.rank("Temps", "Coût")
    tablet.type("direction@beta.example.org")
    end = page.locator(".card.handover")
    expect(end).to_be_visible()
    tablet.shot("handover-end-page")
    tablet.follow(HANDOVER)
    expect(page.locator("h1")).to_have_text("Laisser l’appareil à la personne suivante\u00a0?")
    expect(page.locator("#resume-link")).to_have_count(0)  # finished: nothing left to keep
    tablet.tap("Laisser la place")
    expect(page).to_have_url(f"{server.url}/s/pithiviers")
    tablet.check_clean()

    # Both responses kept, each its own; the first person's link opens theirs on a phone.
    assert rows(db_path, "SELECT status FROM responses ORDER BY id") == [
        ("in_progress",),
        ("completed",),
    ]
    assert len(rows(db_path, "SELECT id FROM respondents")) == 2
    own = phone()
    own.open(link)
    expect(own.page.locator("#main")).to_contain_text("en cours, 2\u00a0réponses")

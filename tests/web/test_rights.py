"""The respondent's own controls: resuming on another browser, seeing and downloading their data,
erasing it, starting over, and choosing the language."""

from __future__ import annotations

import json

import httpx

from flows import Flow
from tests.conftest import Peek
from tests.web.conftest import PUBLIC, VisitorFactory
from tests.web.driver import Page, Visitor, valid_answer
from tests.web.test_pages import PERSONAL, attributes, counts, set_cookies


async def three_answers_in(person: Visitor, flow: Flow) -> Page:
    """The person has agreed and answered the first three questions (name, sector, size)."""
    await person.get("/chat?stage=pithiviers")
    await person.press("✅ J’accepte")
    page = await person.type("ACME")
    for turn in (1, 2):
        assert page.question is not None
        button, changes = valid_answer(page.question, flow, turn)
        page = await person.submit(page.question, button, **changes)
    assert page.progress.startswith("Question 4/")
    return page


# --- resuming -------------------------------------------------------------------------


async def resume_here(phone: Visitor, link: str, **headers: str) -> httpx.Response:
    """Opens a resume link and confirms it, as a person does: the page, then its button."""
    page = await phone.get(httpx.URL(link).path)
    assert page.status == 200 and "Reprendre ces réponses ici ?" in page
    form, _ = page.form_with("Reprendre ici")
    return await phone.client.post(
        httpx.URL(link).path,
        data=dict(form.data(None)),
        headers=headers,
    )


async def test_the_resume_link_opens_the_same_question_in_another_browser(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    page = await three_answers_in(ana, flow)
    link = page.field("resume-link")["value"]
    assert link == f"http://127.0.0.1/r/{ana.cookies['surveybot_id']}"
    assert "Gardez ce lien pour reprendre" in page

    phone = visitor()  # another browser, that has never been here
    opened = await phone.get(httpx.URL(link).path)
    # Opening the link only says what it holds; nothing changes until "Reprendre ici".
    assert (
        "Questionnaire commencé le" in opened
        and "(Pithiviers) : en cours, 3\u00a0réponses" in opened
    )
    assert "surveybot_id" not in set_cookies(opened.response)
    assert "Ce navigateur a déjà ses propres réponses" not in opened  # it has none
    confirmed = await resume_here(phone, link)
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == "http://127.0.0.1/chat"
    cookie = set_cookies(confirmed)["surveybot_id"]
    assert cookie.startswith(f"surveybot_id={ana.cookies['surveybot_id']};")
    assert {"httponly", "samesite=lax"} <= attributes(cookie)
    there = await phone.get("/chat")
    assert there.progress == page.progress
    assert there.question is not None and page.question is not None
    assert there.question.step == page.question.step == "in_group"
    assert "ACME" in there.text  # the answers so far, above the question
    # Answering there moves both on: one person, one response.
    await phone.press("Non")
    assert (await ana.get("/chat")).progress.startswith("Question 5/")
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(1,)]
    assert peek.query("SELECT COUNT(*) FROM responses") == [(1,)]
    # The link opened where it already is goes straight to the questionnaire.
    again = await ana.client.get(httpx.URL(link).path)
    assert (again.status_code, again.headers["location"]) == (303, "http://127.0.0.1/chat")


async def test_a_browser_with_its_own_answers_is_warned_and_may_keep_them(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana, bea = visitor(), visitor()
    link = (await three_answers_in(ana, flow)).field("resume-link")["value"]
    await three_answers_in(bea, flow)
    bea_id = bea.cookies["surveybot_id"]
    opened = await bea.get(httpx.URL(link).path)
    assert "Ce navigateur a déjà ses propres réponses" in opened
    # "No, change nothing": back to her own questionnaire, her own cookie.
    assert "Non, ne rien changer" in opened
    assert any(link.endswith("/chat") for link in opened.links())
    assert bea.cookies["surveybot_id"] == bea_id
    assert peek.query("SELECT COUNT(*) FROM responses") == [(2,)]


async def test_a_resume_form_posted_from_another_site_changes_nothing(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    link = (await three_answers_in(ana, flow)).field("resume-link")["value"]
    # A page elsewhere that would make this browser answer into ana's questionnaire.
    phone = visitor()
    refused = await resume_here(phone, link, origin="https://attacker.example")
    assert refused.status_code == 403
    assert "surveybot_id" not in set_cookies(refused)
    # Without the page's token, the form is not taken either: the page is shown again.
    forged = await phone.client.post(httpx.URL(link).path, data={"token": "0" * 32})
    assert forged.status_code == 200 and "Reprendre ces réponses ici\u00a0?" in forged.text
    assert "surveybot_id" not in set_cookies(forged)


async def test_the_resume_link_over_https_sets_a_secure_cookie(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor(base_url=PUBLIC)
    await ana.get("/chat")
    page = await ana.press("✅ J’accepte")
    link = page.field("resume-link")["value"]
    assert link.startswith("https://enquete.example.org/r/")
    confirmed = await resume_here(visitor(base_url=PUBLIC), link, origin=PUBLIC)
    assert "secure" in attributes(set_cookies(confirmed)["surveybot_id"])


async def test_a_broken_or_erased_resume_link_says_so(visitor: VisitorFactory, peek: Peek) -> None:
    for broken in ("short", "x" * 33, "not an id at all but long enough", "A" * 32):
        browser = visitor()
        opened = await browser.get(f"/r/{broken}")
        assert opened.status in (400, 404)
        assert "Ce lien de reprise ne mène à aucune réponse." in opened
        assert "surveybot_id" not in set_cookies(opened.response)
        posted = await browser.client.post(f"/r/{broken}", data={"token": "x"})
        assert posted.status_code in (400, 404)
        assert "surveybot_id" not in set_cookies(posted)
    assert counts(peek) == dict.fromkeys(PERSONAL, 0)


# --- my data ---------------------------------------------------------------------------


async def test_my_data_shows_what_is_stored_and_downloads_it_as_json(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)
    page = await ana.press("Mes données")
    assert "Voici les données enregistrées vous concernant :" in page
    assert "(Pithiviers) : en cours, 3\u00a0réponses" in page
    assert "http://127.0.0.1/mydata.json" in page.links()
    # The question waits below, where it was.
    assert page.question is not None and page.question.step == "in_group"

    download = await ana.client.get("/mydata.json")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="mes_donnees.json"'
    assert download.headers["cache-control"] == "no-store"
    data = json.loads(download.text)
    assert data["channel"] == "web"
    (response,) = data["responses"]
    assert response["stage_code"] == "pithiviers"
    assert response["answers"]["company_name"]["value"] == "ACME"
    assert set(response["answers"]) == {"company_name", "sector", "headcount"}


async def test_my_data_of_someone_unknown_is_404(visitor: VisitorFactory) -> None:
    nobody = visitor()
    assert (await nobody.client.get("/mydata.json")).status_code == 404
    nobody.cookies.set("surveybot_id", "B" * 32, domain="127.0.0.1")
    assert (await nobody.client.get("/mydata.json")).status_code == 404
    # Someone who only read the notice: nothing is stored, nothing to download.
    reader = visitor()
    await reader.get("/chat")
    missing = await reader.get("/mydata.json")
    assert missing.status == 404
    assert "Cette page n’existe pas." in missing


# --- erasing ----------------------------------------------------------------------------


async def test_erasing_asks_first_and_no_keeps_everything(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)
    before = peek.dump()
    page = await ana.press("Effacer mes réponses")
    assert "Effacer définitivement toutes vos réponses" in page
    assert {"Oui, tout effacer", "Non, garder mes réponses"} <= set(page.labels())
    page = await ana.press("Non, garder mes réponses")
    assert page.question is not None and page.question.step == "in_group"
    assert peek.dump() == before


async def test_erasing_removes_every_row_and_says_goodbye(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)
    await ana.press("Effacer mes réponses")
    page = await ana.press("Oui, tout effacer")
    assert "C’est fait : vos réponses et les données vous concernant ont été effacées." in page
    assert page.question is None
    # A way back, should they change their mind: to the workshop's chat they came from.
    assert "http://127.0.0.1/chat?stage=pithiviers" in page.links()
    assert {table: n for table, n in counts(peek).items() if table != "handled_updates"} == {
        "respondents": 0,
        "responses": 0,
        "answers": 0,
        "consent_refusals": 0,
    }
    assert (await ana.client.get("/mydata.json")).status_code == 404
    # The same confirmation posted again (a double tap) erases nothing more and breaks nothing.
    again = await ana.again()
    assert again.status == 200
    page = await ana.get("/chat")
    assert "✅ J’accepte" in page.labels()


async def test_an_erasure_confirmed_after_going_on_is_stale(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)
    asked = await ana.press("Effacer mes réponses")
    form, button = asked.form_with("Oui, tout effacer")
    await ana.press("Non, garder mes réponses")
    await ana.press("Non")  # went on: the confirmation was for another moment
    before = peek.dump()
    page = await ana.submit(form, button, delivery="-7")
    assert "Ce bouton n’est plus actif" in page
    assert peek.dump() == before


# --- starting over ---------------------------------------------------------------------


async def test_starting_over_asks_then_starts_again_in_the_same_response(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)
    (response,) = peek.query("SELECT id FROM responses")
    page = await ana.press("Recommencer")
    assert "Recommencer efface toutes vos réponses à ce questionnaire. Confirmez-vous ?" in page
    before = peek.dump()
    page = await ana.press("Non, continuer")
    assert page.question is not None and page.question.step == "in_group"
    assert peek.dump() == before
    await ana.press("Recommencer")
    page = await ana.press("Oui, recommencer")
    assert "C’est reparti depuis le début." in page
    assert page.progress.startswith("Question 1/")
    assert "ACME" not in page.text
    assert peek.query("SELECT id, stage_code, status FROM responses") == [
        (response[0], "pithiviers", "in_progress")
    ]
    assert peek.query("SELECT COUNT(*) FROM answers") == [(0,)]


# --- language --------------------------------------------------------------------------


async def test_the_language_button_switches_to_english_and_it_stays(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor(headers={"accept-language": "fr-FR,fr;q=0.9"})
    await three_answers_in(ana, flow)
    page = await ana.press("English")  # one tap: no list of two languages to choose from
    assert "Language: English." in page
    assert 'lang="en">English</button>' not in page.html
    assert 'lang="en"' in page.html
    assert "Is ACME part of a group?" in page
    assert page.progress == "Question 4/51 · Your company and you"
    assert set_cookies(page.response)["surveybot_lang"].startswith("surveybot_lang=en;")
    # Next time, in English, whatever the browser says.
    page = await ana.get("/chat")
    assert 'lang="en"' in page.html and "Come back later" in page
    assert "Français" in page.labels()
    assert peek.query("SELECT language FROM respondents") == [("en",)]
    assert peek.query("SELECT language FROM responses") == [("en",)]
    # And back.
    assert '<button name="action"' in page.html and 'lang="fr">Français</button>' in page.html
    page = await ana.press("Français")
    assert "Langue : français." in page and 'lang="fr"' in page.html


async def test_the_notice_can_be_read_in_english_before_anything_is_stored(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    page = await ana.press("English")
    assert "About your data" in page
    assert "Your answers will be linked to the Pithiviers workshop (5\u00a0June\u00a02019)." in page
    assert counts(peek) == dict.fromkeys(PERSONAL, 0)
    # Agreeing there keeps the workshop of the link and the language chosen.
    page = await ana.press("✅ I agree")
    assert page.progress == "Question 1/51 · Your company and you"
    assert peek.query("SELECT stage_code, language FROM responses") == [("pithiviers", "en")]

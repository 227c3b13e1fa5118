"""Post/redirect/get without JavaScript: a form's reply is a redirect to the chat page, which
shows what the reply said once; reloading it or coming back to it posts nothing again.

A phone without scripts (or before chat.js loads) posts each answer as a plain form.
Answered with the page itself, a reload would post the answer again and "back" would
show the browser's "Confirm form resubmission". So the server answers "303 See Other"
to the chat page (its workshop, its address behind a proxy, at `#now`), and what the
reply said that the chat page does not say by itself (a refusal, "out of date", the
person's data, a goodbye) rides there in a signed cookie, said once. chat.js, which
posts in the background and redraws the page in place, still gets the page itself.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Awaitable, Callable

from bot.http import RateLimit
from bot.web import WebChat, create_app
from conversation import Conversation
from flows import Flow
from tests.conftest import Peek
from tests.web.conftest import PUBLIC, SECRET, Patience, VisitorFactory, guard_of
from tests.web.driver import Form, Page, Visitor, valid_answer
from tests.web.test_pages import set_cookies

FLASH = "surveybot_flash"
REFUSED_CODE = "Je ne reconnais pas cette réponse. Tapez un code ou un nom"
TOO_FEW = "Merci de choisir au moins une réponse."
OUT_OF_DATE = "Cette réponse était pour une question qui n’est plus en cours"


def redirected(page: Page) -> str:
    """Where the post was sent on, by a 303: the page shown is what a GET of it gave."""
    assert [hop.status_code for hop in page.response.history] == [303], page.text[:300]
    assert page.response.request.method == "GET"
    return page.response.history[0].headers["location"]


async def answered_up_to(person: Visitor, flow: Flow, step: str) -> Page:
    """The person has agreed and answered every question before `step` (valid answers)."""
    await person.get("/chat?stage=pithiviers")
    page = await person.press("✅ J’accepte")
    turn = 0
    while page.question is not None and page.question.step != step:
        button, changes = valid_answer(page.question, flow, turn)
        page = await person.submit(page.question, button, **changes)
        turn += 1
    assert page.question is not None, f"{step} was never asked"
    return page


def alerts(page: Page) -> list[dict[str, str]]:
    return [a for tag, a in page.tags if a.get("role") == "alert"]


def field_value(page: Page) -> str:
    assert page.question is not None and page.question.text is not None
    return page.question.text.value


# --- the redirect ---------------------------------------------------------------------


async def test_a_plain_post_is_answered_by_a_redirect_to_the_chat_page_of_its_workshop(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    notice = await ana.get("/chat?stage=pithiviers")
    form, button = notice.form_with("✅ J’accepte")
    answer = await ana.post(form.data(button), "/chat?stage=pithiviers", follow_redirects=False)
    assert answer.status == 303
    assert answer.response.headers["location"] == "http://127.0.0.1/chat?stage=pithiviers#now"
    assert answer.forms == []  # no page to reload: the browser opens the chat page
    page = await ana.get(answer.response.headers["location"])
    assert page.progress == "Question 1/51 · Votre entreprise et vous"
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]
    # A language chosen rides on the redirect, for the page it opens.
    english = await ana.press("English")
    assert redirected(english) == "http://127.0.0.1/chat?stage=pithiviers#now"
    assert set_cookies(english.response.history[0])["surveybot_lang"].startswith(
        "surveybot_lang=en;"
    )
    assert "Language: English." in english and 'lang="en"' in english.html


async def test_behind_a_proxy_the_redirect_keeps_the_public_address_and_its_path(
    conversation: Conversation, visitor: VisitorFactory
) -> None:
    app = create_app(WebChat(conversation, SECRET, None, public_url=PUBLIC + "/enquete"))
    guard_of(app, RateLimit).clock = Patience()
    ana = visitor(app=app, base_url=PUBLIC, headers={"host": "127.0.0.1:8000"})
    await ana.get("/enquete/chat?stage=pithiviers")
    page = await ana.press("✅ J’accepte")
    assert redirected(page) == f"{PUBLIC}/enquete/chat?stage=pithiviers#now"
    assert page.progress.startswith("Question 1/")
    page = await ana.press("Mes données")
    assert redirected(page) == f"{PUBLIC}/enquete/chat?stage=pithiviers#now"
    assert "Télécharger mes données (JSON)" in page
    # Over https, the flash cookie is as secure as the others, and so is its deletion.
    assert "secure" in set_cookies(page.response.history[0])[FLASH].lower()
    assert "secure" in set_cookies(page.response)[FLASH].lower()


# --- reloading and going back ---------------------------------------------------------


async def test_reloading_the_page_after_an_answer_posts_nothing_again(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    await ana.press("✅ J’accepte")
    page = await ana.type("ACME")
    assert redirected(page) == "http://127.0.0.1/chat?stage=pithiviers#now"
    before = peek.dump()
    for _ in range(2):
        again = await ana.reload()
        assert again.response.request.method == "GET" and again.response.history == []
        assert again.progress == page.progress and again.progress.startswith("Question 2/")
        assert again.text == page.text
    assert peek.dump() == before
    assert peek.query("SELECT question_id FROM answers") == [("company_name",)]


async def test_a_refused_answer_is_said_once_with_what_was_typed_and_a_reload_forgets_it(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await answered_up_to(ana, flow, "departement")
    page = await ana.type("99")
    redirected(page)
    assert REFUSED_CODE in page and len(alerts(page)) == 1
    assert field_value(page) == "99"  # there to correct, not to retype
    before = peek.dump()
    again = await ana.reload()
    assert REFUSED_CODE not in again and alerts(again) == []
    assert again.question is not None and again.question.step == "departement"
    assert field_value(again) == ""
    assert peek.dump() == before
    # Corrected, it is taken; the refusal does not come back with the next page.
    page = await ana.type("45")
    assert REFUSED_CODE not in page and "45 – Loiret" in page


async def test_ticks_refused_are_said_once_and_ticked_again(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    page = await answered_up_to(ana, flow, "innovation_levers")
    assert page.question is not None
    four = [box.label for box in page.question.checkboxes[:4]]
    page = await ana.tick(*four)
    redirected(page)
    assert "Vous pouvez choisir au plus 3\u00a0réponses\u00a0; vous en avez choisi 4." in page
    assert page.question is not None
    assert [box.label for box in page.question.checkboxes if box.checked] == four
    again = await ana.reload()
    assert "au plus 3\u00a0réponses" not in again
    assert again.question is not None and again.question.step == "innovation_levers"
    # And nothing ticked at all: the refusal, once.
    page = await ana.tick()
    assert TOO_FEW in page
    assert TOO_FEW not in await ana.reload()


async def test_an_out_of_date_answer_is_said_once(visitor: VisitorFactory, peek: Peek) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    await ana.press("✅ J’accepte")
    await ana.type("ACME")
    older = await ana.get("/chat?stage=pithiviers")  # a second tab, on the same question
    assert older.question is not None
    await ana.get("/chat?stage=pithiviers")
    await ana.press("Agroalimentaire")
    before = peek.dump()
    page = await ana.submit(older.question, older.question.button("Chimie, plastiques"))
    redirected(page)
    assert "Ce bouton n’est plus actif : répondez à la dernière question." in page
    assert page.progress.startswith("Question 3/")
    page = await ana.submit(older.question, text="Chimie", delivery="-42")
    assert OUT_OF_DATE in page
    again = await ana.reload()
    assert OUT_OF_DATE not in again and "Ce bouton" not in again
    assert again.progress.startswith("Question 3/")
    assert peek.dump() == before


async def test_an_expired_page_is_said_once(visitor: VisitorFactory) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    page = await ana.press("✅ J’accepte")
    assert page.question is not None
    page = await ana.submit(page.question, text="ACME", token="0" * 32)
    assert redirected(page) == "http://127.0.0.1/chat?stage=pithiviers#now"
    assert "Cette page n’était plus à jour" in page
    assert "Cette page n’était plus à jour" not in await ana.reload()


async def test_my_data_is_shown_once_under_the_question(visitor: VisitorFactory) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    await ana.press("✅ J’accepte")
    await ana.type("ACME")
    page = await ana.press("Mes données")
    redirected(page)
    assert "Télécharger mes données (JSON)" in page
    assert "Questionnaire commencé le" in page and "pithiviers" in page.text.lower()
    assert page.progress.startswith("Question 2/")
    again = await ana.reload()
    assert "Télécharger mes données (JSON)" not in again
    assert again.progress.startswith("Question 2/")


async def test_erasing_says_goodbye_once_then_the_chat_starts_afresh(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    await ana.press("✅ J’accepte")
    await ana.type("ACME")
    page = await ana.press("Effacer mes réponses")
    redirected(page)
    assert "Oui, tout effacer" in page.labels()
    page = await ana.press("Oui, tout effacer")
    redirected(page)
    assert "vos réponses et les données vous concernant ont été effacées" in page
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]
    again = await ana.reload()
    assert "ont été effacées" not in again
    assert "✅ J’accepte" in again.labels()  # the notice of the workshop, to start again
    assert "Pithiviers" in again


# --- the cookie that carries it -------------------------------------------------------


def flash_payload(page: Page) -> dict[str, object]:
    """What the redirect's flash cookie holds, decoded (it is signed, not hidden)."""
    header = set_cookies(page.response.history[0])[FLASH]
    value = header.split(";")[0].split("=", 1)[1]
    payload = value.split(".")[0]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "==="))
    return decoded


async def test_the_flash_holds_no_typed_text_lasts_minutes_and_is_read_once(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    await answered_up_to(ana, flow, "departement")
    page = await ana.type("Zorglub-sur-Mer")
    assert field_value(page) == "Zorglub-sur-Mer"
    set_on_redirect = set_cookies(page.response.history[0])[FLASH]
    assert "Zorglub" not in set_on_redirect
    assert "Zorglub" not in json.dumps(flash_payload(page), ensure_ascii=False)
    attributes = set_on_redirect.lower()
    assert "httponly" in attributes and "samesite=lax" in attributes
    max_age = int(re.search(r"max-age=(\d+)", attributes).group(1))  # type: ignore[union-attr]
    assert 0 < max_age <= 300
    # The page that showed it deleted it: nothing is left to show twice.
    assert "max-age=0" in set_cookies(page.response)[FLASH].lower()
    assert FLASH not in ana.cookies


async def test_a_flash_of_another_person_or_altered_is_not_shown(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    await answered_up_to(ana, flow, "departement")
    answer = await ana.submit(ana._question(), text="99")  # a look at the redirect only
    del answer
    bob = visitor()
    await answered_up_to(bob, flow, "departement")
    form = bob._question()
    posted = await bob.post([*form.data(None), ("text", "99")], follow_redirects=False)
    stolen = posted.response.cookies[FLASH]
    payload, signature = stolen.split(".")
    for value in (
        stolen,  # Bob's flash, in Ana's browser: signed for Bob
        f"{payload}x.{signature}",  # changed
        f"{payload}.{'0' * 32}",  # signed by someone else
        "garbage",
    ):
        ana.cookies.set(FLASH, value, domain="127.0.0.1")
        page = await ana.get("/chat?stage=pithiviers")
        assert REFUSED_CODE not in page, value
        assert page.question is not None and page.question.step == "departement"
    # Not ASCII, as a browser sends what another site of the domain set: ignored (it made
    # every page of the chat a 500 while it lasted).
    ana.cookies.delete(FLASH, domain="127.0.0.1")
    own = "; ".join(f"{name}={value}" for name, value in ana.cookies.items())
    for value in ("é.x", f"{payload}é.{signature}"):
        header = f"{own}; {FLASH}={value}".encode()
        answer = await ana.client.get("/chat?stage=pithiviers", headers=[(b"cookie", header)])
        assert answer.status_code == 200, value
        assert Page(answer).question is not None
    # Bob's own, in Bob's browser: shown.
    bob.cookies.set(FLASH, stolen, domain="127.0.0.1")
    assert REFUSED_CODE in await bob.get("/chat?stage=pithiviers")


# --- chat.js: the page itself, as before ----------------------------------------------


async def test_a_form_posted_by_chat_js_gets_the_page_itself_a_plain_one_a_redirect(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    scripted, plain = visitor(scripts=True), visitor()
    for person in (scripted, plain):
        await answered_up_to(person, flow, "departement")
    by_script = await scripted.type("99")
    assert by_script.status == 200 and by_script.response.history == []
    assert by_script.response.request.method == "POST"
    assert FLASH not in set_cookies(by_script.response)
    assert REFUSED_CODE in by_script and field_value(by_script) == "99"
    by_form = await plain.type("99")
    redirected(by_form)
    assert by_form.text == by_script.text.replace(
        scripted.page.field("resume-link")["value"] if scripted.page else "", ""
    )


Step = Callable[[Visitor], Awaitable[Page]]


def readable(page: Page) -> str:
    """The page's text, without what differs between two people (their data's reference)."""
    return re.sub(r"référence [A-Za-z0-9_-]+", "référence …", page.text)


class Both:
    """Two people doing the same: one without scripts, one with chat.js; pages compared."""

    def __init__(self, plain: Visitor, scripted: Visitor, flow: Flow) -> None:
        self.plain, self.scripted, self.flow = plain, scripted, flow
        self.older: dict[int, Form] = {}

    async def do(self, name: str, step: Step, *, posted: bool = True) -> Page:
        by_form, by_script = await step(self.plain), await step(self.scripted)
        assert by_script.response.history == [], name
        if posted:
            redirected(by_form)
            if FLASH in set_cookies(by_form.response.history[0]):
                assert "ACME" not in json.dumps(flash_payload(by_form), ensure_ascii=False)
        assert readable(by_form) == readable(by_script), name
        return by_form

    def press(self, label: str) -> Step:
        return lambda person: person.press(label)

    def type(self, text: str) -> Step:
        return lambda person: person.type(text)

    def tick(self, count: int) -> Step:
        async def step(person: Visitor) -> Page:
            form = person._question()
            return await person.tick(*[box.label for box in form.checkboxes[:count]])

        return step

    def valid(self, turn: int) -> Step:
        async def step(person: Visitor) -> Page:
            form = person._question()
            button, changes = valid_answer(form, self.flow, turn)
            return await person.submit(form, button, **changes)

        return step

    def keep_page(self, person: Visitor) -> None:
        self.older[id(person)] = person._question()

    def older_form(self, **changes: str) -> Step:
        async def step(person: Visitor) -> Page:
            form = self.older[id(person)]
            button = form.choices()[0] if form.choices() else None
            return await person.submit(form, button, **changes)

        return step


async def test_every_page_after_a_redirect_reads_as_the_page_chat_js_gets(
    visitor: VisitorFactory, flow: Flow
) -> None:
    both = Both(visitor(), visitor(scripts=True), flow)
    await both.do("open", lambda person: person.get("/chat?stage=pithiviers"), posted=False)
    await both.do("English notice", both.press("English"))
    await both.do("French notice", both.press("Français"))
    await both.do("agree", both.press("✅ J’accepte"))
    await both.do("expired", lambda person: person.submit(person._question(), token="0" * 32))
    await both.do("unreadable", lambda person: person.submit(person._question(), step=""))
    await both.do("name", both.type("ACME"))
    await both.do("back", both.press("← Retour"))  # the name in its field again
    await both.do("name again", both.type("ACME"))
    await both.do("my data", both.press("Mes données"))
    await both.do("start over?", both.press("Recommencer"))
    await both.do("no, keep going", both.press("Non, continuer"))
    await both.do("English", both.press("English"))
    await both.do("French", both.press("Français"))
    refusals = {
        "departement": both.type("99"),
        "innovation_kinds": both.tick(0),
        "innovation_levers": both.tick(4),
        "year_founded": both.type("vers 1990"),
    }
    turn = 0
    while (form := both.plain._question() if both.plain.page.question else None) is not None:
        if form.step in refusals:
            await both.do(f"refused {form.step}", refusals[form.step])
        if form.step == "headcount":
            both.keep_page(both.plain), both.keep_page(both.scripted)
            await both.do(form.step, both.valid(turn))
            await both.do("an older page's button", both.older_form())
            await both.do("an older page's text", both.older_form(text="x", delivery="-42"))
        else:
            await both.do(str(form.step), both.valid(turn))
        turn += 1
        assert turn < 80
    # The end, the thanks naming the company, and what can be done from there.
    assert "Merci ! Vos réponses pour ACME sont bien enregistrées." in both.plain.page
    await both.do("change", both.press("Modifier — 1. Quel est le nom de votre entreprise"))
    await both.do("changed", both.type("ACME Industries"))
    await both.do("my data at the end", both.press("Mes données"))
    await both.do("erase?", both.press("Effacer mes réponses"))
    await both.do("no, keep it", both.press("Non, garder mes réponses"))
    await both.do("erase? again", both.press("Effacer mes réponses"))
    await both.do("erased", both.press("Oui, tout effacer"))
    await both.do("back", lambda person: person.get("/chat?stage=pithiviers"), posted=False)
    await both.do("declined", both.press("Je refuse"))


async def test_only_an_address_and_a_number_have_a_length_the_browser_stops_at(
    visitor: VisitorFactory, flow: Flow
) -> None:
    """A browser cuts a pasted text at `maxlength` without a word: a code's field (a name
    from a list, which may be long) has none; an address and a number have the engine's
    own limits, past which neither could be read anyway."""
    code = (await answered_up_to(visitor(), flow, "departement")).question
    number = (await answered_up_to(visitor(), flow, "year_founded")).question
    email = (await answered_up_to(visitor(), flow, "email")).question
    assert code is not None and code.text is not None
    assert number is not None and number.text is not None
    assert email is not None and email.text is not None

    assert "maxlength" not in code.text.attributes
    assert number.text.attributes["maxlength"] == "30"
    assert email.text.attributes["maxlength"] == "254"


async def test_a_head_request_is_a_look_that_spends_nothing(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    """A monitor's or a link checker's HEAD between a refused answer and its page: not a
    form posted (it was: a 303, a fresh cookie, "page out of date"), and the refusal and
    the text typed are still there for the page."""
    ana = visitor()
    await answered_up_to(ana, flow, "departement")
    posted = await ana.post([*ana._question().data(None), ("text", "99")], follow_redirects=False)
    before = peek.dump()

    head = await ana.client.head("/chat?stage=pithiviers")

    assert head.status_code == 200
    assert "set-cookie" not in head.headers
    assert head.headers["cache-control"] == "no-store"
    assert peek.dump() == before
    page = await ana.get(posted.response.headers["location"])
    assert REFUSED_CODE in page and field_value(page) == "99"

"""What an attacker tries on the web chat, and what a respondent's double tap does: each test shows
that nothing was executed, changed or stored twice.

XSS through a piped company name, CSRF, oversized bodies, forged cookies,
double submits, stale and forged forms. (What stands in front of every route,
and the logs: test_guards.py.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.http import MAX_BODY
from bot.web.identity import form_token
from flows import Flow
from tests.conftest import Peek
from tests.web.conftest import SECRET, VisitorFactory
from tests.web.driver import Page, Visitor, valid_answer
from tests.web.test_pages import set_cookies

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
"""A company name that would run a script in a page that did not escape it (120 characters max)."""


async def agreed(person: Visitor, stage: str = "pithiviers") -> Page:
    """The person has opened the chat from the workshop's link and agreed to the notice."""
    await person.get(f"/chat?stage={stage}")
    return await person.press("✅ J’accepte")


def nothing_runs(page: Page) -> None:
    """The page holds the bundled scripts only: no injected tag, no event handler, anywhere."""
    assert [tag for tag, _ in page.tags if tag in ("img", "svg", "iframe", "object")] == []
    assert page.scripts() == [
        {"src": "http://127.0.0.1/static/choices.js", "defer": ""},
        {"src": "http://127.0.0.1/static/chat.js", "defer": ""},
    ]
    assert not [name for _, a in page.tags for name in a if name.startswith("on")]
    assert "<script>alert" not in page.html and "<img" not in page.html


async def test_a_company_name_with_markup_is_shown_as_text_on_every_later_page(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await agreed(ana)
    pages = [await ana.type(PAYLOAD)]
    turn = 1
    while (form := pages[-1].question) is not None:
        button, changes = valid_answer(form, flow, turn)
        pages.append(await ana.submit(form, button, **changes))
        turn += 1
    # The name is piped into later questions ("… de <name> ?"), the transcript, the outro
    # and the summary: always as the text the person typed, never as markup.
    piped = [page for page in pages if PAYLOAD in page.text]
    assert len(piped) == len(pages)
    assert f"Quel est le secteur d’activité principal de {PAYLOAD} ?" in pages[0]
    assert f"Merci ! Vos réponses pour {PAYLOAD} sont bien enregistrées." in pages[-1]
    # Changing it after the end puts it in a field's value: an attribute, escaped too.
    pages.append(await ana.press("Modifier — 1. Quel est le nom de votre entreprise"))
    question = pages[-1].question
    assert question is not None and question.text is not None
    assert question.text.value == PAYLOAD
    pages.append(await ana.type(PAYLOAD + " SA"))
    pages.append(await ana.press("Mes données"))
    pages.append(await ana.press("English"))
    pages.append(await ana.get("/chat"))
    assert "Summary of your answers" in pages[-1]
    assert f"1. What is the name of your company? {PAYLOAD} SA" in pages[-1]
    for page in pages:
        nothing_runs(page)
    # Stored as typed: the analyst gets the text, not something "cleaned".
    assert peek.query("SELECT value_json FROM answers WHERE question_id = 'company_name'") == [
        ('"<script>alert(1)</script>\\"\'><img src=x onerror=alert(2)> SA"',)
    ]
    # The download is JSON that no browser would sniff into a page.
    download = await ana.client.get("/mydata.json")
    assert download.headers["content-type"] == "application/json"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment;")


async def test_an_other_text_with_markup_is_shown_as_text(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await agreed(ana)
    await ana.type("ACME")
    await ana.press("Autre secteur")
    page = await ana.type(PAYLOAD)
    assert PAYLOAD in page.text
    nothing_runs(page)
    assert peek.query("SELECT other_text FROM answers WHERE question_id = 'sector'") == [(PAYLOAD,)]


# --- CSRF ---------------------------------------------------------------------------


def erase_form(page: Page) -> list[tuple[str, str]]:
    """What "Oui, tout effacer" posts, as offered on `page`."""
    form, button = page.form_with("Oui, tout effacer")
    return form.data(button)


@pytest.mark.parametrize(
    "forgery",
    ["no token", "another person's token", "a made-up token", "a token of another secret"],
)
async def test_a_form_without_the_persons_own_token_changes_nothing(
    visitor: VisitorFactory, peek: Peek, forgery: str
) -> None:
    ana, eve = visitor(), visitor()
    await agreed(ana)
    await ana.type("ACME")
    page = await ana.press("Effacer mes réponses")
    genuine = erase_form(page)
    await agreed(eve)
    tokens = {
        "no token": None,
        "another person's token": eve.page.forms[0].hidden["token"] if eve.page else "",
        "a made-up token": "0123456789abcdef0123456789abcdef",
        "a token of another secret": form_token(b"another secret", ana.cookies["surveybot_id"]),
    }
    forged = [(k, v) for k, v in genuine if k != "token"]
    if tokens[forgery] is not None:
        forged.append(("token", str(tokens[forgery])))
    before = peek.dump()
    # Another site makes Ana's browser post the erasure, with her cookie but not her page.
    page = await ana.post(forged)
    assert page.status == 200
    assert "Cette page n’était plus à jour ; la voici telle qu’elle est maintenant." in page
    assert peek.dump() == before
    # Shown as it is: the question she was on, nothing erased.
    assert page.question is not None and page.question.step == "sector"
    assert "C’est fait" not in page.text


async def test_a_form_posted_without_the_cookie_takes_nothing(
    visitor: VisitorFactory, peek: Peek
) -> None:
    """A cross-site post carries no SameSite=Lax cookie: a new visitor, nothing taken."""
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    form, button = ana.page.form_with("✅ J’accepte") if ana.page else (None, None)
    assert form is not None
    before = peek.dump()
    stranger = visitor()
    page = await stranger.post(form.data(button))
    assert "Cette page n’était plus à jour" in page
    assert "✅ J’accepte" in page.labels()  # the notice, still to be agreed to
    assert "surveybot_id" in set_cookies(page.response)
    assert peek.dump() == before


# --- request bodies -------------------------------------------------------------------


async def consent_with_padding(person: Visitor, size: int) -> list[tuple[str, str]]:
    """The notice's "J’accepte", as posted, padded with a field of `size` characters."""
    await person.get("/chat?stage=pithiviers")
    assert person.page is not None
    form, button = person.page.form_with("✅ J’accepte")
    return [*form.data(button), ("pad", "x" * size)]


def encoded(data: list[tuple[str, str]]) -> bytes:
    return str(httpx.QueryParams(data)).encode()


FORM = {"content-type": "application/x-www-form-urlencoded"}


async def test_a_body_over_the_limit_is_refused_and_nothing_is_stored(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    body = encoded(await consent_with_padding(ana, MAX_BODY))
    before = peek.dump()
    refused = await ana.client.post("/chat", content=body, headers=FORM)
    assert refused.status_code == 413
    assert refused.headers["content-security-policy"]
    assert peek.dump() == before


async def test_a_chunked_body_over_the_limit_is_refused_and_nothing_is_stored(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    body = encoded(await consent_with_padding(ana, MAX_BODY))
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for start in range(0, len(body), 4096):
            sent += 1
            yield body[start : start + 4096]

    before = peek.dump()
    refused = await ana.client.post("/chat", content=chunks(), headers=FORM)
    assert "content-length" not in refused.request.headers
    assert refused.request.headers["transfer-encoding"] == "chunked"
    assert refused.status_code == 413
    assert peek.dump() == before


async def test_a_body_longer_than_declared_is_refused(web_app: Starlette, peek: Peek) -> None:
    """A client that declares a small Content-Length and sends more is cut off at the limit."""
    before = peek.dump()
    status, _ = await raw_post(web_app, [b"x" * 8192] * 10, declared=b"10")
    assert status == 413
    status, _ = await raw_post(web_app, [b"a=b"], declared=b"3x")
    assert status == 413
    assert peek.dump() == before


async def raw_post(
    app: Starlette, chunks: list[bytes], *, declared: bytes
) -> tuple[int, list[dict[str, Any]]]:
    """A POST /chat straight to the ASGI application, with the Content-Length given."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/chat",
        "raw_path": b"/chat",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", FORM["content-type"].encode()),
            (b"content-length", declared),
        ],
        "client": ("192.0.2.250", 50000),
        "server": ("127.0.0.1", 80),
    }
    queue = [{"type": "http.request", "body": c, "more_body": True} for c in chunks]
    queue.append({"type": "http.request", "body": b"", "more_body": False})
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], sent


async def test_a_long_answer_fits_well_under_the_limit(visitor: VisitorFactory, peek: Peek) -> None:
    """The limit refuses abuse, not answers: a form just under it is taken."""
    ana = visitor()
    await agreed(ana)
    page = await ana.type("É" * 120)  # 120 characters of two bytes, six once percent-encoded
    assert page.progress.startswith("Question 2/")
    bob = visitor()
    padded = await consent_with_padding(bob, MAX_BODY - 2000)
    assert MAX_BODY - 2000 < len(encoded(padded)) <= MAX_BODY
    page = await bob.post(padded)
    assert page.progress.startswith("Question 1/")
    assert peek.query("SELECT COUNT(*) FROM responses") == [(2,)]


# --- cookies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cookie", ["short", "x" * 33, "../../../etc/passwd_0123456789abc", "<script>alert(1)</script>"]
)
async def test_a_cookie_of_the_wrong_shape_is_ignored_for_a_new_one(
    visitor: VisitorFactory, peek: Peek, cookie: str
) -> None:
    before = peek.dump()
    eve = visitor()
    eve.cookies.set("surveybot_id", cookie, domain="127.0.0.1")
    page = await eve.get("/chat")
    assert "✅ J’accepte" in page.labels()
    fresh = set_cookies(page.response)["surveybot_id"].split(";")[0].split("=", 1)[1]
    assert fresh != cookie and len(fresh) == 32
    assert cookie not in page.html
    # A post with that cookie, and the token its page would have had, takes nothing either.
    form, button = page.form_with("✅ J’accepte")
    data = [(k, v) for k, v in form.data(button) if k != "token"]
    data.append(("token", form_token(SECRET, cookie)))
    eve.cookies.set("surveybot_id", cookie, domain="127.0.0.1")
    page = await eve.post(data)
    assert "Cette page n’était plus à jour" in page
    assert peek.dump() == before
    assert (await eve.client.get("/mydata.json")).status_code == 404


async def test_a_well_shaped_unknown_cookie_is_a_new_person_with_nothing(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await agreed(ana)
    await ana.type("ACME")
    before = peek.dump()
    guess = "A" * 32
    eve = visitor()
    eve.cookies.set("surveybot_id", guess, domain="127.0.0.1")
    page = await eve.get("/chat")
    assert "✅ J’accepte" in page.labels()
    assert "ACME" not in page.text
    assert "surveybot_id" not in set_cookies(page.response)  # the shape was right: kept
    assert (await eve.client.get("/mydata.json")).status_code == 404
    assert peek.dump() == before


# --- twice, late, forged ---------------------------------------------------------------


async def test_the_same_form_posted_twice_is_applied_once(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await agreed(ana)
    assert peek.query("SELECT COUNT(*) FROM responses") == [(1,)]
    await ana.again()  # "J’accepte", twice
    assert peek.query("SELECT COUNT(*) FROM responses") == [(1,)]
    await ana.type("ACME")
    state = peek.query("SELECT state_json FROM responses")
    page = await ana.again()  # the back button, then "resend"
    assert page.status == 200
    assert page.progress.startswith("Question 2/")  # not taken for question 2
    assert peek.query("SELECT state_json FROM responses") == state
    page = await ana.press("Agroalimentaire")
    after_tap = peek.dump()
    page = await ana.again()  # a double tap
    assert page.progress.startswith("Question 3/")
    assert "Ce bouton" not in page.text
    assert peek.dump() == after_tap
    assert peek.query("SELECT question_id FROM answers ORDER BY question_id") == [
        ("company_name",),
        ("sector",),
    ]


async def test_a_double_tap_whose_posts_overlap_is_applied_once(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    assert ana.page is not None
    form, button = ana.page.form_with("✅ J’accepte")
    data = form.data(button)
    # Without JavaScript a second tap sends a second request before the first is answered.
    first, second = await asyncio.gather(ana.post(data), ana.post(data))
    assert first.status == second.status == 200
    assert peek.query("SELECT COUNT(*) FROM responses") == [(1,)]


async def test_a_form_of_an_older_page_is_stale_and_changes_nothing(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await agreed(ana)
    await ana.type("ACME")
    # The chat open in two tabs: the same question, two pages, two delivery ids.
    tab_one = await ana.get("/chat")
    tab_two = await ana.get("/chat")
    assert tab_one.question is not None and tab_two.question is not None
    assert tab_one.question.hidden["delivery"] != tab_two.question.hidden["delivery"]
    await ana.submit(tab_one.question, tab_one.question.button("Agroalimentaire"))
    before = peek.dump()
    page = await ana.submit(tab_two.question, tab_two.question.button("Chimie, plastiques"))
    assert "Ce bouton n’est plus actif : répondez à la dernière question." in page
    assert page.progress.startswith("Question 3/")
    assert peek.dump() == before
    # A typed answer from an older page is stale too, not taken for the question now waiting.
    page = await ana.submit(tab_two.question, text="Chimie", delivery="-42")
    assert "Cette réponse était pour une question qui n’est plus en cours" in page
    assert "bouton" not in page.text  # nothing was tapped
    assert page.progress.startswith("Question 3/")
    assert peek.dump() == before


@pytest.mark.parametrize(
    "action",
    [
        "zzz",  # not a token at all
        "c|x|sector|agrifood",  # a sequence that is no number
        "g|0||nowhere",  # a workshop that does not exist
        "l|0||klingon",  # a language the questionnaire does not have
        "E|0||no_such_question",  # changing a question there is not
        "a|0|fr.000000000000|pithiviers|extra",  # five fields
        "c|1|sector|" + "x" * 300,  # far longer than anything written
    ],
)
async def test_a_forged_button_is_not_recognised_and_changes_nothing(
    visitor: VisitorFactory, peek: Peek, action: str
) -> None:
    ana = visitor()
    await agreed(ana)
    page = await ana.type("ACME")
    before = peek.dump()
    assert page.question is not None
    page = await ana.submit(page.question, action=action)
    assert page.status == 200
    assert "Ce bouton n’est pas reconnu." in page
    assert page.question is not None and page.question.step == "sector"
    assert peek.dump() == before


@pytest.mark.parametrize("scripts", [False, True])
async def test_a_late_workshop_button_leaves_the_page_where_it_was(
    visitor: VisitorFactory, peek: Peek, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    await agreed(ana)
    page = await ana.type("ACME")
    assert page.question is not None
    before = peek.dump()
    # The workshop list's button, from a tab opened before the questionnaire began there.
    page = await ana.submit(page.question, action="g|0||exemple_normandie")
    if page.status == 303:  # chat.js follows a redirect itself, to the address it names
        address = page.response.headers["location"]
        page = await ana.get(address)
    else:
        address = str(page.response.url)
    assert "Ce bouton n’est plus actif" in page
    assert "exemple_normandie" not in address and "stage=pithiviers" in address
    assert page.question is not None and page.question.step == "sector"
    reloaded = await ana.get(address)  # a reload offers no other workshop
    assert reloaded.question is not None and reloaded.question.step == "sector"
    assert peek.dump() == before


async def test_a_forged_command_is_not_recognised(visitor: VisitorFactory, peek: Peek) -> None:
    ana = visitor()
    await agreed(ana)
    before = peek.dump()
    form, _ = ana.page.form_with("Mes données") if ana.page else (None, None)
    assert form is not None
    page = await ana.submit(form, command="drop_everything")
    assert "Ce bouton n’est pas reconnu." in page
    assert peek.dump() == before


async def test_a_token_with_a_non_ascii_character_is_only_a_wrong_token(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    page = await agreed(ana)
    before = peek.dump()
    assert page.question is not None
    page = await ana.submit(page.question, token="é" * 32, text="ACME")
    assert "Cette page n’était plus à jour" in page
    assert peek.dump() == before


@pytest.mark.parametrize("delivery", ["-9999999999999999999", "-²"])
async def test_a_delivery_id_out_of_range_is_not_a_server_error(
    visitor: VisitorFactory, peek: Peek, delivery: str
) -> None:
    ana = visitor()
    page = await agreed(ana)
    assert page.question is not None
    page = await ana.submit(page.question, delivery=delivery, text="ACME")
    assert page.status == 200
    assert page.progress.startswith("Question 2/")


@pytest.mark.parametrize("seq", ["9" * 5000, "99999999999999999999"])
async def test_a_forged_sequence_number_is_not_a_server_error(
    visitor: VisitorFactory, peek: Peek, seq: str
) -> None:
    """Past 4,300 digits Python refuses to read a number at all."""
    ana = visitor()
    page = await agreed(ana)
    before = peek.dump()
    assert page.question is not None
    page = await ana.submit(page.question, seq=seq, text="ACME")
    assert page.status == 200
    assert "Ce bouton n’est pas reconnu." in page
    assert peek.dump() == before

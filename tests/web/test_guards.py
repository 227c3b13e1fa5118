"""What stands in front of every route of the web chat: forms from other sites refused, the
rate limit (a person's, and a crowd's on one Wi-Fi), the public address behind a proxy; and no
respondent id in any log line.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from bot.http import RateLimit
from bot.web.app import WebChat, create_app
from conversation import Conversation
from flows import Flow
from tests.conftest import LoggedErrors, Peek
from tests.web.conftest import LOCAL, PUBLIC, SECRET, Patience, VisitorFactory, guard_of
from tests.web.driver import Page, valid_answer
from tests.web.test_pages import set_cookies
from tests.web.test_security import FORM, agreed

# --- forms from other sites ------------------------------------------------------------


async def test_an_answer_posted_from_another_site_is_refused(
    visitor: VisitorFactory, peek: Peek, caplog: pytest.LogCaptureFixture
) -> None:
    ana = visitor()
    page = await agreed(ana)
    assert page.question is not None
    before = peek.dump()
    # Her own cookie and even her page's token, but the browser says the form is elsewhere.
    for origin in ("https://attacker.example", "null"):
        refused = await ana.client.post(
            "/chat",
            content=str(httpx.QueryParams([*page.question.data(None), ("text", "X")])).encode(),
            headers={**FORM, "origin": origin},
        )
        assert refused.status_code == 403
        assert "Ce formulaire a été envoyé depuis un autre site" in Page(refused).text
    assert peek.dump() == before
    assert "refused a form posted from another site" in caplog.text
    # Her own page, named by her browser, goes through.
    page = await ana.post([*page.question.data(None), ("text", "ACME")], origin=LOCAL)
    assert page.progress.startswith("Question 2/")


@pytest.mark.parametrize(
    ("public", "path"),
    [
        (PUBLIC, ""),  # a proxy that passes its own Host (127.0.0.1) on
        (PUBLIC + "/enquete/", ""),  # under a path, which the proxy takes off
        (PUBLIC + "/enquete", "/enquete"),  # under a path, which the proxy keeps
    ],
)
async def test_behind_a_proxy_the_public_address_makes_every_link(
    conversation: Conversation, visitor: VisitorFactory, public: str, path: str
) -> None:
    app = create_app(WebChat(conversation, SECRET, None, public_url=public))
    guard_of(app, RateLimit).clock = Patience()
    # The phone speaks to the proxy over https; the proxy to us with its own Host.
    ana = visitor(app=app, base_url=PUBLIC, headers={"host": "127.0.0.1:8000"})
    base = public.rstrip("/")
    landing = await ana.get(f"{path}/s/pithiviers")
    assert f"{base}/chat?stage=pithiviers" in landing.links()
    assert f'href="{base}/static/chat.css"' in landing.html
    opened = await ana.get(f"{path}/chat?stage=pithiviers")
    assert "secure" in set_cookies(opened.response)["surveybot_id"].lower()
    page = await ana.press("✅ J’accepte")
    assert page.field("resume-link")["value"].startswith(f"{base}/r/")
    # The browser names the public site as the form's origin: ours.
    assert page.question is not None
    # Posted where the browser sees the form (the prefix's cookies go there only).
    url = f"{urlsplit(base).path}/chat"
    page = await ana.post([*page.question.data(None), ("text", "ACME")], url, origin=PUBLIC)
    assert page.progress.startswith("Question 2/")
    # And the stylesheet is still the one file that may be cached.
    css = await ana.client.get(f"{path}/static/chat.css")
    assert css.status_code == 200 and "no-store" not in css.headers.get("cache-control", "")


# --- the rate limit -------------------------------------------------------------------


async def test_a_client_hammering_the_server_gets_429_with_retry_after(
    web_app: Starlette, visitor: VisitorFactory, peek: Peek
) -> None:
    guard = guard_of(web_app, RateLimit)
    clock = Patience(step=0)  # time stands still: a script, not a person
    guard.clock = clock
    script = visitor(address="198.51.100.7")
    await script.get("/chat?stage=pithiviers")  # it holds a respondent's cookie from now on
    statuses = [(await script.client.get("/s/pithiviers")).status_code for _ in range(30)]
    assert statuses == [200] * 30
    refused = await script.client.get("/s/pithiviers")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["x-frame-options"] == "DENY"
    assert "Attendez quelques secondes" in Page(refused).text
    # Nothing it posts now is even read.
    before = peek.dump()
    posted = await script.client.post("/chat", content=b"action=a%7C0%7C%7C", headers=FORM)
    assert posted.status_code == 429
    assert peek.dump() == before
    # Another phone is not held back by it, on another network or on the same Wi-Fi.
    assert (await visitor(address="198.51.100.8").client.get("/s/pithiviers")).status_code == 200
    neighbour = visitor(address="198.51.100.7")
    assert (await neighbour.get("/chat?stage=pithiviers")).status == 200
    # After the time it was told to wait, it may go on.
    clock.now += float(refused.headers["retry-after"])
    assert (await script.client.get("/s/pithiviers")).status_code == 200


async def test_one_address_gets_a_rooms_allowance_and_no_more(
    web_app: Starlette, visitor: VisitorFactory
) -> None:
    guard = guard_of(web_app, RateLimit)
    guard.clock = Patience(step=0)
    # Without cookies, a script is a crowd behind one address: a room's worth, then 429.
    script = visitor(address="198.51.100.9")
    statuses = [
        (await script.client.get("/s/pithiviers")).status_code
        for _ in range(int(guard.crowd_burst) + 1)
    ]
    assert statuses.count(200) == guard.crowd_burst
    assert statuses[-1] == 429
    # The stylesheet is never counted: a page refused does not also lose its look.
    assert (await script.client.get("/static/chat.css")).status_code == 200


async def test_a_person_answering_at_a_persons_pace_is_never_limited(
    web_app: Starlette, visitor: VisitorFactory, flow: Flow
) -> None:
    guard = guard_of(web_app, RateLimit)
    clock = Patience(step=1.0)  # a tap a second, page and stylesheet included
    guard.clock = clock
    ana = visitor()
    page = await agreed(ana)
    turn = 0
    while (form := page.question) is not None:
        button, changes = valid_answer(form, flow, turn)
        page = await ana.submit(form, button, **changes)
        assert page.status == 200
        assert (await ana.client.get("/static/chat.css")).status_code == 200
        turn += 1
    assert "Récapitulatif de vos réponses" in page


async def test_a_busy_room_behind_one_wifi_is_never_refused(
    web_app: Starlette, visitor: VisitorFactory, flow: Flow
) -> None:
    """A hundred phones on the venue's Wi-Fi (one address), without chat.js (an answer is a
    post and its redirect), each answering a question every 5 seconds: 40 requests a
    second, for long enough to spend any reserve. The address's allowance holds the room."""
    guard = guard_of(web_app, RateLimit)
    clock = Patience(step=0)  # moved on by the room's pace below, not by each request
    guard.clock = clock
    people, pace = 100, 5.0
    room = [visitor(address="203.0.113.9") for _ in range(people)]
    pages = []
    for person in room:
        pages.append(await agreed(person))
        clock.now += pace / people
    for turn in range(10):
        for index, person in enumerate(room):
            form = pages[index].question
            assert form is not None
            button, changes = valid_answer(form, flow, turn)
            pages[index] = await person.submit(form, button, **changes)
            assert pages[index].status == 200, (turn, index, pages[index].text[:300])
            clock.now += pace / people


async def test_a_page_refused_after_an_answer_was_saved_says_it_is_saved(
    web_app: Starlette, visitor: VisitorFactory, peek: Peek
) -> None:
    """The answer's post is taken, its redirect refused: the page must not ask to send
    again what was saved; a post refused says that one was not taken."""
    guard = guard_of(web_app, RateLimit)
    guard.clock = Patience(step=0)  # the rest of the room has used the allowance up
    ana = visitor(address="203.0.113.9")
    await agreed(ana)
    guard.addresses.table["203.0.113.9"].tokens = 1.5  # one request left: the post
    page = await ana.type("Exemple SARL")
    assert [r.status_code for r in page.response.history] == [303] and page.status == 429
    assert peek.query("SELECT value_json FROM answers") == [('"Exemple SARL"',)]
    said = " ".join(page.text.replace("\u00a0", " ").split())
    assert "Rien de ce que vous avez déjà envoyé n’est perdu." in said
    assert "n’a pas été pris en compte" not in said
    refused = await ana.client.post("/chat", content=b"action=x", headers=FORM)
    assert refused.status_code == 429
    assert "ce que vous venez d’envoyer n’a pas été pris en compte" in " ".join(
        Page(refused).text.replace("\u00a0", " ").split()
    )


# --- logs -------------------------------------------------------------------------------


async def test_no_log_line_holds_a_respondent_id(
    visitor: VisitorFactory,
    flow: Flow,
    caplog: pytest.LogCaptureFixture,
    live_server: str,
    logged_errors: LoggedErrors,
) -> None:
    caplog.set_level(logging.DEBUG)
    ana = visitor()
    page = await agreed(ana)
    ana_id = ana.cookies["surveybot_id"]
    resume = page.field("resume-link")["value"]
    assert resume.endswith(f"/r/{ana_id}")
    turn = 0
    while (form := page.question) is not None and turn < 6:
        button, changes = valid_answer(form, flow, turn)
        page = await ana.submit(form, button, **changes)
        turn += 1
    await ana.again()  # a double submit is logged ("already handled")
    await ana.press("Mes données")
    await ana.client.get("/mydata.json")
    # Another browser opens the resume link, through a real server (uvicorn's own logs).
    async with httpx.AsyncClient(base_url=live_server) as phone:
        opened = await phone.get(httpx.URL(resume).path, follow_redirects=True)
        assert opened.status_code == 200
        assert (await phone.get("/r/not-an-id")).status_code == 400
        assert (await phone.get("/no/such/page")).status_code == 404
    await ana.press("Effacer mes réponses")
    await ana.press("Oui, tout effacer")
    # The client's own request logs (httpx, in this test) are not the server's.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert server_side, "nothing was logged at all: is the capture working?"
    for record in server_side:
        line = record.getMessage()
        assert ana_id not in line, f"{record.name}: {line}"
        assert ana_id not in str(record.args), f"{record.name}: {record.args}"
    assert not logged_errors.unexpected()

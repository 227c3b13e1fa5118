"""Whatever the server refuses, a person gets a page of the site: its look, a phone's width, their
language, what happened and a way on; with the status and the headers a program reads.

Too many requests (429), a form from another site (403), a method a page does
not take (405), a form that cannot be read (400) and a body too large (413).
How chat.js shows such a page instead of posting the form again is in
test_browser.py.
"""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from bot.http import MAX_BODY, RateLimit
from tests.conftest import Peek
from tests.web.conftest import LOCAL, Patience, VisitorFactory, guard_of
from tests.web.driver import Page, Visitor
from tests.web.test_security import FORM, agreed, encoded

ENGLISH = {"accept-language": "en-GB,en;q=0.9"}


def polite(response: httpx.Response, status: int, lang: str, *words: str) -> Page:
    """`response` is the site's page for a refusal: its status, its look, its words."""
    page = Page(response)
    assert page.status == status, page.text[:200]
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in page.html
    # A phone lays it out at its own width, not a desktop's 980 pixels.
    viewport = [a for tag, a in page.tags if tag == "meta" and a.get("name") == "viewport"]
    assert viewport == [{"name": "viewport", "content": "width=device-width, initial-scale=1"}]
    assert "http://127.0.0.1/static/chat.css" in [a.get("href") for _, a in page.tags]
    for said in words:
        assert said in page, (said, page.text)
    assert response.headers["x-frame-options"] == "DENY"  # the guards' headers all the same
    return page


async def hammered(web_app: Starlette, person: Visitor) -> Patience:
    """The person's requests all at once, until the rate limit has none left."""
    clock = Patience(step=0)  # time stands still: a script, not a person
    guard_of(web_app, RateLimit).clock = clock
    while (await person.client.get("/s/pithiviers")).status_code != 429:
        pass
    return clock


async def test_too_many_requests_is_a_page_that_says_to_wait_and_try_again(
    web_app: Starlette, visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    page = await agreed(ana)
    assert page.question is not None
    clock = await hammered(web_app, ana)
    before = peek.dump()

    refused = await ana.submit(page.question, text="ACME")

    polite(refused.response, 429, "fr", "Un instant, s’il vous plaît", "Attendez quelques secondes")
    assert int(refused.response.headers["retry-after"]) >= 1
    assert peek.dump() == before
    # "Réessayer" opens the chat again (not a post): after the wait, the question as it was.
    assert refused.links()[-1] == "http://127.0.0.1/chat?stage=pithiviers"
    clock.now += float(refused.response.headers["retry-after"])
    again = await ana.get(refused.links()[-1])
    assert again.question is not None and again.question.step == "company_name"


async def test_too_many_requests_is_in_english_for_a_phone_in_english(
    web_app: Starlette, visitor: VisitorFactory
) -> None:
    english = visitor(headers=ENGLISH)
    await english.get("/chat")
    await hammered(web_app, english)
    refused = await english.client.get("/chat")
    page = polite(refused, 429, "en", "One moment, please", "Wait a few seconds", "Try again")
    assert "Attendez" not in page.text


async def test_a_form_from_another_site_is_a_page_that_says_nothing_changed(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor(headers=ENGLISH)
    await ana.get("/chat?stage=pithiviers")
    page = await ana.press("✅ I agree")
    assert page.question is not None
    before = peek.dump()
    data = [*page.question.data(None), ("text", "X")]
    refused = await ana.client.post(
        "/chat", content=encoded(data), headers={**FORM, "origin": "https://attacker.example"}
    )
    polite(refused, 403, "en", "Form not taken", "sent from another site", "nothing has changed")
    assert peek.dump() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/chat"),
        ("DELETE", "/chat"),
        ("PATCH", "/chat"),
        ("POST", "/s/pithiviers"),
        ("POST", "/mydata.json"),
    ],
)
async def test_a_method_a_page_does_not_take_is_a_page_too(
    visitor: VisitorFactory, peek: Peek, method: str, path: str
) -> None:
    before = peek.dump()
    refused = await visitor().client.request(method, path, content=b"a=b", headers=FORM)
    page = polite(refused, 405, "fr", "Cette page ne s’utilise pas ainsi")
    assert "GET" in refused.headers["allow"]  # what it does take, for a program
    assert page.links()[-1] == f"{LOCAL}{path}"
    assert peek.dump() == before


async def test_a_form_with_a_file_or_too_many_fields_is_a_page_that_stores_nothing(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    page = await agreed(ana)
    assert page.question is not None
    before = peek.dump()
    data = dict(page.question.data(None))
    with_file = await ana.client.post(
        "/chat", data={**data, "text": "ACME"}, files={"scan": ("kbis.pdf", b"%PDF-1.4")}
    )
    polite(with_file, 400, "fr", "Ce formulaire n’a pas pu être lu", "Rien n’a été enregistré")
    padded = [*page.question.data(None), ("text", "ACME")] + [(f"f{n}", "x") for n in range(70)]
    too_many = await ana.client.post("/chat", content=encoded(padded), headers=FORM)
    polite(too_many, 400, "fr", "Ce formulaire n’a pas pu être lu")
    assert peek.dump() == before


async def test_a_body_too_large_is_a_page_and_the_connection_closes(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor(headers=ENGLISH)
    page = await ana.get("/chat?stage=pithiviers")
    form, button = page.form_with("✅ I agree")
    body = encoded([*form.data(button), ("pad", "x" * MAX_BODY)])
    before = peek.dump()
    refused = await ana.client.post("/chat", content=body, headers=FORM)
    polite(refused, 413, "en", "Too much sent at once", "nothing was saved")
    assert refused.headers["connection"] == "close"
    assert peek.dump() == before

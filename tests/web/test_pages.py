"""The pages anyone can open: a workshop's card, the list of workshops, a page that does not exist,
the chat before agreeing to anything, the stylesheet; with their headers and cookies."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import Peek
from tests.web.conftest import PUBLIC, VisitorFactory
from tests.web.driver import Page

PERSONAL = ("respondents", "responses", "answers", "handled_updates", "consent_refusals")


def counts(peek: Peek) -> dict[str, int]:
    """How many rows each table about people holds."""
    return {table: peek.query(f"SELECT COUNT(*) FROM {table}")[0][0] for table in PERSONAL}


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Each cookie the response sets, by name: its whole Set-Cookie header; with the
    redirects that led to it (a form's reply is a redirect to the page), the last one."""
    found = {}
    for step in [*response.history, response]:
        for header in step.headers.get_list("set-cookie"):
            found[header.split("=", 1)[0]] = header
    return found


def attributes(header: str) -> set[str]:
    """A Set-Cookie header's attributes, lowercased, without values ("httponly", "samesite=lax")."""
    parts = [part.strip().lower() for part in header.split(";")[1:]]
    return {part for part in parts if not part.startswith(("max-age", "path", "expires"))}


async def test_a_workshop_card_names_the_workshop_and_offers_both_ways_to_answer(
    visitor: VisitorFactory,
) -> None:
    page = await visitor().get("/s/pithiviers")
    assert page.status == 200
    assert "Atelier de Pithiviers" in page
    assert "5\u00a0juin\u00a02019" in page
    assert "Répondre ici" in page.text
    assert "http://127.0.0.1/chat?stage=pithiviers" in page.links()
    assert "https://t.me/surveybot_test_bot?start=pithiviers" in page.links()
    assert 'lang="fr"' in page.html


async def test_a_workshop_card_says_de_before_the_town_as_french_does(
    visitor: VisitorFactory,
) -> None:
    page = await visitor().get("/s/exemple_normandie")
    assert page.status == 200
    assert "Atelier d’Évreux (exemple)" in page


async def test_a_workshop_card_is_in_english_for_a_phone_in_english(
    visitor: VisitorFactory,
) -> None:
    english = visitor(headers={"accept-language": "en-GB,en;q=0.9,fr;q=0.5"})
    page = await english.get("/s/pithiviers")
    assert "Pithiviers workshop" in page
    assert "5\u00a0June\u00a02019" in page
    assert "Answer here" in page and "Open in Telegram" in page
    assert "Atelier" not in page.text
    assert 'lang="en"' in page.html


@pytest.mark.parametrize("bot_username", [None])
async def test_without_a_bot_name_the_card_offers_the_web_only(visitor: VisitorFactory) -> None:
    page = await visitor().get("/s/pithiviers")
    assert page.status == 200
    assert not [link for link in page.links() if "t.me" in link]
    assert "Telegram" not in " ".join([*page.labels(), page.text.split("Répondre ici")[1]])


async def test_an_unknown_workshop_is_404_with_the_list_of_workshops(
    visitor: VisitorFactory, peek: Peek
) -> None:
    page = await visitor().get("/s/nowhere")
    assert page.status == 404
    assert "Ce lien ne correspond à aucun atelier connu" in page.text
    for code in ("pithiviers", "exemple_normandie", "exemple_nord"):
        assert f"http://127.0.0.1/s/{code}" in page.links()
    assert "Pithiviers" in page.text and "Évreux" in page.text
    # Going on without a workshop is offered too.
    assert "http://127.0.0.1/chat" in page.links()
    assert counts(peek) == dict.fromkeys(PERSONAL, 0)


async def test_the_home_page_lists_the_workshops(visitor: VisitorFactory) -> None:
    page = await visitor().get("/")
    assert page.status == 200
    assert "Les ateliers" in page.text
    assert "http://127.0.0.1/s/pithiviers" in page.links()
    assert "Répondre sans atelier" in page.text
    # The made-up workshops of the bundled file say so, so nobody takes them for real ones.
    assert "Pithiviers" in page.text and "Pithiviers (exemple)" not in page.text
    assert "Évreux (exemple)" in page.text


async def test_an_unknown_path_is_a_kind_404(visitor: VisitorFactory) -> None:
    page = await visitor().get("/wp-admin/setup.php")
    assert page.status == 404
    assert page.response.headers["content-type"].startswith("text/html")
    assert "Cette page n’existe pas." in page.text
    assert "http://127.0.0.1/" in page.links()  # back to the start
    english = await visitor(headers={"accept-language": "en"}).get("/nowhere")
    assert english.status == 404 and "This page does not exist." in english.text


async def test_the_stylesheet_and_script_are_served(visitor: VisitorFactory) -> None:
    browser = visitor()
    page = await browser.get("/s/pithiviers")
    css = await browser.client.get("/static/chat.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "http://127.0.0.1/static/chat.css" in [a.get("href") for _, a in page.tags]
    for script in ("choices.js", "chat.js"):
        js = await browser.client.get(f"/static/{script}")
        assert js.status_code == 200
        assert "javascript" in js.headers["content-type"]
    # What the page loads is what the server serves.
    assert [s["src"] for s in page.scripts()] == [
        "http://127.0.0.1/static/choices.js",
        "http://127.0.0.1/static/chat.js",
    ]
    bundled = Path(__file__).parents[2] / "bot" / "web" / "static" / "chat.css"
    assert css.text == bundled.read_text(encoding="utf-8")


async def test_opening_the_chat_shows_the_welcome_and_notice_and_stores_nothing(
    visitor: VisitorFactory, peek: Peek
) -> None:
    before = peek.dump()
    browser = visitor()
    page = await browser.get("/chat?stage=pithiviers")
    assert page.status == 200
    assert (
        "Vos réponses seront rattachées à l’atelier de Pithiviers (5\u00a0juin\u00a02019)" in page
    )
    assert "1er tour de France de l’innovation dans les territoires d’industrie" in page
    assert "Information sur vos données" in page
    assert page.labels() == ["✅ J’accepte", "Je refuse", "English"]
    # No resume link yet: there is nothing to resume.
    assert "Reprendre plus tard" not in page
    # Reloading, twice, still stores nothing.
    await browser.get("/chat?stage=pithiviers")
    await browser.get("/chat")
    assert peek.dump() == before
    assert counts(peek) == dict.fromkeys(PERSONAL, 0)


async def test_the_cookie_is_http_only_and_same_site_and_secure_over_https(
    visitor: VisitorFactory,
) -> None:
    plain = await visitor().get("/chat")
    cookies = set_cookies(plain.response)
    assert set(cookies) == {"surveybot_id", "surveybot_lang"}
    for header in cookies.values():
        assert {"httponly", "samesite=lax"} <= attributes(header)
        # Plain http is a rehearsal on this machine: a Secure cookie would never come back.
        assert "secure" not in attributes(header)
    public = await visitor(base_url=PUBLIC).get("/chat")
    for header in set_cookies(public.response).values():
        assert {"httponly", "samesite=lax", "secure"} <= attributes(header)
    # The id is long and random: two browsers never share one.
    other = set_cookies((await visitor().get("/chat")).response)["surveybot_id"]
    assert other != cookies["surveybot_id"]
    assert len(other.split(";")[0].split("=", 1)[1]) == 32


async def test_a_known_browser_gets_no_new_cookie(visitor: VisitorFactory) -> None:
    browser = visitor()
    await browser.get("/chat")
    again = await browser.get("/chat")
    assert "surveybot_id" not in set_cookies(again.response)
    assert "surveybot_lang" not in set_cookies(again.response)


def security_headers_of(page: Page) -> None:
    headers = page.response.headers
    policy = headers["content-security-policy"]
    directives = {d.strip().split()[0]: d.strip() for d in policy.split(";") if d.strip()}
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["script-src"] == "script-src 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["default-src"] == "default-src 'self'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"  # resume links never sent to another site
    assert headers["x-frame-options"] == "DENY"


async def test_every_page_has_the_security_headers_and_personal_pages_are_never_cached(
    visitor: VisitorFactory,
) -> None:
    browser = visitor()
    opened = {
        "/": await browser.get("/"),
        "/s/pithiviers": await browser.get("/s/pithiviers"),
        "/s/nowhere": await browser.get("/s/nowhere"),
        "/nowhere": await browser.get("/nowhere"),
        "/mydata.json (unknown)": await visitor().get("/mydata.json"),
        "/chat": await browser.get("/chat?stage=pithiviers"),
    }
    opened["/chat (post)"] = await browser.press("J’accepte")
    opened["/r/..."] = await browser.get("/r/not-an-id", follow_redirects=False)
    opened["/static/chat.css"] = await browser.get("/static/chat.css")
    for where, page in opened.items():
        try:
            security_headers_of(page)
        except (AssertionError, KeyError) as error:
            raise AssertionError(f"{where}: {error!r}") from error
    for where in ("/chat", "/chat (post)", "/", "/s/pithiviers"):
        assert opened[where].response.headers["cache-control"] == "no-store", where
    # No inline script anywhere: the policy would refuse it, the page must not need it.
    for where, page in opened.items():
        if page.response.headers.get("content-type", "").startswith("text/html"):
            assert all("src" in script for script in page.scripts()), where
            handlers = [name for _, a in page.tags for name in a if name.startswith("on")]
            assert not handlers, where  # no onclick=… either
            assert "style=" not in page.html, where  # style-src 'self' refuses inline styles
    assert "no-store" not in opened["/static/chat.css"].response.headers.get("cache-control", "")


async def test_a_code_typed_from_a_poster_finds_its_workshop(visitor: VisitorFactory) -> None:
    browser = visitor()
    page = await browser.get("/s/PITHIVIERS")
    assert page.status == 200 and "Atelier de Pithiviers" in page
    assert "http://127.0.0.1/chat?stage=pithiviers" in page.links()
    slashed = await browser.get("/s/pithiviers/", follow_redirects=True)
    assert slashed.status == 200 and "Atelier de Pithiviers" in slashed

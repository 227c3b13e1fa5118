"""Behind a load balancer, a refused typed answer comes back in its field on whichever
instance serves the page after the redirect.

Two web chat applications, each with its own store and conversation, on one
database (a SQLite file, and PostgreSQL when it is installed), behind a
`Balancer` that sends every form post to instance A and every page to instance B:
what a person typed in a refused answer, kept by A, is shown by B, once, to them
only, and not after it has expired.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.http import RateLimit
from bot.web import WebChat, create_app
from bot.web.flash import FLASH_COOKIE, decode, encode
from conversation import Conversation, utc_now
from flows import Flow, StageDef
from storage import KEPT_FOR, open_store
from tests.conftest import Peek
from tests.support.postgres import PgPeek, refuse_inserts
from tests.web.conftest import LOCAL, SECRET, Patience, guard_of
from tests.web.driver import Page, Visitor, valid_answer
from tests.web.test_post_redirect_get import alerts, answered_up_to, field_value

LONG = "Notre société, fondée à Pithiviers, " + "fabrique des engrenages. " * 119 + "Fin."
LENGTH = f"{len(LONG):,}".replace(",", "\u202f")  # thousands apart, as French writes them
OVER = f"{len(LONG) - 120:,}".replace(",", "\u202f")
TOO_LONG = (
    f"Votre réponse fait {LENGTH} caractères\u00a0; la limite est de 120\u00a0: {OVER} de trop."
)
NOT_A_NUMBER = "Merci d’indiquer un nombre"


@dataclass
class Late:
    """The instances' clock: now, or later by `ahead` (to let a kept text expire)."""

    ahead: dt.timedelta = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return utc_now() + self.ahead


class Balancer(httpx.AsyncBaseTransport):
    """A load balancer without sticky sessions: posts go to `posts`, pages to `pages`."""

    def __init__(self, posts: Starlette, pages: Starlette, client: tuple[str, int]) -> None:
        self.posts = httpx.ASGITransport(app=posts, client=client)
        self.pages = httpx.ASGITransport(app=pages, client=client)
        self.served: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        post = request.method == "POST"
        self.served.append((request.method, "A" if post else "B"))
        return await (self.posts if post else self.pages).handle_async_request(request)


@dataclass
class Site:
    """Two instances on one database, and a way to open a browser on them."""

    clock: Late
    visitor: Callable[[], Visitor]
    balancers: list[Balancer]


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, db_path: Path) -> Path | str:
    """The database both instances use: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        return db_path
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def peek(shared: Path | str) -> Peek | PgPeek:
    """Reads what the instances committed, through a connection of its own."""
    return PgPeek(shared) if isinstance(shared, str) else Peek(shared)


@pytest.fixture
async def site(
    shared: Path | str, flow: Flow, stages: list[StageDef], bot_username: str | None
) -> AsyncIterator[Site]:
    clock = Late()
    addresses = (f"192.0.2.{n}" for n in itertools.count(1))
    balancers: list[Balancer] = []
    async with AsyncExitStack() as stack:
        apps = []
        for _ in "AB":
            store: Any = await open_store(shared)
            stack.push_async_callback(store.close)
            talk = Conversation(store, flow, stages, clock=clock)
            await talk.sync_with_files()
            app = create_app(WebChat(talk, SECRET, bot_username))
            guard_of(app, RateLimit).clock = Patience()
            apps.append(app)

        def visitor() -> Visitor:
            balancer = Balancer(apps[0], apps[1], (next(addresses), 50000))
            balancers.append(balancer)
            client = httpx.AsyncClient(transport=balancer, base_url=LOCAL)
            stack.push_async_callback(client.aclose)
            return Visitor(client)

        yield Site(clock, visitor, balancers)


def refused_on_b(page: Page, said: str) -> None:
    """`page` is instance B's, after a post to instance A refused, and says why once."""
    assert [hop.status_code for hop in page.response.history] == [303]
    assert said in page, page.text[:500]
    assert len(alerts(page)) == 1


async def test_a_refused_text_comes_back_in_its_field_on_the_other_instance(
    site: Site, flow: Flow, peek: Any
) -> None:
    ana = site.visitor()
    await answered_up_to(ana, flow, "company_name")
    page = await ana.type(LONG)
    assert site.balancers[0].served[-2:] == [("POST", "A"), ("GET", "B")]
    refused_on_b(page, TOO_LONG)
    assert field_value(page) == LONG  # there to shorten, not to type again
    assert peek.query("SELECT COUNT(*) FROM kept_texts") == [(0,)], "taken as it was shown"

    again = await ana.reload()
    assert TOO_LONG not in again and alerts(again) == []
    assert again.question is not None and again.question.step == "company_name"
    assert field_value(again) == ""

    # Shortened, it is taken; the next question's refusal comes back as typed too.
    page = await ana.type("ACME")
    for turn in itertools.count(1):
        if page.question is None or page.question.step == "year_founded":
            break
        button, changes = valid_answer(page.question, flow, turn)
        page = await ana.submit(page.question, button, **changes)
    page = await ana.type("douze")
    refused_on_b(page, NOT_A_NUMBER)
    assert field_value(page) == "douze"
    assert peek.query("SELECT question_id FROM answers WHERE question_id = 'company_name'") == [
        ("company_name",)
    ]


async def test_another_persons_or_a_forged_id_shows_nothing_and_takes_nothing(
    site: Site, flow: Flow
) -> None:
    ana, bob = site.visitor(), site.visitor()
    for person in (ana, bob):
        await answered_up_to(person, flow, "year_founded")
    form = ana._question()
    refused = await ana.post([*form.data(None), ("text", "douze")], follow_redirects=False)
    assert refused.status == 303
    anas = decode(refused.response.cookies[FLASH_COOKIE], SECRET, ana.cookies["surveybot_id"])
    assert anas is not None and anas.kept
    for kept in (anas.kept, "forged0forged0forged0"):
        # Ana's refusal, signed by the server for Bob (as if it had said so to him).
        flash = encode(dataclasses.replace(anas, kept=kept), SECRET, bob.cookies["surveybot_id"])
        bob.cookies.set(FLASH_COOKIE, flash, domain="127.0.0.1")
        page = await bob.get("/chat?stage=pithiviers")
        assert NOT_A_NUMBER in page and field_value(page) == "", kept
    # Ana's browser follows its redirect: her text is there still, for her.
    page = await ana.get(refused.response.headers["location"])
    assert NOT_A_NUMBER in page and field_value(page) == "douze"


async def test_an_expired_text_is_not_shown(site: Site, flow: Flow, peek: Any) -> None:
    ana = site.visitor()
    await answered_up_to(ana, flow, "year_founded")
    form = ana._question()
    refused = await ana.post([*form.data(None), ("text", "douze")], follow_redirects=False)
    assert peek.query("SELECT COUNT(*) FROM kept_texts") == [(1,)]
    # The browser took longer than the text waits (its cookie says otherwise: the server,
    # not the cookie, decides).
    site.clock.ahead = KEPT_FOR + dt.timedelta(seconds=1)
    page = await ana.get(refused.response.headers["location"])
    assert NOT_A_NUMBER in page
    assert field_value(page) == ""
    assert peek.query("SELECT COUNT(*) FROM kept_texts") == [(0,)]


async def test_a_text_the_database_cannot_keep_is_refused_all_the_same(
    site: Site, flow: Flow, peek: Any, caplog: pytest.LogCaptureFixture
) -> None:
    refuse_inserts(peek, "kept_texts", "database or disk is full")
    ana = site.visitor()
    await answered_up_to(ana, flow, "year_founded")
    page = await ana.type("douze")
    refused_on_b(page, NOT_A_NUMBER)
    assert field_value(page) == "", "the refusal is said; only the field comes back empty"
    assert "not kept for its page" in caplog.text
    page = await ana.type("1987")
    assert page.question is not None and page.question.step != "year_founded"

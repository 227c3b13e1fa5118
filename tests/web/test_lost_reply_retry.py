"""A retry after a lost reply that sends something else is a new answer, and is told so.

On a flaky phone connection the server took "Industrie" but its reply never came: the
page said "La connexion ne répond pas : réessayez." The person tapped "Services"
instead. Sent with the first form's delivery id, it was taken for the first one, already
applied: the next question came with no word, "Industrie" stored. Sent again otherwise,
a form gets an id of its own: the server says the question is no longer waiting, and
the person sees where they are. The same form sent again keeps its id: taken once. In a
real Chromium, on a short flow (fixtures/polish.yaml).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from tests.web.phone import Phone, Phones, Server, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()
from tests.web.polish import POLISH  # noqa: E402


@pytest.fixture
def served_flow() -> Path:
    return POLISH


def reply_lost_once(phone: Phone) -> None:
    """The next answer reaches the server, which applies it; its reply is lost on the way."""
    lost = {"done": False}

    def lose(route: Any, request: Any) -> None:
        if request.method == "POST" and not lost["done"]:
            lost["done"] = True
            route.fetch()  # the server reads it, and answers
            route.abort("internetdisconnected")
        else:
            route.continue_()

    phone.page.route("**/chat*", lose)


def tap_unanswered(phone: Phone, label: str) -> None:
    """Tap `label` and meet no reply: the page says so, the form stays to be sent again."""
    phone.pace.take(1)
    phone.page.get_by_role("button", name=label, exact=True).click()
    expect(phone.page.locator(".stalled")).to_contain_text("La connexion ne répond pas")
    phone.errors.clear()  # the lost reply's network error, which the page says itself


def at_sector(server: Server, phones: Phones) -> Phone:
    ana = phones()
    ana.open(f"{server.url}/chat")
    ana.type("Acme")
    expect(ana.page.locator("#waiting-text")).to_contain_text("Secteur")
    return ana


def industrie_unanswered(server: Server, phones: Phones) -> Phone:
    """A phone at the sector question whose tap on "Industrie" was applied, its reply lost."""
    ana = at_sector(server, phones)
    reply_lost_once(ana)
    tap_unanswered(ana, "Industrie")
    return ana


def test_another_answer_after_a_lost_reply_is_told_the_question_moved_on(
    server: Server, phones: Phones
) -> None:
    ana = industrie_unanswered(server, phones)
    page = ana.page

    ana.tap("Services")

    expect(page.locator("main")).to_contain_text("Ce bouton n’est plus actif")
    expect(page.locator("#waiting-text")).to_contain_text("Vos idées")
    ana.check_clean()


def test_the_same_answer_sent_again_after_a_lost_reply_is_taken_once(
    server: Server, phones: Phones
) -> None:
    ana = industrie_unanswered(server, phones)
    page = ana.page

    ana.tap("Industrie")

    expect(page.locator("#waiting-text")).to_contain_text("Vos idées")
    expect(page.locator("main")).not_to_contain_text("plus actif")
    ana.check_clean()


def test_a_footer_button_after_a_lost_reply_is_not_taken_for_the_answer(
    server: Server, phones: Phones
) -> None:
    """ "Mes données" pressed while "réessayez" shows: it has its form's own id, so it is a
    new request, answered, not the answer sent twice and dropped without a word."""
    ana = industrie_unanswered(server, phones)
    page = ana.page

    ana.tap("Mes données")

    expect(page.locator("main")).to_contain_text("Voici les données enregistrées vous concernant")
    ana.check_clean()

"""The database out of reach (PostgreSQL restarting, a disk full): a respondent gets a page of
the site saying to try again in a minute, in their language, not a bare "Internal Server
Error"; the log gets one line, not a traceback; and once it is back nothing is lost."""

from __future__ import annotations

import logging

import pytest

from storage import StorageError, Store
from tests.conftest import LoggedErrors
from tests.web.conftest import VisitorFactory
from tests.web.test_refusal_pages import ENGLISH, polite
from tests.web.test_security import agreed

DOWN = "cannot load a respondent's session: the server cannot be reached"


def database_down(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read of a session fails as it does when PostgreSQL stops (or SQLite's disk)."""

    async def unreachable(*args: object, **kwargs: object) -> None:
        raise StorageError(DOWN)

    monkeypatch.setattr(store, "load_session", unreachable)


async def test_an_answer_sent_while_the_database_is_down_is_a_page_saying_to_try_again(
    visitor: VisitorFactory,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    logged_errors: LoggedErrors,
    caplog: pytest.LogCaptureFixture,
) -> None:
    logged_errors.expect("the web chat could not use the database")
    ana = visitor()
    page = await agreed(ana)
    assert page.question is not None
    database_down(store, monkeypatch)

    with caplog.at_level(logging.ERROR):
        refused = await ana.submit(page.question, text="Exemple Industries")

    shown = polite(
        refused.response, 503, "fr", "Service momentanément indisponible", "réessayez dans une"
    )
    assert refused.response.headers["retry-after"] == "30"
    assert shown.links()[-1] == "http://127.0.0.1/chat?stage=pithiviers"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == [f"the web chat could not use the database: {DOWN}"]
    assert errors[0].exc_info is None, "one line in the log, not a traceback"

    monkeypatch.undo()  # the database is back: "Réessayer" finds the question, unanswered
    again = await ana.get(shown.links()[-1])
    assert again.question is not None and again.question.step == "company_name"
    done = await ana.submit(again.question, text="Exemple Industries")
    assert done.question is not None and done.question.step != "company_name"


async def test_a_first_visit_while_the_database_is_down_is_told_in_english_too(
    visitor: VisitorFactory,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    logged_errors: LoggedErrors,
) -> None:
    logged_errors.expect("the web chat could not use the database")
    database_down(store, monkeypatch)

    refused = await visitor(headers=ENGLISH).client.get("/chat?stage=pithiviers")

    polite(refused, 503, "en", "Temporarily unavailable", "try again in a minute", "Try again")

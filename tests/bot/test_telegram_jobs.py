"""Organiser work as background jobs: acknowledged at once, never in a respondent's way, durable.

The real application and handlers, the Bot API faked at the HTTP boundary, a
real SQLite file; a restart is a new application on the same file, as a new
process would be.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.telegram import BotApplication, organiser, organiser_export, running
from bot.telegram.background import MAX_STARTS, organiser_jobs
from flows import Flow
from storage import SurveyStore
from tests.conftest import LoggedErrors
from tests.support.fake_bot_api import ChatMessage, FakeBotAPI, Person, Updates
from tests.support.organiser_jobs import ask_and_wait
from tests.support.sqlite import open_sqlite

ORGANISER = 900_001
PersonFactory = Callable[..., Person]
AppFactory = Callable[[FakeBotAPI], BotApplication]
NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


@pytest.fixture
def admins() -> frozenset[int]:
    """The organiser, for the shared `make_app` (tests/bot/conftest.py)."""
    return frozenset({ORGANISER})


def jobs_in(db_path: Path) -> list[tuple[str, str, int]]:
    """(kind, status, attempts) of every job, read from the file as another process would."""
    with open_sqlite(f"{db_path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT kind, status, attempts FROM jobs ORDER BY id").fetchall()
    return [(kind, status, int(attempts)) for kind, status, attempts in rows]


def documents(chat: list[ChatMessage]) -> list[str]:
    return [m.attachment[0] for m in chat if m.attachment is not None]


async def test_export_is_acknowledged_at_once_and_the_files_follow(
    person: PersonFactory, app: BotApplication, db_path: Path
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    boss = person(ORGANISER)

    await boss.send("/export")
    # The handler has returned: the organiser is told, the files come from the background.
    assert boss.last_text == "Export en cours\u00a0: vous recevrez le fichier ici."
    await organiser_jobs(app).idle()

    names = documents(boss.chat)
    assert len(names) == 2
    assert names[0].startswith("reponses_") and names[1].startswith("codebook_")
    assert jobs_in(db_path) == [("export", "done", 1)]


async def test_a_respondent_is_answered_while_an_export_runs(
    person: PersonFactory,
    app: BotApplication,
    answers_of: Callable[[int], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An export that runs until the test lets it go: as slow as a huge database's.
    release = asyncio.Event()
    real_export = organiser_export.export_in_another_process

    async def slow_export(*args: Any) -> Any:
        await release.wait()
        return await real_export(*args)

    monkeypatch.setattr(organiser_export, "export_in_another_process", slow_export)
    await person(700_000_300).send("/start pithiviers")  # something to export
    boss = person(ORGANISER, language_code="en")
    await boss.send("/export")
    assert boss.last_text == "Export in progress: you will get the file here."

    ana = person()
    try:
        async with asyncio.timeout(10):
            await ana.send("/start pithiviers")
            await ana.tap("Continuer ▶")
            await ana.send("ACME")
            await ana.send("12")
            await ana.tap("Industrie")
        assert documents(boss.chat) == [], "the export is still running"
        assert set(answers_of(ana.user_id)) >= {"company", "staff", "sector"}
    finally:
        release.set()  # else the application's stop would wait for the export for ever
    await organiser_jobs(app).idle()
    assert len(documents(boss.chat)) == 2


async def test_an_export_interrupted_by_a_restart_is_finished_and_the_organiser_told(
    api: FakeBotAPI, make_app: AppFactory, tmp_path: Path
) -> None:
    db_path = tmp_path / "survey.sqlite3"
    first = make_app(api)
    async with running(first, db_path) as store:
        updates = Updates(first, api)
        await Person(updates, 42).send("/start pithiviers")
        # What a process killed mid-export leaves: the job recorded, started, not ended.
        await interrupted_job(store, "export", {"stage": "pithiviers", "personal": False})
        last_update_id = updates.next_id()

    api_again = api.reconnected()
    second = make_app(api_again)
    async with running(second, db_path):
        boss = Person(Updates(second, api_again, first_update_id=last_update_id + 1), ORGANISER)
        await until(lambda: len(documents(boss.chat)) == 2)

    texts = [m.text for m in boss.chat]
    assert texts[0] == (
        "L’export interrompu par un redémarrage reprend\u00a0: vous recevrez le fichier ici."
    )
    assert documents(boss.chat)[0].startswith("reponses_pithiviers_")
    assert jobs_in(db_path) == [("export", "done", 2)]


async def test_a_job_that_keeps_being_interrupted_is_given_up_with_a_word(
    api: FakeBotAPI, make_app: AppFactory, tmp_path: Path, logged_errors: LoggedErrors
) -> None:
    logged_errors.expect(r"gave up organiser job \d+ \(export\) after 3 start")
    db_path = tmp_path / "survey.sqlite3"
    first = make_app(api)
    async with running(first, db_path) as store:
        await interrupted_job(store, "export", {}, starts=MAX_STARTS)

    api_again = api.reconnected()
    second = make_app(api_again)
    async with running(second, db_path):
        await until(lambda: bool(api_again.chat(ORGANISER)))
        await organiser_jobs(second).idle()

    chat = api_again.chat(ORGANISER)
    assert chat[0].text.startswith("Une demande interrompue plusieurs fois")
    assert "surveybot export --excel" in chat[0].text
    assert documents(chat) == []
    assert jobs_in(db_path) == [("export", "failed", MAX_STARTS + 1)]


async def test_an_export_command_delivered_twice_is_one_export(
    person: PersonFactory, updates: Updates, app: BotApplication, db_path: Path
) -> None:
    await person().send("/start pithiviers")  # something to export
    boss = person(ORGANISER)
    command = boss.message_update("/export")
    # Telegram sends an update again when the bot stopped before confirming it.
    await updates.feed(command)
    await updates.feed(command)
    await organiser_jobs(app).idle()

    assert jobs_in(db_path) == [("export", "done", 1)]
    assert len(documents(boss.chat)) == 2


@pytest.mark.parametrize(
    "command", ["/export", "/stats", "/links", "/qr", "/help", "/export atlantis"]
)
async def test_an_organiser_command_delivered_twice_is_answered_once(
    person: PersonFactory, updates: Updates, command: str
) -> None:
    """Nothing to export, the figures, the links, a usage: each said once, not per delivery."""
    boss = person(ORGANISER)
    update = boss.message_update(command)
    await updates.feed(update)
    said = [m.text for m in boss.chat]
    assert said
    await updates.feed(update)  # the same update_id again: Telegram's at-least-once delivery
    assert [m.text for m in boss.chat] == said


async def test_a_redelivered_export_not_marked_handled_is_still_one_job(
    person: PersonFactory,
    updates: Updates,
    app: BotApplication,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bot stopped after recording the job, before marking the update handled: the
    job's own update id still makes the redelivery no second export."""
    await person().send("/start pithiviers")  # something to export
    store = app.bot_data.conversation.store

    async def lost(update_id: int, *, now: dt.datetime) -> None:
        """The mark that never landed."""

    monkeypatch.setattr(store, "mark_handled", lost)
    boss = person(ORGANISER)
    command = boss.message_update("/export")
    await updates.feed(command)
    await organiser_jobs(app).idle()
    await updates.feed(command)
    await organiser_jobs(app).idle()

    assert jobs_in(db_path) == [("export", "done", 1)]
    assert len(documents(boss.chat)) == 2
    assert [m.text for m in boss.chat if m.attachment is None] == [
        "Export en cours\u00a0: vous recevrez le fichier ici."
    ]


async def test_an_export_asked_twice_while_it_runs_is_made_once(
    person: PersonFactory, updates: Updates, app: BotApplication, db_path: Path
) -> None:
    await person().send("/start pithiviers")  # something to export
    boss = person(ORGANISER)
    # A double tap on the menu's /export: two messages, two updates, in one batch.
    await updates.feed(boss.message_update("/export"), boss.message_update("/export"))
    await organiser_jobs(app).idle()

    assert jobs_in(db_path) == [("export", "done", 1)]
    assert len(documents(boss.chat)) == 2, "one file and its codebook, not two of each"
    texts = [m.text for m in boss.chat if m.attachment is None]
    assert texts == [
        "Export en cours\u00a0: vous recevrez le fichier ici.",
        "Cet export est déjà en préparation\u00a0: son fichier arrive ici dans un instant.",
    ]

    await ask_and_wait(boss, "/export")  # once the first is done, a new one is made
    assert len(documents(boss.chat)) == 4


async def test_stats_on_a_big_database_are_a_job_too(
    person: PersonFactory, app: BotApplication, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(organiser, "STATS_IN_BACKGROUND", 0)
    await person().send("/start pithiviers")
    boss = person(ORGANISER)

    await ask_and_wait(boss, "/stats")

    texts = [m.text for m in boss.chat]
    assert texts[0] == "Calcul des statistiques en cours\u00a0: vous les recevrez ici."
    assert texts[1].startswith("Réponses au ") and "1\u00a0commencée ·" in texts[1]
    assert jobs_in(db_path) == [("stats", "done", 1)]


async def test_an_unknown_workshop_is_said_and_no_job_recorded(
    person: PersonFactory, db_path: Path
) -> None:
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export atlantis")
    assert boss.last_text.startswith(
        "Atelier «\u00a0atlantis\u00a0» inconnu. Ateliers\u00a0: pithiviers,"
    )
    assert jobs_in(db_path) == []


async def interrupted_job(
    store: SurveyStore, kind: str, args: dict[str, Any], *, starts: int = 1
) -> None:
    job = await store.add_job(kind=kind, chat_id=str(ORGANISER), language="fr", args=args, now=NOW)
    assert job is not None
    for _ in range(starts):
        await store.start_job(job.id, now=NOW)


async def until(condition: Callable[[], bool], timeout: float = 30) -> None:
    """Wait for something the bot does in the background."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)

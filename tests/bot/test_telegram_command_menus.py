"""The command menus set at start-up: the respondents' for every private chat, and each
organiser's (SURVEYBOT_ADMINS) in their own chat, with the organiser commands too.

Read at the Bot API boundary: which `setMyCommands` calls the bot makes, with which
scope, language and commands; and that an organiser Telegram does not know yet ("chat
not found") neither stops the bot nor costs the other organisers their menu.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from flows import Flow
from tests.support.bot_api_server import BotAPIServer
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import FakeBotAPI, Person, Updates

ABSENT = 900_001
"""An organiser who never opened the bot: Telegram answers "chat not found" for their chat."""
PRESENT = 900_002
PersonFactory = Callable[..., Person]
UNKNOWN = "Je ne connais pas cette commande. /help pour l’aide."
RESPONDENT_MENU_FR = ["start", "back", "skip", "restart", "language", "mydata", "delete", "help"]
ORGANISER_ONLY = ["stats", "links", "qr", "export"]


@dataclass
class TelegramWithAbsentChats(FakeBotAPI):
    """A fake Bot API where some chats do not exist yet, as for someone who never wrote."""

    absent: set[int] = field(default_factory=set)

    def _setMyCommands(self, params: dict[str, Any]) -> tuple[int, bytes]:
        if _scope(params).get("chat_id") in self.absent:
            refusal = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
            return 400, json.dumps(refusal).encode()
        return 200, json.dumps({"ok": True, "result": True}).encode()


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


@pytest.fixture
def api() -> FakeBotAPI:
    return TelegramWithAbsentChats(absent={ABSENT})


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ABSENT, PRESENT})


@pytest.fixture(autouse=True)
def info_logs(caplog: pytest.LogCaptureFixture) -> None:
    """From the start-up on: what is said of each organiser is said at info."""
    caplog.set_level(logging.INFO)


def _scope(params: dict[str, Any]) -> dict[str, Any]:
    scope = params.get("scope") or {}
    return dict(scope) if isinstance(scope, dict) else {}


Menu = tuple[str, int | None, str | None]
"""(scope type, the scope's chat, language) of one setMyCommands call."""


def menus_set(calls: list[tuple[str, dict[str, Any]]]) -> dict[Menu, list[tuple[str, str]]]:
    """Each menu Telegram accepted: its scope and language -> its commands, (command,
    description). (Telegram refuses any for the `ABSENT` organiser's chat.)"""
    menus: dict[Menu, list[tuple[str, str]]] = {}
    for method, params in calls:
        if method != "setMyCommands" or _scope(params).get("chat_id") == ABSENT:
            continue
        scope = _scope(params)
        key = (scope.get("type", ""), scope.get("chat_id"), params.get("language_code"))
        menus[key] = [(c["command"], c["description"]) for c in params["commands"]]
    return menus


def in_process_calls(api: FakeBotAPI) -> list[tuple[str, dict[str, Any]]]:
    return [(c.method, c.params) for c in api.calls]


async def test_each_organiser_gets_the_organiser_commands_in_french_and_english(
    api: FakeBotAPI, store: object
) -> None:
    menus = menus_set(in_process_calls(api))

    # Respondents: every private chat, in French, English, and French for the rest.
    for lang in ("fr", "en", None):
        assert [c for c, _ in menus[("all_private_chats", None, lang)]] == RESPONDENT_MENU_FR
    # The organiser Telegram knows: the organiser commands first, then the respondents'.
    french = menus[("chat", PRESENT, "fr")]
    assert french[:4] == [
        ("stats", "Réponses par atelier, taux, médiane, aujourd’hui"),
        ("links", "Les liens d’invitation"),
        ("qr", "Le QR code d’un atelier, à montrer ou imprimer"),
        (
            "export",
            "Les réponses dans un classeur Excel (en CSV si l’export est très gros), "
            "et le codebook",
        ),
    ]
    assert french[4:] == menus[("all_private_chats", None, "fr")]
    assert menus[("chat", PRESENT, None)] == french
    english = menus[("chat", PRESENT, "en")]
    assert english[0] == ("stats", "Responses per workshop, rate, median, today")
    assert english[4:] == menus[("all_private_chats", None, "en")]
    # The respondents' menu goes first: an organiser's failing cannot keep it from being set.
    methods = [(m, _scope(p).get("type")) for m, p in in_process_calls(api) if m == "setMyCommands"]
    assert methods[:3] == [("setMyCommands", "all_private_chats")] * 3


async def test_the_organiser_menu_lists_exactly_the_commands_only_organisers_reach(
    api: FakeBotAPI, person: PersonFactory
) -> None:
    """Its extra commands answer an organiser, are unknown to anyone else, and are those
    the organiser's /help lists: none offered that does not work, none working left out."""
    menus = menus_set(in_process_calls(api))
    extra = [c for c, _ in menus[("chat", PRESENT, "fr")] if c not in RESPONDENT_MENU_FR]
    organiser, ana = person(PRESENT), person(12_345)
    await organiser.send("/help")
    help_lines = "\n".join(m.text for m in organiser.chat)

    for command in extra:
        assert f"/{command}" in help_lines
        sent = len(organiser.chat)
        await organiser.send(f"/{command}")
        assert organiser.chat[sent:] and organiser.chat[-1].text != UNKNOWN, command
        await ana.send(f"/{command}")
        assert ana.last_text == UNKNOWN
    named = {line.split()[0][1:] for line in help_lines.splitlines() if line.startswith("/")}
    assert named - set(RESPONDENT_MENU_FR) - {"aide"} == set(extra)


async def test_an_organiser_who_never_opened_the_bot_is_logged_politely_and_skipped(
    api: FakeBotAPI, updates: Updates, caplog: pytest.LogCaptureFixture
) -> None:
    # Sorted, the organiser Telegram does not know comes first: the other still gets theirs.
    menus = menus_set(in_process_calls(api))
    assert {lang for scope, chat, lang in menus if chat == PRESENT} == {"fr", "en", None}
    tried = [p for m, p in in_process_calls(api) if _scope(p).get("chat_id") == ABSENT]
    assert len(tried) == 1  # one refusal is enough: no use trying the other languages

    started = caplog.get_records("setup")  # the bot started before the test (`updates`)
    said = [r for r in started if str(ABSENT) in r.getMessage()]
    assert len(said) == 1
    assert said[0].levelno == logging.INFO and said[0].exc_info is None
    assert "\n" not in said[0].getMessage()
    assert "has not opened a chat with the bot yet" in said[0].getMessage()
    assert not [r for r in started if r.levelno >= logging.ERROR]

    # The bot answers: a respondent, and both organisers.
    ana = Person(updates, 4242)
    await ana.send("/start")
    assert "Bienvenue" in ana.last_text  # the questionnaire begins
    for organiser_id in (ABSENT, PRESENT):
        organiser = Person(updates, organiser_id)
        await organiser.send("/links")
        assert organiser.chat and organiser.last_text != UNKNOWN


async def test_an_organiser_who_opens_the_bot_after_the_start_gets_their_menu_then(
    api: TelegramWithAbsentChats, updates: Updates, caplog: pytest.LogCaptureFixture
) -> None:
    await Person(updates, 4242).send("/start")  # a respondent sets nothing
    calls = len(api.calls)

    api.absent.clear()  # they open the bot: Telegram knows their chat from now on
    organiser = Person(updates, ABSENT)
    await organiser.send("/start")
    assert "Bienvenue" in organiser.last_text  # answered as usual, the menu beside it
    await asyncio.sleep(0.05)  # the menu is set beside the reply, not before it
    theirs = [
        (params.get("language_code"), [c["command"] for c in params["commands"]])
        for method, params in in_process_calls(api)[calls:]
        if method == "setMyCommands" and _scope(params).get("chat_id") == ABSENT
    ]
    present = menus_set(in_process_calls(api))[("chat", PRESENT, "fr")]
    assert theirs == [(lang, [c for c, _ in present]) for lang in ("fr", "en", None)]

    calls = len(api.calls)
    await organiser.send("/help")
    await asyncio.sleep(0.05)
    assert "setMyCommands" not in [c.method for c in api.calls[calls:]], "once is enough"
    said = [r.getMessage() for r in caplog.records if str(ABSENT) in r.getMessage()]
    assert said[-1] == f"organiser {ABSENT} wrote to the bot: their command menu is set"


# --- the real `surveybot run` process ----------------------------------------------------


def test_surveybot_run_sets_the_menus_and_answers_despite_an_unknown_organiser_chat(
    tmp_path: Path,
) -> None:
    with BotAPIServer() as server:
        state = server.state
        answer = state.call
        refused: list[dict[str, Any]] = []

        def call(method: str, params: dict[str, Any]) -> tuple[int, Any]:
            if method == "setMyCommands" and _scope(params).get("chat_id") == ABSENT:
                refused.append(params)
                return 400, "Bad Request: chat not found"
            return answer(method, params)

        state.call = call  # type: ignore[method-assign]
        bot = BotProcess(server, tmp_path / "survey.sqlite3", token="77:menus")
        bot.launch({"SURVEYBOT_ADMINS": f"{ABSENT},{PRESENT}"})
        try:
            state.user_text(PRESENT, "/links")
            state.user_text(4242, "/start")
            state.wait_for(lambda: bool(state.chat(PRESENT)) and bool(state.chat(4242)))
            with state.lock:
                menus = menus_set(list(state.calls))
        finally:
            log = bot.stop()

    assert [c for c, _ in menus[("chat", PRESENT, "en")]] == ORGANISER_ONLY + RESPONDENT_MENU_FR
    assert {key for key in menus if key[1] is None} == {
        ("all_private_chats", None, lang) for lang in ("fr", "en", None)
    }
    assert len(refused) == 1  # one refusal is enough: no use trying the other languages
    assert "invitation" in state.chat(PRESENT)[-1]["text"].lower()  # /links answered
    assert "Traceback" not in log
    mentioned = [line for line in log.splitlines() if str(ABSENT) in line]
    assert len(mentioned) == 1 and "has not opened a chat with the bot yet" in mentioned[0]


async def test_a_menu_telegram_refuses_when_the_organiser_writes_is_not_said_to_be_set(
    api: TelegramWithAbsentChats, updates: Updates, caplog: pytest.LogCaptureFixture
) -> None:
    refusal = {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: BOT_COMMAND_INVALID",
    }
    api._setMyCommands = lambda params: (400, json.dumps(refusal).encode())  # type: ignore[method-assign]
    organiser = Person(updates, ABSENT)
    await organiser.send("/start")
    await asyncio.sleep(0.05)
    assert "Bienvenue" in organiser.last_text  # answered all the same
    said = [r for r in caplog.records if str(ABSENT) in r.getMessage()]
    assert said[-1].levelno == logging.WARNING
    assert "refused organiser" in said[-1].getMessage()
    assert not [r for r in said if "is set" in r.getMessage()]


class TestMenusRefusedByFloodControl:
    """Telegram's flood control on setMyCommands (a bot restarted many times in a row):
    the menus are a comfort, and their refusal, whatever it is, does not stop the start."""

    @pytest.fixture
    def api(self) -> FakeBotAPI:
        api = FakeBotAPI()
        api.fail("setMyCommands", 429, "Too Many Requests: retry after 30", retry_after=30)
        return api

    # python-telegram-bot's own warning as it builds its RetryAfter from Telegram's answer.
    @pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
    async def test_the_bot_starts_without_its_menus_and_answers(
        self, updates: Updates, caplog: pytest.LogCaptureFixture
    ) -> None:
        started = [r.getMessage() for r in caplog.get_records("setup")]
        assert (
            "could not register the command menu: Flood control exceeded. Retry in 30 seconds"
            in started
        )

        ana = Person(updates, 4242)
        await ana.send("/start")
        assert "Bienvenue" in ana.last_text

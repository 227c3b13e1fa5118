"""The command menus are set in the languages the bot's questionnaires are in.

An English-only survey (tests/support/one_language.py, its stages called "meetups"):
its respondents whose app is in French, or in any other language, get the English menu
its messages are in, not a French one; its organisers' menu is English too and says
"meetup"; /language, which has nothing to change to, is not offered; and a French menu
an earlier run left at Telegram is deleted. The bundled tour's menus, in French and
English, are tests/bot/test_telegram_command_menus.py's.

The real application, the Bot API faked at the HTTP boundary, a real SQLite file.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from flows import Flow, StageDef, load_flow, load_stages
from tests.support.fake_bot_api import FakeBotAPI, Person
from tests.support.one_language import write_flow, write_stages

ORGANISER = 900_001
LATER = 900_002
"""An organiser Telegram does not know at the start: their menu is set as they first write."""
PersonFactory = Callable[..., Person]
ENGLISH_MENU = [
    ("start", "Start or resume the questionnaire"),
    ("back", "Go back to the previous question"),
    ("skip", "Skip an optional question"),
    ("restart", "Start again from the beginning"),
    ("mydata", "See the data stored about me"),
    ("delete", "Erase my answers"),
    ("help", "Help"),
]


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    return load_flow(write_flow(tmp_path, "en"))


@pytest.fixture
def stages(tmp_path: Path) -> list[StageDef]:
    return load_stages(write_stages(tmp_path))


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ORGANISER})


def _menus(api: FakeBotAPI, method: str = "setMyCommands") -> dict[Any, list[tuple[str, str]]]:
    """(scope type, chat, language) -> the commands of each `method` call."""
    found = {}
    for call in api.calls_to(method):
        scope = dict(call.params.get("scope") or {})
        key = (scope.get("type"), scope.get("chat_id"), call.params.get("language_code"))
        found[key] = [(c["command"], c["description"]) for c in call.params.get("commands", [])]
    return found


async def test_an_english_only_survey_sets_english_menus_for_every_app_language(
    api: FakeBotAPI, store: object
) -> None:
    menus = _menus(api)
    assert set(menus) == {
        ("all_private_chats", None, "en"),
        ("all_private_chats", None, None),  # French apps, German apps…: the survey's English
        ("chat", ORGANISER, "en"),
        ("chat", ORGANISER, None),
    }
    for lang in ("en", None):
        assert menus[("all_private_chats", None, lang)] == ENGLISH_MENU
        organiser = menus[("chat", ORGANISER, lang)]
        assert organiser[:4] == [
            ("stats", "Responses per meetup, rate, median, today"),
            ("links", "The invitation links"),
            ("qr", "A meetup's QR code, to show or print"),
            (
                "export",
                "The responses as an Excel workbook (a CSV when the export is very big), "
                "and the codebook",
            ),
        ]
        assert organiser[4:] == ENGLISH_MENU
    # A French menu Telegram kept from an earlier run (the bundled tour's) goes.
    assert set(_menus(api, "deleteMyCommands")) == {
        ("all_private_chats", None, "fr"),
        ("chat", ORGANISER, "fr"),
    }


class TestAnOrganiserWhoWritesLater:
    @pytest.fixture
    def admins(self) -> frozenset[int]:
        return frozenset({ORGANISER, LATER})

    @pytest.fixture
    def api(self) -> FakeBotAPI:
        return TelegramWithoutTheirChat()

    async def test_gets_the_english_menu_when_they_first_write(
        self, api: TelegramWithoutTheirChat, person: PersonFactory
    ) -> None:
        api.known = True  # they open the bot: Telegram knows their chat from now on
        before = len(api.calls)
        await person(LATER, language_code="fr").send("/start")
        await asyncio.sleep(0.05)  # set beside the reply
        theirs = [
            (
                c.method,
                c.params.get("language_code"),
                [d["description"] for d in c.params.get("commands", [])],
            )
            for c in api.calls[before:]
            if c.method.endswith("MyCommands")
        ]
        organiser = [
            "Responses per meetup, rate, median, today",
            "The invitation links",
            "A meetup's QR code, to show or print",
        ]
        assert [(method, lang, said[:3]) for method, lang, said in theirs] == [
            ("setMyCommands", "en", organiser),
            ("setMyCommands", None, organiser),
            ("deleteMyCommands", "fr", []),
        ]


@dataclass
class TelegramWithoutTheirChat(FakeBotAPI):
    """Telegram before `LATER` opens the bot: "chat not found" for their chat."""

    known: bool = False

    def _setMyCommands(self, params: dict[str, Any]) -> tuple[int, bytes]:
        if dict(params.get("scope") or {}).get("chat_id") == LATER and not self.known:
            refusal = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
            return 400, json.dumps(refusal).encode()
        return 200, json.dumps({"ok": True, "result": True}).encode()

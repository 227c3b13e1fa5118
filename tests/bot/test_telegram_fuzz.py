"""Adversarial input: hypothesis drives the real Telegram application with what people throw at it.

One `Application`, on one SQLite file, serves every example: building and starting
one per example would cost more than the examples themselves. Each example is a
short script of updates from a few people, fed through the update queue in random
order and sometimes several at once: random and huge text (control characters,
right-to-left marks, zero-width joiners, emoji, HTML and Markdown specials),
commands with junk arguments, taps on the buttons on screen, replays of old taps,
forged button data, stickers, edits, group chats, updates without a user,
redelivered updates and a bot blocked mid-update. Half the moves follow the happy
path, so people get deep into the questionnaire; some people are new in every
example, the "regulars" keep their state from one example to the next, so the
fuzz also reaches finished responses, revisions, restarts and erasures.

After every example: no error reached the error handler or the logs, nobody read
a traceback or the apology for one, every tap was answered exactly once, every
message was one Telegram accepts (valid HTML, at most 4096 characters, button
data that decodes) and the database is consistent: every stored answer is valid
for its question, its question is shown, the answers are exactly what the stored
state says counts, and nothing is stored without consent.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from telegram.error import Forbidden

from bot.telegram import BotApplication, build_application, organiser_export, running
from bot.telegram.callback_data import MAX_BYTES, BadButton, decode
from bot.telegram.context import BotContext
from bot.telegram.keyboards import page_of
from bot.telegram.odd_input import Pastes
from bot.telegram.words import tg
from conversation import Intent
from flows import (
    Flow,
    ResponseState,
    StageDef,
    effective_answers,
    other_texts,
    pending_choice,
    prompt,
    visible_steps,
)
from flows.model import CodeStep, EmailStep, InfoStep, NumberStep
from flows.typed_text import clean_text
from flows.values import check_value
from tests.support.fake_bot_api import TOKEN, ChatMessage, FakeBotAPI, Person, Updates

EXAMPLES = 2000
ADMIN = 4_001
# People who keep their state across examples, with the language their Telegram app is in.
REGULARS = {ADMIN: "fr", 4_002: "en", 4_003: None, 4_004: "pt-BR"}
FRESH_PER_EXAMPLE = 1
# Messages the test makes up (a forged tap on a message that never existed) have ids from here.
MADE_UP = 10**9
APOLOGIES = tuple(tg("tg_error", lang) for lang in ("fr", "en"))
COMMANDS = [
    "start",
    "help",
    "aide",
    "back",
    "retour",
    "skip",
    "passer",
    "restart",
    "recommencer",
    "language",
    "langue",
    "mydata",
    "mes_donnees",
    "delete",
    "supprimer",
    "START",
    "start@surveybot_test_bot",
    "start@someone_else_bot",
    "nope",
    "s",
]
# Answered for the organiser only; anyone else gets what an unknown command gets.
ORGANISER_COMMANDS = ["stats", "links", "qr", "export", "qr@surveybot_test_bot"]


# --- what a person can do: plain data, drawn by hypothesis ----------------------------


@dataclass(frozen=True)
class Say:
    """Type a message."""

    text: str


@dataclass(frozen=True)
class Command:
    text: str


@dataclass(frozen=True)
class Happy:
    """What a cooperative person does next, given the question on screen."""

    pick: int


@dataclass(frozen=True)
class TapLive:
    """Tap a button of a message that shows buttons now."""

    message: int
    button: int


@dataclass(frozen=True)
class TapOld:
    """Tap a button that was offered once, on the message it was on (now perhaps edited)."""

    pick: int


@dataclass(frozen=True)
class Forge:
    """A tap with button data this bot never wrote, on a real, made-up or missing message."""

    data: str
    on: str


@dataclass(frozen=True)
class ForgeCurrent:
    """Well-formed data about the question on screen, with any action and value."""

    action: str
    value: str
    seq_shift: int
    on: str


@dataclass(frozen=True)
class Attachment:
    kind: str


@dataclass(frozen=True)
class NoUser:
    """A message without a sender: an anonymous one, or a channel post."""

    text: str
    channel: bool


@dataclass(frozen=True)
class Edit:
    """An edit of an earlier message: not an answer."""

    text: str


@dataclass(frozen=True)
class InGroup:
    """A message in a group, or a tap on a message in a group."""

    text: str
    tap: bool


@dataclass(frozen=True)
class Redeliver:
    """An update Telegram delivers a second time (same update id)."""

    pick: int


@dataclass(frozen=True)
class Blocked:
    """The person blocks the bot while `then` is being handled, and unblocks it afterwards."""

    then: Say | Happy | TapLive


Act = (
    Say
    | Command
    | Happy
    | TapLive
    | TapOld
    | Forge
    | ForgeCurrent
    | Attachment
    | NoUser
    | Edit
    | InGroup
    | Redeliver
    | Blocked
)


@dataclass(frozen=True)
class Move:
    who: int
    act: Act
    together: bool
    """Fed in the same batch as the previous move: handled concurrently, or in order per person."""


# --- strategies -------------------------------------------------------------------------

ATTACHMENTS: dict[str, dict[str, Any]] = {
    "sticker": {
        "sticker": {
            "file_id": "s",
            "file_unique_id": "s",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    },
    "photo": {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
    "location": {"location": {"latitude": 48.17, "longitude": 2.25}},
    "contact": {"contact": {"phone_number": "+33600000000", "first_name": "Ana"}},
    "voice": {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}},
}


NASTY = [
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200d",  # zero-width joiner
    "\u200b",
    "\ufeff",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\x7f",
    "\u2028",
    "👩‍👩‍👧",
    "🇫🇷",
    "e\u0301",
    "ﷺ",
    "<b>&amp;*_[]()~`>#+-=|{}.!",
    "<b>",
    "</b>",
    "<a href='x'>",
    "<i>",
    "&",
    "&lt;",
    "&#0;",
    "&#x110000;",
    "*gras*",
    "_",
    "`",
    "\\",
    "{company_name}",
    "%s",
    "{0}",
    "Traceback",
    " ",
    "\u00a0",
]
WORDS = [
    "oui",
    "non",
    "Oui",
    "NON",
    "nsp",
    "?",
    "1",
    "2",
    "3",
    "10",
    "0",
    "-1",
    "1987",
    "1 987",
    "3,5",
    "12.5",
    "1e9",
    "nan",
    "inf",
    "99999999999999999999999999999999",
    "Agroalimentaire",
    "autre",
    "Autre secteur",
    "ana@example.org",
    "pithiviers",
    "Acme",
]

piece = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.sampled_from(NASTY),
    st.sampled_from(WORDS),
)
short_text = st.lists(piece, max_size=6).map("".join)
huge_text = st.tuples(st.sampled_from(NASTY + WORDS), st.integers(300, 10_000)).map(
    lambda p: (p[0] * (p[1] // len(p[0]) + 1))[: p[1]]
)


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, by weight (one_of() weighs each the same, and merges repeats)."""
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


any_text = weighted((4, short_text), (1, huge_text))


def _command_text(name: str, sep: str, args: str) -> str:
    return f"/{name}{sep}{args}" if args else f"/{name}"


def commands(stage_codes: list[str]) -> st.SearchStrategy[Command]:
    args = st.one_of(
        st.just(""),
        st.sampled_from([*stage_codes, "PITHIVIERS", "x", "../../etc/passwd", "a" * 65, "de"]),
        short_text,
        huge_text,
    )
    sep = st.sampled_from([" ", "  ", "\n", "\u00a0", "\t"])
    names = weighted((3, st.sampled_from(COMMANDS)), (1, st.sampled_from(ORGANISER_COMMANDS)))
    return st.builds(_command_text, names, sep, args).map(Command)


def _truncate_bytes(text: str, limit: int = MAX_BYTES) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


FORGED_ON = ["live", "made_up", "none"]


def _codes(flow: Flow) -> set[str]:
    """Every answer code of the flow, and those the engine adds."""
    return {c.code for s in flow.steps() for c in getattr(s, "choices", ())} | {
        "other",
        "dont_know",
        "yes",
        "no",
    }


def forged_data(flow: Flow, stage_codes: list[str]) -> st.SearchStrategy[str]:
    steps = [s.id for s in flow.steps()]
    codes = sorted(_codes(flow))
    actions = [a.value for a in Intent]
    part = st.one_of(st.text(max_size=6), st.sampled_from(["", "0", "1", "99", "²", "-1", "1.0"]))
    shaped = st.builds(
        "|".join,
        st.tuples(
            st.one_of(st.sampled_from(actions), part),
            st.one_of(st.integers(0, 60).map(str), part),
            st.one_of(st.sampled_from(["", *steps]), part),
            st.one_of(st.sampled_from(["", "fr", "en", "de", *codes, *stage_codes, *steps]), part),
        ),
    )
    return weighted(
        (1, st.text(max_size=64)),
        (1, st.binary(max_size=64).map(lambda b: b.decode("latin-1"))),
        (2, shaped),
        (1, st.sampled_from(["c|99|nope|zz", "", "|||", "z|0||", "x|0||", "a|0||", "d|0||"])),
    ).map(_truncate_bytes)


def moves(flow: Flow, stage_codes: list[str]) -> st.SearchStrategy[list[Move]]:
    happy = st.builds(Happy, st.integers(0, 2**16))
    command = commands(stage_codes)
    acts: st.SearchStrategy[Act] = weighted(
        # The happy path weighs about half, so people get deep into the questionnaire.
        (20, happy),
        (4, st.builds(TapLive, st.integers(0, 50), st.integers(0, 50))),
        (4, st.builds(Say, any_text)),
        (4, command),
        (2, st.builds(TapOld, st.integers(0, 2**16))),
        (2, st.builds(Forge, forged_data(flow, stage_codes), st.sampled_from(FORGED_ON))),
        (
            2,
            st.builds(
                ForgeCurrent,
                st.sampled_from([a.value for a in Intent]),
                st.sampled_from(sorted(_codes(flow) | {"0", "5", "11", "", "zz"})),
                st.sampled_from([0, 0, 0, -1, 1]),
                st.sampled_from(["live", "live", "old", "made_up"]),
            ),
        ),
        (1, st.builds(Attachment, st.sampled_from(sorted(ATTACHMENTS)))),
        (1, st.builds(NoUser, any_text, st.booleans())),
        (1, st.builds(Edit, st.one_of(any_text, command.map(lambda c: c.text)))),
        (1, st.builds(InGroup, st.one_of(any_text, command.map(lambda c: c.text)), st.booleans())),
        (1, st.builds(Redeliver, st.integers(0, 2**16))),
        (1, st.builds(Blocked, st.one_of(happy, st.builds(Say, short_text)))),
    )
    people = FRESH_PER_EXAMPLE + len(REGULARS)
    move = st.builds(
        Move, st.integers(0, people - 1), acts, st.sampled_from([False, False, False, True])
    )
    return st.lists(move, min_size=1, max_size=3)


# --- the fake Bot API, recording what it answered ---------------------------------------


@dataclass
class RecordingAPI(FakeBotAPI):
    """The fake Bot API, also keeping its answer to each call and every button ever offered."""

    outcomes: list[tuple[int, str]] = field(default_factory=list)
    offered: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    with_buttons: dict[int, dict[int, ChatMessage]] = field(default_factory=dict)
    """By chat, the messages given buttons since they were last seen without (a short list)."""
    told: list[str] = field(default_factory=list)
    """Each call in a line, for the report of a failing example."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: Any = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, request_data)
        answer = json.loads(body)
        self.outcomes.append((status, str(answer.get("description", ""))))
        result = answer.get("result")
        call = self.calls[-1]
        self.told.append(_tell(call.params, call.method, status, result))
        if status == 200 and isinstance(result, dict) and "reply_markup" in result:
            buttons = [b for row in result["reply_markup"]["inline_keyboard"] for b in row]
            chat_id, message_id = int(result["chat"]["id"]), int(result["message_id"])
            self.offered.setdefault(chat_id, []).extend(
                (message_id, str(b["callback_data"])) for b in buttons
            )
            self.with_buttons.setdefault(chat_id, {})[message_id] = self.messages[
                (chat_id, message_id)
            ]
        return status, body

    def live(self, chat_id: int) -> list[ChatMessage]:
        """The chat's messages showing buttons now, oldest first (without reading the whole chat)."""
        shown = self.with_buttons.get(chat_id, {})
        for message_id in [i for i, m in shown.items() if not m.keyboard]:
            del shown[message_id]
        return sorted(shown.values(), key=lambda m: m.message_id)


# --- the players ------------------------------------------------------------------------


@dataclass
class Player:
    user_id: int
    language_code: str | None
    fed: list[dict[str, Any]] = field(default_factory=list)
    """Every update fed for this person, for redeliveries."""

    @property
    def user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": "Ana"}
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user

    @property
    def private_chat(self) -> dict[str, Any]:
        return {"id": self.user_id, "type": "private", "first_name": "Ana"}

    @property
    def group_chat(self) -> dict[str, Any]:
        return {"id": -self.user_id, "type": "group", "title": "Atelier <b>&"}


@dataclass(frozen=True)
class Stored:
    """A person's latest response as stored."""

    state: ResponseState
    prompt_message_id: int | None
    language: str


class Fuzz:
    """Plays examples against the running application and checks what they left behind."""

    def __init__(
        self,
        app: BotApplication,
        api: RecordingAPI,
        flow: Flow,
        stage_codes: list[str],
        db: sqlite3.Connection,
    ) -> None:
        self.app, self.api, self.flow, self.db = app, api, flow, db
        self.stage_codes = stage_codes
        self.updates = Updates(app, api)
        self.regulars = [Player(uid, lang) for uid, lang in REGULARS.items()]
        self.fresh_ids = itertools.count(5_000_000)
        self.made_up_ids = itertools.count(MADE_UP)
        self.errors: list[BaseException] = []
        self.logged = _Failures()
        self.first_failure = ""
        self.checked_calls = 0
        self.examples = 0
        self.updates_fed = 0
        self.reached: set[str] = set()
        self.completed: set[int] = set()

    # playing

    def cast(self, language_codes: Iterator[str | None]) -> list[Player]:
        fresh = [
            Player(next(self.fresh_ids), next(language_codes)) for _ in range(FRESH_PER_EXAMPLE)
        ]
        return fresh + self.regulars

    async def play(self, script: list[Move]) -> None:
        """Feed the script, then check; a failure tells the whole example, as fed."""
        self.transcript: list[str] = []
        try:
            await self._play(script)
        except AssertionError as error:
            told = "\n".join(self.transcript)
            failure = f"{error}\n--- the example, as fed:\n{told}"
            # Hypothesis replays a failing example, on a state it has changed since: the
            # first report is the one to read.
            self.first_failure = self.first_failure or failure
            raise AssertionError(failure) from None

    async def _play(self, script: list[Move]) -> None:
        self.examples += 1
        # The app sends a paste's pieces back to back: none spans two examples, which follow
        # each other within the seconds that would make a regular's long text the rest of
        # the last example's (told once, then said nothing of: no reply to count).
        self.app.bot_data.pastes = Pastes()
        languages = itertools.cycle(["fr", "en", None, "de-CH", "EN"][self.examples % 5 :])
        players = self.cast(languages)
        involved: set[int] = set()
        pending: list[dict[str, Any]] = []
        queries: set[str] = set()
        redelivered: set[str] = set()
        spoken: set[int] = set()
        for move in script:
            player = players[move.who]
            involved.add(player.user_id)
            if not move.together and pending:
                await self.feed(pending)
                pending = []
            if isinstance(move.act, Blocked):
                await self.feed(pending)
                pending = []
                await self.blocked(player, move.act, queries)
                continue
            for payload in self.resolve(player, move.act, pending):
                self.transcript.append(f"{player.user_id}: {_describe(payload)}")
                query = payload.get("callback_query")
                if query is not None:
                    target = redelivered if isinstance(move.act, Redeliver) else queries
                    target.add(query["id"])
                pending.append(payload)
                if not isinstance(move.act, Redeliver):
                    player.fed.append(payload)
                    spoken |= _private_messages(payload)
        await self.feed(pending)
        self.check_calls(queries - redelivered, redelivered, spoken)
        for user_id in involved:
            self.check_store(user_id)

    async def feed(self, payloads: list[dict[str, Any]]) -> None:
        if payloads:
            self.transcript.append(f"  ... {len(payloads)} fed together; the bot:")
            self.updates_fed += len(payloads)
            before = len(self.api.told)
            try:
                await self.updates.feed(*payloads)
            finally:
                self.transcript += [f"      {line}" for line in self.api.told[before:]]

    async def blocked(self, player: Player, act: Blocked, queries: set[str]) -> None:
        payloads = self.resolve(player, act.then, [])
        for payload in payloads:
            self.transcript.append(f"{player.user_id} (blocks the bot): {_describe(payload)}")
            if "callback_query" in payload:
                queries.add(payload["callback_query"]["id"])
            player.fed.append(payload)
        self.api.blocked_chats.add(player.user_id)
        try:
            await self.feed([*payloads, self.member_update(player, "kicked")])
        finally:
            self.api.blocked_chats.discard(player.user_id)
        await self.feed([self.member_update(player, "member")])

    # building updates

    def resolve(self, p: Player, act: Act, pending: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if isinstance(act, Say):
            return [self.message(p, act.text)]
        if isinstance(act, Command):
            return [self.message(p, act.text)]
        if isinstance(act, Happy):
            return [self.happy(p, act)]
        if isinstance(act, TapLive):
            live = self.api.live(p.user_id)
            if not live:
                return [self.happy(p, Happy(act.button))]
            message = live[-1 - act.message % len(live)]
            buttons = message.buttons()
            return [self.tap(p, str(buttons[act.button % len(buttons)]["callback_data"]), message)]
        if isinstance(act, TapOld):
            offered = self.api.offered.get(p.user_id)
            if not offered:
                return [self.tap(p, "c|0|sector|agrifood", None)]
            message_id, data = offered[act.pick % len(offered)]
            return [self.tap(p, data, self.api.messages[(p.user_id, message_id)])]
        if isinstance(act, Forge):
            return [self.forged_tap(p, act)]
        if isinstance(act, ForgeCurrent):
            stored = self.latest(p)
            state = stored.state if stored else None
            step = state.current if state and state.current else "company_name"
            seq = max((state.seq if state else 0) + act.seq_shift, 0)
            data = _truncate_bytes(f"{act.action}|{seq}|{step}|{act.value}")
            offered = self.api.offered.get(p.user_id, [])
            if act.on == "old" and offered:
                message_id = offered[(seq + len(act.value)) % len(offered)][0]
                return [self.tap(p, data, self.api.messages[(p.user_id, message_id)])]
            if act.on == "made_up":
                return [self.tap(p, data, None, message_json=self.made_up(p, p.private_chat))]
            live = self.api.live(p.user_id)
            return [self.tap(p, data, live[-1] if live else None)]
        if isinstance(act, Attachment):
            return [self.message(p, None, **ATTACHMENTS[act.kind])]
        if isinstance(act, NoUser):
            if act.channel:
                chat = {"id": -1_000_000 - p.user_id, "type": "channel", "title": "Canal"}
                return [self.message(p, act.text, key="channel_post", chat=chat, sender=None)]
            return [self.message(p, act.text, sender=None)]
        if isinstance(act, Edit):
            return [self.message(p, act.text, key="edited_message", edit_date=int(time.time()))]
        if isinstance(act, InGroup):
            if act.tap:
                offered = self.api.offered.get(p.user_id) or [(0, "c|1|sector|agrifood")]
                data = offered[len(act.text) % len(offered)][1]
                message = self.made_up(p, p.group_chat)
                return [self.tap(p, data, None, message_json=message)]
            return [self.message(p, act.text, chat=p.group_chat)]
        assert isinstance(act, Redeliver)
        earlier = [u for u in p.fed if all(u["update_id"] != q["update_id"] for q in pending)]
        if not earlier:
            return []
        return [earlier[act.pick % len(earlier)]]

    def message(
        self,
        p: Player,
        text: str | None,
        *,
        key: str = "message",
        chat: dict[str, Any] | None = None,
        sender: Any = True,
        **extra: Any,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.updates.next_message_id(),
            "date": int(time.time()),
            "chat": chat or p.private_chat,
            **extra,
        }
        if sender:
            message["from"] = p.user
        if text:
            message["text"] = text
            entity = _command_entity(text)
            if entity is not None:
                message["entities"] = [entity]
        elif not extra:
            message["text"] = "…"
        return {"update_id": self.updates.next_id(), key: message}

    def tap(
        self,
        p: Player,
        data: str,
        message: ChatMessage | None,
        *,
        message_json: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        query: dict[str, Any] = {
            "id": f"q{self.updates.next_id()}",
            "from": p.user,
            "chat_instance": str(p.user_id),
            "data": data,
        }
        if message is not None:
            query["message"] = self.api.message_json(message)
        elif message_json is not None:
            query["message"] = message_json
        else:
            query["inline_message_id"] = "inline-1"
        return {"update_id": self.updates.next_id(), "callback_query": query}

    def made_up(self, p: Player, chat: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": next(self.made_up_ids),
            "date": int(time.time()),
            "chat": chat,
            "text": "?",
            "from": {"id": 7_000_000_001, "is_bot": True, "first_name": "Surveybot"},
        }

    def forged_tap(self, p: Player, act: Forge) -> dict[str, Any]:
        live = self.api.live(p.user_id)
        if act.on == "live" and live:
            return self.tap(p, act.data, live[-1])
        if act.on == "made_up":
            return self.tap(p, act.data, None, message_json=self.made_up(p, p.private_chat))
        return self.tap(p, act.data, None)

    def member_update(self, p: Player, status: str) -> dict[str, Any]:
        old = "member" if status == "kicked" else "kicked"
        bot = {"id": 7_000_000_001, "is_bot": True, "first_name": "Surveybot"}
        return {
            "update_id": self.updates.next_id(),
            "my_chat_member": {
                "chat": p.private_chat,
                "from": p.user,
                "date": int(time.time()),
                "old_chat_member": {"user": bot, "status": old, **_until(old)},
                "new_chat_member": {"user": bot, "status": status, **_until(status)},
            },
        }

    # the happy path

    def happy(self, p: Player, act: Happy) -> dict[str, Any]:
        """What a cooperative person does next: agree, answer what is asked, finish, revise."""
        live = self.api.live(p.user_id)
        stored = self.latest(p)
        if stored is None:
            for wanted in ("a|", "G|", "g|"):
                found = _button(live, wanted, act.pick)
                if found is not None and act.pick % 7:
                    return self.tap(p, found[1], found[0])
            stage = ["", " pithiviers", " PITHIVIERS", " nowhere"][act.pick % 4]
            return self.message(p, f"/start{stage}")
        state = stored.state
        if state.finished:
            # Change an answer (and so answer again), or now and then start over.
            for wanted in ("E|", "e|", "x|"):
                found = _button(live, wanted, act.pick)
                if found is not None and act.pick % 5:
                    return self.tap(p, found[1], found[0])
            return self.message(p, ["/start", "/restart", "/mydata", "/back"][act.pick % 4])
        self.reached.add(state.current or "")
        shown = prompt(self.flow, state, stored.language)
        message = self.api.messages.get((p.user_id, stored.prompt_message_id or -1))
        if shown is None or message is None:
            found = _button(live, "r|", act.pick)
            if found is not None:
                return self.tap(p, found[1], found[0])
            return self.message(p, "/start")
        buttons = [str(b["callback_data"]) for b in message.buttons()]
        controls = [d for d in buttons if d[0] in "bs"]
        if controls and act.pick % 20 == 0:
            return self.tap(p, controls[act.pick % len(controls)], message)
        confirm = [d for d in buttons if d[0] == "v"]
        if confirm and shown.selected and act.pick % 2 == 0:
            return self.tap(p, confirm[0], message)
        # Tick what is not ticked yet (and untick now and then), so a list gets done.
        answers = [
            d
            for d in buttons
            if d[0] in "ctnTU"
            and (d.rsplit("|", 1)[1].partition(".")[0] not in shown.selected or act.pick % 9 == 0)
        ]
        if answers and not shown.awaiting_other:
            return self.tap(p, answers[act.pick % len(answers)], message)
        return self.message(p, self.typed_answer(state, shown.awaiting_other, act))

    def typed_answer(self, state: ResponseState, awaiting_other: bool, act: Happy) -> str:
        """A valid typed answer; free texts carry the specials, to be stored and shown back."""
        step = self.flow.step(state.current or "")
        nasty = (
            f"{NASTY[act.pick % len(NASTY)]}Acme{NASTY[act.pick // 7 % len(NASTY)]} n°{act.pick}"
        )
        if isinstance(step, NumberStep) and not awaiting_other:
            low, high = int(step.min or 0), int(step.max or 10_000)
            return str(low + act.pick % (high - low + 1))
        if isinstance(step, EmailStep) and not awaiting_other:
            return f"ana.{act.pick}@example.org"
        if isinstance(step, CodeStep) and not awaiting_other:
            codes = list(step.codes)
            return codes[act.pick % len(codes)]
        return nasty

    # reading the database

    def latest(self, p: Player) -> Stored | None:
        row = self.db.execute(
            "SELECT r.state_json, r.prompt_message_id, r.language FROM responses r "
            "JOIN respondents p ON p.id = r.respondent_id "
            "WHERE p.channel = 'telegram' AND p.external_id = ? ORDER BY r.id DESC LIMIT 1",
            (str(p.user_id),),
        ).fetchone()
        if row is None:
            return None
        state = ResponseState.model_validate_json(row["state_json"])
        return Stored(state, row["prompt_message_id"], row["language"])

    # checking

    def check_calls(self, queries: set[str], redelivered: set[str], spoken: set[int]) -> None:
        """Every call since the last example was accepted, and reads well; every tap answered once,
        every private message replied to."""
        answered: dict[str, int] = {}
        replied: set[int] = set()
        calls = self.api.calls[self.checked_calls :]
        outcomes = self.api.outcomes[self.checked_calls :]
        self.checked_calls = len(self.api.calls)
        for call, (status, description) in zip(calls, outcomes, strict=True):
            params = call.params
            where = f"{call.method} {json.dumps(params, ensure_ascii=False, default=str)[:600]}"
            if call.method == "answerCallbackQuery":
                query_id = str(params["callback_query_id"])
                answered[query_id] = answered.get(query_id, 0) + 1
                assert len(str(params.get("text") or "")) <= 200, where
            if status != 200:
                assert _harmless(call.method, params, status, description, redelivered), (
                    f"Telegram refused {where}: {status} {description}"
                )
            text = str(params.get("text") or params.get("caption") or "")
            assert "Traceback (most recent call last)" not in text, where
            assert not any(apology in text for apology in APOLOGIES), where
            chat_id = params.get("chat_id")
            if call.method in ("sendMessage", "sendDocument", "sendPhoto"):
                replied.add(int(chat_id))
            if call.method == "sendMessage" and chat_id is not None and int(chat_id) < 0:
                assert "t.me/" in text, (
                    f"a group got more than a pointer to the private chat: {where}"
                )
            for data in _button_data(params.get("reply_markup")):
                assert len(data.encode("utf-8")) <= MAX_BYTES, where
                if page_of(data) is not None:
                    continue  # turns a long menu's page, in the Telegram layer
                try:
                    decode(data)
                except BadButton:
                    pytest.fail(f"the bot wrote button data it cannot read: {data!r} in {where}")
        for query_id in queries:
            assert answered.get(query_id, 0) == 1, (
                f"callback query {query_id} answered {answered.get(query_id, 0)} times"
            )
        assert spoken <= replied, f"no reply at all in chats {sorted(spoken - replied)}"
        errors, self.errors = self.errors, []
        assert not errors, f"errors reached the error handler: {errors!r}"
        logged, self.logged.records = self.logged.records, []
        assert not logged, f"errors were logged: {logged}"

    def check_store(self, user_id: int) -> None:
        """The person's responses and answers agree with each other and with the flow."""
        flow = self.flow
        respondent = self.db.execute(
            "SELECT * FROM respondents WHERE channel = 'telegram' AND external_id = ?",
            (str(user_id),),
        ).fetchone()
        for refusal in self.db.execute("SELECT * FROM consent_refusals"):
            assert refusal["consent_version"] == flow.consent_version, dict(refusal)
        if respondent is None:
            return
        assert respondent["language"] in (None, *flow.languages), dict(respondent)
        responses = self.db.execute(
            "SELECT * FROM responses WHERE respondent_id = ?", (respondent["id"],)
        ).fetchall()
        # A person is written with their response, when they agree: never one without.
        assert len(responses) == 1, f"{user_id} counts {len(responses)} times"
        for response in responses:
            answers = self.db.execute(
                "SELECT * FROM answers WHERE response_id = ?", (response["id"],)
            ).fetchall()
            row = {k: response[k] for k in ("status", "current_step", "prompt_message_id")}
            stored = {a["question_id"]: (a["value_json"], a["other_text"]) for a in answers}
            context = f"{user_id}: {row}\nstate: {response['state_json']}\nanswers: {stored}"
            try:
                self.check_response(user_id, response, answers)
            except AssertionError as error:
                raise AssertionError(f"{error}\n{context}") from None

    def check_response(
        self, user_id: int, response: sqlite3.Row, answers: list[sqlite3.Row]
    ) -> None:
        flow = self.flow
        # Responses only begin once the notice is agreed to: nothing without consent.
        assert response["consent_version"] == flow.consent_version, "stored without consent"
        assert response["flow_id"] == flow.id and response["flow_version"] == flow.version
        assert response["language"] in flow.languages
        state = ResponseState.model_validate_json(response["state_json"])
        assert response["current_step"] == state.current, "current_step differs from the state"
        status = response["status"]
        if state.finished:
            assert status == "completed", "finished but not completed"
            self.completed.add(response["id"])
        if status == "completed":
            # Possibly with a question open: changing an answer keeps a response completed,
            # even when the change opens a question (conversation/progress.py).
            assert response["completed_at"] is not None
        else:
            assert status == "in_progress", status
        shown = {step.id for step in visible_steps(flow, state)}
        if state.current is not None:
            assert state.current in shown, "the question on screen is hidden"
        if state.awaiting_other and state.current is not None:
            picked = pending_choice(flow.step(state.current), state)
            assert "other" in (picked if isinstance(picked, list) else [picked])
        counted = effective_answers(flow, state)
        others = other_texts(flow, state)
        stored = {a["question_id"]: (json.loads(a["value_json"]), a["other_text"]) for a in answers}
        assert stored == {q: (v, others.get(q)) for q, v in counted.items()}, (
            "the answers table is not what the state counts"
        )
        for answer in answers:
            question = answer["question_id"]
            step = flow.step(question)
            assert question in shown and not isinstance(step, InfoStep)
            value = json.loads(answer["value_json"])
            checked = check_value(flow, step, value, response["language"])
            assert checked == value, f"{question}: {value!r} is not valid ({checked!r})"
            assert (answer["flow_id"], answer["flow_version"]) == (flow.id, flow.version)
            assert answer["stage_code"] == response["stage_code"], question
        for question, value in state.answers.items():
            checked = check_value(flow, flow.step(question), value, response["language"])
            assert checked == value, f"state: {question}: {value!r} is not valid ({checked!r})"
        for question, text in state.others.items():
            assert 0 < len(text) <= 200 and clean_text(text) == text, (question, text)
        if response["prompt_message_id"] is not None:
            message = self.api.messages.get((user_id, response["prompt_message_id"]))
            assert message is not None and message.from_bot, "the live question is not in the chat"
        # One question is live at a time: no other message offers working answer buttons.
        live = {
            m.message_id
            for m in self.api.live(user_id)
            if any(_answers_now(str(b["callback_data"]), state) for b in m.buttons())
        }
        assert live <= {response["prompt_message_id"]}, f"live buttons on messages {live}"

    def check_everything(self) -> None:
        """Once at the end: the whole file."""
        assert self.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert self.db.execute("PRAGMA foreign_key_check").fetchall() == []
        if self.flow.consent_version is not None:
            (unconsented,) = self.db.execute(
                "SELECT COUNT(*) FROM answers a JOIN responses r ON r.id = a.response_id "
                "WHERE r.consent_version IS NULL"
            ).fetchone()
            assert unconsented == 0


def _private_messages(payload: dict[str, Any]) -> set[int]:
    """The private chat of a new message from a person, which the bot must reply to."""
    message = payload.get("message")
    if message is None or "from" not in message or message["chat"]["type"] != "private":
        return set()
    return {int(message["chat"]["id"])}


def _answers_now(data: str, state: ResponseState) -> bool:
    """Whether a button would act on the question now waiting (not stale)."""
    try:
        button = decode(data)
    except BadButton:
        return False
    return button.step == state.current and button.seq == state.seq and not state.finished


def _until(status: str) -> dict[str, Any]:
    return {"until_date": 0} if status == "kicked" else {}


def _command_entity(text: str) -> dict[str, Any] | None:
    """The bot_command entity Telegram marks at the start of a message, if any."""
    if not text.startswith("/"):
        return None
    end = 1
    while end < len(text) and (text[end].isascii() and (text[end].isalnum() or text[end] in "_@")):
        end += 1
    return {"type": "bot_command", "offset": 0, "length": end} if end > 1 else None


def _button(messages: list[ChatMessage], prefix: str, pick: int) -> tuple[ChatMessage, str] | None:
    """A button whose data starts with `prefix`, on the latest message that has one."""
    for message in reversed(messages):
        datas = [str(b["callback_data"]) for b in message.buttons()]
        matching = [d for d in datas if d.startswith(prefix)]
        if matching:
            return message, matching[pick % len(matching)]
    return None


def _button_data(markup: Any) -> list[str]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not markup:
        return []
    return [str(b.get("callback_data")) for row in markup["inline_keyboard"] for b in row]


def _harmless(
    method: str, params: dict[str, Any], status: int, description: str, redelivered: set[str]
) -> bool:
    """Refusals the bot expects and handles: nothing to see, or nothing it could know."""
    if "message is not modified" in description:
        return True
    if status == 403:
        return True  # the person blocked the bot meanwhile (the test does that on purpose)
    if "message to edit not found" in description:
        return int(params.get("message_id", 0)) >= MADE_UP  # a message the test made up
    if method == "answerCallbackQuery":
        return str(params["callback_query_id"]) in redelivered
    return False


def _tell(params: dict[str, Any], method: str, status: int, result: Any) -> str:
    """A Bot API call in one line: where, what, and the buttons it left."""
    sent = result.get("message_id", "") if isinstance(result, dict) else ""
    message_id = params.get("message_id") or sent
    text = str(params.get("text") or params.get("callback_query_id") or "")
    data = _button_data(params.get("reply_markup"))
    return f"{method} {params.get('chat_id', '')}/{message_id} -> {status} {text!r:.60} {data[:6]}"


def _describe(payload: dict[str, Any]) -> str:
    kind = next(k for k in payload if k != "update_id")
    body = payload[kind]
    shown = body.get("text") if kind != "callback_query" else body.get("data")
    return f"#{payload['update_id']} {kind} {shown!r:.120}"


# --- the test ----------------------------------------------------------------------------

# The organiser's commands are rare in random scripts; these run first, every time.
ORGANISER = FRESH_PER_EXAMPLE + list(REGULARS).index(ADMIN)
ORGANISER_AT_WORK = [
    Move(ORGANISER, Command(text), together=False)
    for text in ("/stats", "/links", "/qr PITHIVIERS", "/qr <b>&", "/export", "/export pithiviers")
]
NOT_THE_ORGANISER = [Move(0, Command(f"/{name} x"), together=True) for name in ORGANISER_COMMANDS]


@contextlib.contextmanager
def scratch_dir(tmp_path: Path) -> Iterator[Path]:
    """A RAM-backed directory when there is one: the fuzz is about input, not fsync."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm, prefix="surveybot-fuzz-") as name:
            yield Path(name)
    else:
        yield tmp_path


async def export_in_thread(db: Path, flow: Flow, options: Any, names: Any, asked: Any) -> Any:
    """The organiser's export, in a thread: a process pool per /export would eat the budget."""
    from bot.telegram.delivery import UPLOAD_LIMIT
    from bot.telegram.export_worker import WORKBOOK_ANSWERS, export_for_chat

    made = functools.partial(
        export_for_chat,
        db,
        flow,
        options,
        names,
        UPLOAD_LIMIT,
        asked=asked.format,
        workbook_answers=WORKBOOK_ANSWERS,
    )
    return await asyncio.to_thread(made)


def test_adversarial_updates_leave_the_bot_answering_and_the_database_consistent(
    flow: Flow,
    stages: list[StageDef],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(organiser_export, "export_in_another_process", export_in_thread)
    stage_codes = [s.code for s in stages]
    api = RecordingAPI()
    app = build_application(
        token=TOKEN,
        flow=flow,
        stages=stages,
        request=api,
        rate_limit=False,
        admins=frozenset({ADMIN}),
    )
    started = time.perf_counter()
    with (
        scratch_dir(tmp_path) as directory,
        asyncio.Runner() as runner,
        contextlib.ExitStack() as cleanup,
    ):
        running_app = running(app, directory / "fuzz.sqlite3")
        runner.run(running_app.__aenter__())
        cleanup.callback(lambda: runner.run(running_app.__aexit__(None, None, None)))
        db = sqlite3.connect(f"{(directory / 'fuzz.sqlite3').as_uri()}?mode=ro", uri=True)
        cleanup.callback(db.close)
        db.row_factory = sqlite3.Row
        fuzz = Fuzz(app, api, flow, stage_codes, db)
        logging.getLogger().addHandler(fuzz.logged)
        cleanup.callback(logging.getLogger().removeHandler, fuzz.logged)

        async def record_error(update: object, context: BotContext) -> None:
            if context.error is not None and not isinstance(context.error, Forbidden):
                fuzz.errors.append(context.error)

        app.add_error_handler(record_error)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            # Shrinking replays examples on a state that has moved on: it would mislead.
            phases=[Phase.explicit, Phase.generate],
            # Drawing the scripts is quick, but it shares a slow CI runner with the bot.
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(script=moves(flow, stage_codes))
        @example(script=ORGANISER_AT_WORK)
        @example(script=NOT_THE_ORGANISER)
        def fuzz_once(script: list[Move]) -> None:
            runner.run(fuzz.play(script))

        try:
            fuzz_once()
        except BaseException as error:
            if fuzz.first_failure:
                raise AssertionError(fuzz.first_failure) from error
            raise
        fuzz.check_everything()
    elapsed = time.perf_counter() - started
    print(
        f"\n{fuzz.examples} examples, {fuzz.updates_fed} updates in {elapsed:.1f} s; "
        f"{len(fuzz.reached)} steps reached, {len(fuzz.completed)} responses finished; "
        f"never reached: {sorted({s.id for s in flow.steps()} - fuzz.reached)}"
    )
    assert fuzz.examples >= EXAMPLES
    # The fuzz only means something if people get deep: nearly every question was on
    # screen, and someone finished. If this fails, the happy path lost its way.
    steps = {s.id for s in flow.steps()}
    assert len(fuzz.reached) >= 0.9 * len(steps), sorted(steps - fuzz.reached)
    assert fuzz.completed, "nobody finished the questionnaire"
    assert api.calls_to("sendPhoto", ADMIN) and api.calls_to("sendDocument", ADMIN)


class _Failures(logging.Handler):
    """Error log lines from anywhere: an exception caught and logged is still a failure."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


# --- what the fuzz found ------------------------------------------------------------------

AGREE = "✅ J’accepte"
FORGED = "Ce bouton n’est pas reconnu."
GROUP_ID = -100_500
PersonFactory = Callable[..., Person]
Query = Callable[..., list[sqlite3.Row]]


def elsewhere(tap: dict[str, Any], where: str) -> dict[str, Any]:
    """The tap moved onto a message in a group, or onto an inline message (no chat at all)."""
    query = tap["callback_query"]
    if where == "group":
        chat = {"id": GROUP_ID, "type": "group", "title": "Club des dirigeants"}
        query["message"] = {"message_id": 77, "date": 0, "chat": chat, "text": "?"}
    else:
        del query["message"]
        query["inline_message_id"] = "inline-1"
    return tap


@pytest.mark.parametrize("where", ["group", "inline"])
async def test_a_button_tapped_outside_the_private_chat_is_forged_and_asks_nothing_there(
    person: PersonFactory, updates: Updates, api: FakeBotAPI, query: Query, where: str
) -> None:
    # The bot only puts buttons in private chats. A forged "J’accepte" on a group message
    # started the questionnaire and sent question 1 (with the company name piped in later
    # questions) to the group; a forged erase there erased the person's answers.
    ana = person()
    await ana.send("/start")
    await updates.feed(elsewhere(ana.tap_update(ana.data_of(AGREE)), where))

    assert ana.answers_to_queries()[-1].get("text") == FORGED
    assert api.chat(GROUP_ID) == []
    assert query("SELECT * FROM responses") == []

    await ana.tap(AGREE)
    await ana.send("Acme")
    await updates.feed(elsewhere(ana.tap_update("z|0||"), where))

    assert ana.answers_to_queries()[-1].get("text") == FORGED
    assert api.chat(GROUP_ID) == []
    assert [row["question_id"] for row in query("SELECT * FROM answers")] == ["company_name"]


async def test_a_tick_on_an_earlier_copy_of_the_question_updates_the_copy_on_screen(
    person: PersonFactory,
) -> None:
    # "Non, continuer" sends the question again and strips the earlier copy; a tick on that
    # copy, already on its way, was applied to it: the copy came back to life with the live
    # buttons, and the question on screen kept buttons that answered "no longer active".
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    for typed_or_tapped in ("Acme", "Agroalimentaire", "10 à 49", "Non", "Je ne sais pas", "45"):
        if typed_or_tapped in ana.last.labels():
            await ana.tap(typed_or_tapped)
        else:
            await ana.send(typed_or_tapped)
    await ana.tap("Dirigeant, gérant")
    await ana.send("1987")
    await ana.tap("Continuer ▶")
    earlier = ana.last
    tick = ana.data_of("Produit nouveau ou amélioré")
    await ana.send("/restart")
    await ana.tap("Non, continuer")
    on_screen = ana.last
    assert on_screen.message_id != earlier.message_id and earlier.keyboard is None

    await ana.tap_data(tick, message=earlier)

    assert ana.live_keyboards() == [on_screen]
    assert "✅ Produit nouveau ou amélioré" in on_screen.labels()
    assert "Valider (1)" in on_screen.labels()
    assert earlier.keyboard is None

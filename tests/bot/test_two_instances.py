"""Two real bot processes on one PostgreSQL database: `surveybot run --webhook-url` and
`surveybot serve --telegram-webhook`, the two ways to receive Telegram's webhook.

Many respondents answer a small questionnaire; each update is posted to one
instance or the other, sometimes the same update to both at once, sometimes
two of one respondent's updates at once to different instances (two typed
answers in a row, or a tap on a question and one on the next). Afterwards each
respondent has one response holding exactly their answers: none lost, none
doubled, none mixed with another input. Then the same with one instance killed
with SIGKILL mid-run, the updates it had not answered posted to the other, as
Telegram does when a webhook call fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.telegram.callback_data import encode
from conversation import Action, Intent
from tests.support.bot_api_server import BotAPIServer
from tests.support.postgres import PgPeek
from tests.support.webhook_instance import WebhookInstance

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")

TOKEN = "1234:two-instances"
SECRET = "two-instances-secret"
HOOK = "/hook"
CHOICES = ("a", "b", "c")
# q1 choice, q2-q3 text, q4 choice, q5-q6 text, q7-q8 choice: room for typed pairs and tap pairs.
KINDS = ("choice", "text", "text", "choice", "text", "text", "choice", "choice")
TYPED_PAIRS = ((2, 3), (5, 6))
"""Two typed answers of one person sent at once to the two instances: both apply, in turn."""
TAP_PAIR = (7, 8)
"""A tap on q7 and one on q8 sent at once: q8's is stale unless q7's went first; tapped again."""


def flow_yaml() -> str:
    steps = []
    for number, kind in enumerate(KINDS, start=1):
        if kind == "choice":
            choices = ", ".join(f"{{code: {c}, label: {{fr: {c.upper()}}}}}" for c in CHOICES)
            steps.append(
                f"      - {{id: q{number}, type: single_choice, text: {{fr: 'Q{number} ?'}}, "
                f"choices: [{choices}]}}"
            )
        else:
            steps.append(f"      - {{id: q{number}, type: text, text: {{fr: 'Q{number} ?'}}}}")
    return (
        "id: duo\nversion: 1\ntitle: {fr: Duo}\nlanguages: [fr]\nsections:\n"
        "  - id: all\n    title: {fr: Tout}\n    steps:\n" + "\n".join(steps) + "\n"
    )


@dataclass
class Script:
    """One respondent: their Telegram id and the answer they give to each question."""

    user: int
    answers: dict[str, str]

    def value(self, number: int) -> str:
        return self.answers[f"q{number}"]


def scripts(count: int, seed: int) -> list[Script]:
    rng = random.Random(seed)
    made = []
    for index in range(count):
        answers = {}
        for number, kind in enumerate(KINDS, start=1):
            if kind == "choice":
                answers[f"q{number}"] = rng.choice(CHOICES)
            else:
                answers[f"q{number}"] = f"r{index}-q{number}-{rng.randrange(10**6)}"
        made.append(Script(70_000 + index, answers))
    return made


@dataclass
class Updates:
    """Update ids and bodies, as Telegram would make them (ids unique, increasing)."""

    next_id: int = 1
    message_id: int = 1_000_000

    def _make(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self.next_id, **body}
        self.next_id += 1
        return update

    def text(self, user: int, text: str) -> dict[str, Any]:
        self.message_id += 1
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": {"id": user, "type": "private", "first_name": "T"},
            "from": {"id": user, "is_bot": False, "first_name": "T", "language_code": "fr"},
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
        return self._make({"message": message})

    def tap(self, user: int, number: int, seq: int, code: str, shown: int) -> dict[str, Any]:
        data = encode(Action(Intent.CHOOSE, seq=seq, step=f"q{number}", value=code))
        self.message_id += 1
        query = {
            "id": str(self.message_id),
            "from": {"id": user, "is_bot": False, "first_name": "T", "language_code": "fr"},
            "chat_instance": str(user),
            "data": data,
            # The message the buttons were under: one the fake Bot API knows, so edits work.
            "message": {
                "message_id": shown,
                "date": int(time.time()),
                "chat": {"id": user, "type": "private", "first_name": "T"},
                "text": "Q",
                "reply_markup": {"inline_keyboard": [[{"text": "Q", "callback_data": data}]]},
            },
        }
        return self._make({"callback_query": query})


COMMANDS = {"run": ["run"], "serve": ["serve", "--telegram-webhook"]}
"""The two ways to receive Telegram's webhook; the tests run one instance of each."""


class Instance(WebhookInstance):
    """One `surveybot run --webhook-url` (or `serve --telegram-webhook`) process on its own port."""

    def __init__(
        self, name: str, server: BotAPIServer, db: str, flow: Path, command: str = "run"
    ) -> None:
        env = {
            **os.environ,
            "SURVEYBOT_TOKEN": TOKEN,
            "SURVEYBOT_API_URL": server.url,
            "SURVEYBOT_DB": db,
            "SURVEYBOT_FLOW": str(flow),
            "SURVEYBOT_WEBHOOK_SECRET": SECRET,
            "SURVEYBOT_WEBHOOK_URL": f"https://bot.example.org{HOOK}",
            "SURVEYBOT_REMINDER_HOURS": "0",
        }
        super().__init__(env, COMMANDS[command], hook=HOOK, name=name)


class Sender:
    """Posts updates as Telegram would: again, to the other instance, when a call fails."""

    def __init__(self, instances: list[Instance], client: httpx.AsyncClient) -> None:
        self.instances = instances
        self.client = client
        self.dead: set[str] = set()
        self.reposted = 0

    async def post(self, update: dict[str, Any], to: int) -> None:
        order = [self.instances[to], self.instances[1 - to]]
        for instance in order:
            if instance.name in self.dead:
                continue
            try:
                reply = await self.client.post(
                    instance.url,
                    content=json.dumps(update),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
            except httpx.TransportError:
                self.reposted += 1
                continue  # killed: its unanswered updates go to the other instance
            assert reply.status_code == 200, (instance.name, reply.status_code, reply.text)
            return
        raise AssertionError(f"no instance took update {update['update_id']}")

    async def both(self, update: dict[str, Any]) -> None:
        await asyncio.gather(self.post(update, 0), self.post(update, 1))


async def play(script: Script, updates: Updates, sender: Sender, shown: int, side: int) -> None:
    """One respondent's whole questionnaire, spread over both instances."""
    user = script.user
    # The same /start to both at once: one response, whichever enrols first.
    await sender.both(updates.text(user, "/start"))
    number = 1
    while number <= len(KINDS):
        seq = number - 1  # each accepted answer bumps the state's sequence by one
        side = 1 - side
        if (number, number + 1) in TYPED_PAIRS:
            first = updates.text(user, script.value(number))
            second = updates.text(user, script.value(number + 1))
            await asyncio.gather(sender.post(first, side), sender.post(second, 1 - side))
            number += 2
        elif (number, number + 1) == TAP_PAIR:
            now = updates.tap(user, number, seq, script.value(number), shown)
            ahead = updates.tap(user, number + 1, seq + 1, script.value(number + 1), shown)
            await asyncio.gather(sender.post(now, side), sender.post(ahead, 1 - side))
            # Tapped again, as a person whose tap did nothing would: applied once either way.
            again = updates.tap(user, number + 1, seq + 1, script.value(number + 1), shown)
            await sender.post(again, side)
            number += 2
        elif number % 3 == 0 or user % 4 == 0:
            await sender.both(updates.tap(user, number, seq, script.value(number), shown))
            number += 1
        else:
            await sender.post(updates.tap(user, number, seq, script.value(number), shown), side)
            number += 1


async def run_all(
    scripts_: list[Script], instances: list[Instance], server: BotAPIServer, kill_after: int
) -> Sender:
    updates = Updates()
    # One message per respondent for taps to point at (the keyboard they tapped under).
    shown = {
        s.user: server.state._send({"chat_id": s.user, "text": "Q"})["message_id"] for s in scripts_
    }
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        sender = Sender(instances, client)
        gate = asyncio.Semaphore(24)
        done = 0

        async def one(script: Script, index: int) -> None:
            nonlocal done
            async with gate:
                await play(script, updates, sender, shown[script.user], index % 2)
                done += 1
                if done == kill_after:
                    victim = instances[1]
                    sender.dead.add(victim.name)
                    victim.kill()

        await asyncio.gather(*(one(script, i) for i, script in enumerate(scripts_)))
    return sender


@pytest.fixture
def server() -> Iterator[BotAPIServer]:
    with BotAPIServer() as running:
        yield running


@pytest.fixture
def two(server: BotAPIServer, postgres_url: str, tmp_path: Path) -> Iterator[list[Instance]]:
    flow = tmp_path / "duo.yaml"
    flow.write_text(flow_yaml(), encoding="utf-8")
    # One of each deployment: the bot alone, and the bot beside the web chat.
    started = [
        Instance(name, server, postgres_url, flow, command)
        for name, command in (("A", "run"), ("B", "serve"))
    ]
    try:
        for instance in started:
            instance.wait_ready()
        yield started
    finally:
        for instance in started:
            instance.stop()


def stored(url: str) -> dict[str, list[tuple[str, str]]]:
    """Each respondent's answers, by Telegram id: (question, value) in question order."""
    rows = PgPeek(url).query(
        "SELECT r.external_id, a.question_id, a.value_json FROM answers a "
        "JOIN responses s ON s.id = a.response_id JOIN respondents r ON r.id = s.respondent_id "
        "ORDER BY r.external_id, a.question_id"
    )
    found: dict[str, list[tuple[str, str]]] = {}
    for external_id, question, value in rows:
        found.setdefault(str(external_id), []).append((str(question), json.loads(value)))
    return found


def check(url: str, scripts_: list[Script]) -> None:
    responses = PgPeek(url).query(
        "SELECT r.external_id, COUNT(*), MIN(s.status) FROM responses s "
        "JOIN respondents r ON r.id = s.respondent_id GROUP BY r.external_id"
    )
    assert len(responses) == len(scripts_)
    assert {count for _, count, _ in responses} == {1}, "a person enrolled twice"
    assert {status for _, _, status in responses} == {"completed"}
    found = stored(url)
    lost = doubled = mixed = 0
    for script in scripts_:
        got = dict(found.get(str(script.user), []))
        want = dict(script.answers)
        for first, second in TYPED_PAIRS:
            # Sent at the same moment to two instances: both kept, one after the other.
            pair = {got.get(f"q{first}"), got.get(f"q{second}")}
            if pair == {want[f"q{first}"], want[f"q{second}"]}:
                got[f"q{first}"], got[f"q{second}"] = want[f"q{first}"], want[f"q{second}"]
        lost += len(set(want) - set(got))
        doubled += len(set(got) - set(want))
        mixed += sum(1 for q in want if q in got and got[q] != want[q])
    assert (lost, doubled, mixed) == (0, 0, 0)


def clean(errors: str) -> None:
    assert "Traceback" not in errors, errors
    assert " ERROR " not in errors and "error while handling" not in errors, errors


async def test_two_instances_apply_every_update_once_and_in_turn(
    two: list[Instance], server: BotAPIServer, postgres_url: str
) -> None:
    people = scripts(60, seed=1)
    started = time.monotonic()
    await run_all(people, two, server, kill_after=-1)
    took = time.monotonic() - started
    check(postgres_url, people)
    for instance in two:
        clean(instance.stop())
    print(f"{len(people)} respondents over two instances in {took:.1f} s")


async def test_one_instance_killed_mid_run_the_other_carries_on(
    two: list[Instance], server: BotAPIServer, postgres_url: str
) -> None:
    people = scripts(40, seed=2)
    sender = await run_all(people, two, server, kill_after=12)
    check(postgres_url, people)
    assert two[1].process is None  # killed while others were mid-questionnaire
    clean(two[0].stop())
    print(f"{sender.reposted} update(s) posted again to the surviving instance")

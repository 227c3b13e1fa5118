"""What answering costs in Bot API calls: the calls each kind of answer makes, none wasted.

A respondent walks the whole bundled questionnaire on the real application (the
engine, run alongside, says what each question is and which answer it takes).
Every answer makes exactly the calls the chat needs: the tap answered, the
question left edited into its transcript line, the next question sent. No call
is one Telegram finds pointless ("message is not modified"). Changing an answer
from the summary no longer removes the summary's buttons twice, and the chat
reads the same as it did when it did.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from telegram.request import RequestData

from bot.telegram.callback_data import encode
from bot.telegram.render import Renderer
from conversation import Action, Intent
from flows import (
    Flow,
    Kind,
    Outcome,
    ResponseState,
    acknowledge,
    answer_text,
    choose,
    confirm,
    prompt,
    start,
    toggle,
)
from tests.bot.test_telegram_flow import WHOLE
from tests.support.fake_bot_api import FakeBotAPI, Person

PersonFactory = Callable[..., Person]
AGREE = "✅ J’accepte"

TAP = ("answerCallbackQuery", "editMessageText", "sendMessage")
"""A choice tapped: the spinner stopped, the question edited to "✅ answer", the next one sent."""
TICK = ("answerCallbackQuery", "editMessageText")
"""A tick in a multiple choice, a rank given: the same question, edited in place."""
TYPED = ("editMessageText", "sendMessage")
"""A typed answer: no button to answer, the question edited, the next one sent."""
CONTINUE = ("answerCallbackQuery", "editMessageReplyMarkup", "sendMessage")
"""An information step read: its button removed (the text stays), the next step sent."""


@dataclass
class CountingAPI(FakeBotAPI):
    """The fake Bot API, also keeping the calls Telegram would refuse as changing nothing."""

    pointless: list[str] = field(default_factory=list)

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kw: Any
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, request_data, *args, **kw)
        if status != 200 and "not modified" in json.loads(body)["description"]:
            self.pointless.append(url.rsplit("/", 1)[-1])
        return status, body


@pytest.fixture
def api() -> CountingAPI:
    return CountingAPI()


@dataclass
class Walk:
    """One respondent answering the bundled flow; the calls each input made, by kind."""

    ana: Person
    flow: Flow
    turns: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    async def through(self) -> None:
        state = start(self.flow)
        while prompt(self.flow, state, "fr") is not None:
            before = len(self.ana.api.calls)
            kind, state = await self._answer(state)
            methods = tuple(call.method for call in self.ana.api.calls[before:])
            self.turns.append((kind, methods))

    async def _answer(self, state: ResponseState) -> tuple[str, ResponseState]:
        flow, shown = self.flow, prompt(self.flow, state, "fr")
        assert shown is not None
        if shown.kind == Kind.INFO:
            await self._tap(Action(Intent.NEXT, shown.seq, shown.step_id))
            return "continue", _accepted(acknowledge(flow, state, "fr"))
        if shown.awaiting_other:
            await self.ana.send("Autre précision")
            return "typed", _accepted(answer_text(flow, state, "Autre précision", "fr"))
        codes = [code for code, _ in shown.choices if code not in shown.exclusive]
        if shown.kind in (Kind.SINGLE_CHOICE, Kind.YES_NO, Kind.SCALE):
            await self._tap(Action(Intent.CHOOSE, shown.seq, shown.step_id, codes[0]))
            return "tap", _accepted(choose(flow, state, codes[0], "fr"))
        if shown.kind == Kind.MULTIPLE_CHOICE and not shown.selected:
            await self._tap(Action(Intent.TOGGLE, shown.seq, shown.step_id, codes[0]))
            return "tick", _accepted(toggle(flow, state, codes[0], "fr"))
        if shown.kind == Kind.MULTIPLE_CHOICE:
            await self._tap(Action(Intent.CONFIRM, shown.seq, shown.step_id))
            return "tap", _accepted(confirm(flow, state, "fr"))
        if shown.kind == Kind.RANKING:
            code = next(code for code in codes if code not in shown.selected)
            await self._tap(Action(Intent.TOGGLE, shown.seq, shown.step_id, code))
            last = len(shown.selected) + 1 == shown.needed
            return "tap" if last else "tick", _accepted(toggle(flow, state, code, "fr"))
        # Typed: the first of a few answers the engine accepts (a number, an e-mail, a code).
        step = flow.step(shown.step_id)
        number = str(int(getattr(step, "min", None) or 0) + 5)
        for text in (*codes, number, "ana@exemple.fr", "Réponse"):
            outcome = answer_text(flow, state, text, "fr")
            if outcome.accepted:
                await self.ana.send(text)
                return "typed", outcome.state
        raise AssertionError(f"no typed answer found for {shown.step_id}")

    async def _tap(self, action: Action) -> None:
        await self.ana.tap_data(encode(action))


def _accepted(outcome: Outcome) -> ResponseState:
    assert outcome.accepted, outcome.error
    return outcome.state


async def walked(person: PersonFactory, flow: Flow) -> Walk:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    walk = Walk(ana, flow)
    await walk.through()
    return walk


async def test_each_kind_of_answer_makes_only_the_calls_the_chat_needs(
    person: PersonFactory, flow: Flow, api: CountingAPI
) -> None:
    walk = await walked(person, flow)

    *answers, (last_kind, last) = walk.turns
    expected = {"tap": TAP, "tick": TICK, "typed": TYPED, "continue": CONTINUE}
    assert [methods for _, methods in answers] == [expected[kind] for kind, _ in answers]
    # The last answer: its question edited, then only new messages (the outro, the summary).
    edit = TAP[:2] if last_kind == "tap" else TYPED[:1]
    assert last[: len(edit)] == edit
    assert set(last[len(edit) :]) == {"sendMessage"}
    assert {kind for kind, _ in answers} >= {"tap", "tick", "typed"}
    assert api.pointless == []


def _as_seen(ana: Person) -> list[tuple[str, list[str]]]:
    """The chat as the person reads it now: each message's text and its buttons."""
    return [(message.text, message.labels()) for message in ana.chat]


async def _change_the_first_answer(walk: Walk) -> list[tuple[str, ...]]:
    """From the summary: "change an answer", the first question, a new answer typed."""
    ana, turns = walk.ana, []
    for step in ("✏️ Modifier une réponse", "1", "Nouvelle réponse"):
        before = len(ana.api.calls)
        await (ana.send(step) if step.startswith("Nouvelle") else ana.tap(step))
        turns.append(tuple(call.method for call in ana.api.calls[before:]))
    return turns


async def test_changing_an_answer_removes_the_summary_buttons_once_and_reads_the_same(
    person: PersonFactory, flow: Flow, api: CountingAPI
) -> None:
    # The same walk twice: as the renderer did before (forgetting nothing) and as it does now.
    with mock.patch.object(Renderer, "_used_up_live_menu", lambda _: False):
        then = await walked(person, flow)
        then_turns = await _change_the_first_answer(then)
    now = await walked(person, flow)
    now_turns = await _change_the_first_answer(now)

    menu, first, typed = now_turns
    assert menu == CONTINUE  # the summary's button removed, the list of questions sent
    assert first == CONTINUE  # the list's buttons removed, the question sent: nothing else
    assert then_turns[1] == ("answerCallbackQuery", *("editMessageReplyMarkup",) * 2, "sendMessage")
    assert typed == then_turns[2]
    assert api.pointless == ["editMessageReplyMarkup"]  # the one made the old way
    assert _as_seen(now.ana) == _as_seen(then.ana)
    # The thanks, then the end in one line: the summary was just above the list of questions.
    assert typed == ("editMessageText", "sendMessage", "sendMessage")
    assert [m.labels() for m in now.ana.live_keyboards()] == [["✏️ Modifier une réponse", WHOLE]]

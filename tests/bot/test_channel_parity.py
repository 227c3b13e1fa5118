"""One respondent, two channels, the same rows: the rules live in the conversation, not in a channel.

A script (agree, "Other, please specify", a branch taken, back and a changed
answer, every kind of question, a changed answer after finishing) is played by
the same person through Telegram (the real application, the Bot API faked at
its HTTP boundary) and through the terminal chat (the real chat loop on a
console). The two databases must hold the same responses and answers, keys,
times and Telegram's message ids aside.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.telegram import running
from bot.terminal import Console, run_chat
from conversation import Conversation
from flows import (
    Flow,
    Kind,
    Outcome,
    Prompt,
    ResponseState,
    acknowledge,
    answer,
    answer_text,
    back,
    choose,
    prompt,
    revise,
    start,
    summary,
)
from storage import Store
from tests.bot.conftest import AppFactory
from tests.support.fake_bot_api import FakeBotAPI, Person, Updates

STAGE = "pithiviers"


@dataclass(frozen=True)
class Step:
    """One thing the person does, with the question on screen when they do it."""

    verb: str  # "agree", "next", "type", "choose", "tick", "rank", "back", "revise", "leave"
    shown: Prompt | None = None
    value: Any = None


def script(flow: Flow) -> list[Step]:
    """The whole bundled questionnaire, with a detour back and an edit after the end."""
    steps = [Step("agree")]
    state = start(flow)
    went_back = False
    while (shown := prompt(flow, state, "fr")) is not None:
        step = _answer(flow, shown, went_back)
        if shown.step_id == "headcount" and not went_back:
            # Answer, go back, answer differently: the second answer is the one kept.
            steps.append(step)
            state = _play(flow, state, step)
            steps.append(Step("back", prompt(flow, state, "fr")))
            state = back(flow, state)
            went_back = True
            continue
        steps.append(step)
        state = _play(flow, state, step)
    first_id = summary(flow, state, "fr")[0][0]
    steps.append(Step("revise", None, first_id))
    state = revise(flow, state, first_id)
    shown = prompt(flow, state, "fr")
    assert shown is not None
    steps += [Step("type", shown, "Nouveau nom SA"), Step("leave")]
    return steps


def _answer(flow: Flow, shown: Prompt, went_back: bool) -> Step:
    codes = [code for code, _ in shown.choices]
    if shown.kind == Kind.INFO:
        return Step("next", shown)
    if shown.awaiting_other:
        return Step("type", shown, "Horlogerie")
    if shown.step_id == "sector":
        return Step("choose", shown, "other")
    if shown.step_id == "works_abroad":
        return Step("choose", shown, "yes")  # the branch of exporters
    if shown.kind == Kind.MULTIPLE_CHOICE:
        plain = [c for c in codes if c not in shown.exclusive and c != "other"]
        return Step("tick", shown, plain[:2])
    if shown.kind == Kind.RANKING:
        return Step("rank", shown, list(reversed(codes))[: shown.needed])
    if shown.kind == Kind.SCALE:
        return Step("choose", shown, "4")
    if shown.choices:
        # The second answer offered; after going back from it, the third.
        changed = went_back and shown.step_id == "headcount"
        return Step("choose", shown, codes[2 if changed else 1])
    if shown.kind == Kind.NUMBER:
        low = getattr(flow.step(shown.step_id), "min", None)
        return Step("type", shown, str(max(12, int(low or 0))))
    if shown.kind == Kind.EMAIL:
        return Step("type", shown, "dirigeant@exemple.fr")
    if shown.kind == Kind.CODE:
        return Step("type", shown, "Loiret")  # a département, by name
    return Step("type", shown, f"Réponse à {shown.step_id}")


def _play(flow: Flow, state: ResponseState, step: Step) -> ResponseState:
    outcome: Outcome
    if step.verb == "next":
        outcome = acknowledge(flow, state, "fr")
    elif step.verb == "type":
        outcome = answer_text(flow, state, step.value, "fr")
    elif step.verb == "choose":
        outcome = choose(flow, state, step.value, "fr")
    else:
        outcome = answer(flow, state, step.value, "fr")
    assert outcome.accepted, (step, outcome.error)
    return outcome.state


# --- the two channels -------------------------------------------------------------------


async def play_on_telegram(ana: Person, steps: list[Step]) -> None:
    await ana.send(f"/start {STAGE}")
    for step in steps:
        shown = step.shown
        labels = dict(shown.choices) if shown else {}
        if step.verb == "agree":
            await ana.tap("✅ J’accepte")
        elif step.verb == "next":
            await ana.tap("Continuer ▶")
        elif step.verb == "type":
            await ana.send(step.value)
        elif step.verb == "choose":
            await ana.tap(labels[step.value])
        elif step.verb == "tick":
            for code in step.value:
                await ana.tap(labels[code])
            await ana.tap(f"Valider ({len(step.value)})")
        elif step.verb == "rank":
            for code in step.value:
                await ana.tap(labels[code])
        elif step.verb == "back":
            await ana.tap("↩ Retour")
        elif step.verb == "revise":
            await ana.tap("✏️ Modifier une réponse")
            await ana.tap("1")


def terminal_lines(steps: list[Step]) -> list[str]:
    lines = []
    for step in steps:
        shown = step.shown
        codes = [code for code, _ in shown.choices] if shown else []
        if step.verb == "agree":
            lines.append("oui")
        elif step.verb == "next":
            lines.append("")
        elif step.verb == "type":
            lines.append(step.value)
        elif step.verb == "choose":
            is_scale = shown is not None and shown.kind == Kind.SCALE
            lines.append(step.value if is_scale else str(codes.index(step.value) + 1))
        elif step.verb in ("tick", "rank"):
            lines.append(" ".join(str(codes.index(code) + 1) for code in step.value))
        elif step.verb == "back":
            lines.append("retour")
        elif step.verb == "revise":
            lines.append("1")  # the first line of the summary: its question, to change
        elif step.verb == "leave":
            lines.append("")
    return lines


async def play_in_the_terminal(db: Path, flow: Flow, stages: list[Any], steps: list[Step]) -> str:
    typed = io.StringIO("".join(f"{line}\n" for line in terminal_lines(steps)))
    shown = io.StringIO()
    async with contextlib.AsyncExitStack() as stack:
        store = await Store.open(db)
        stack.push_async_callback(store.close)
        conversation = Conversation(store, flow, stages)
        await conversation.sync_with_files()
        code = await run_chat(
            conversation, Console(typed, shown, echo=True), respondent="ana", stage_code=STAGE
        )
    assert code == 0
    return shown.getvalue()


# --- what they leave --------------------------------------------------------------------

RESPONSE_COLUMNS = (
    "flow_id, flow_version, stage_code, language, status, state_json, current_step, "
    "consent_version, completed_at IS NOT NULL"
)
ANSWER_COLUMNS = "question_id, value_json, other_text, flow_id, flow_version, stage_code"


def rows(db: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """The responses (state without its tap counter) and answers, and how many respondents."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        responses = []
        for row in conn.execute(f"SELECT {RESPONSE_COLUMNS} FROM responses"):
            state = json.loads(row[5])
            # Telegram ticks a multiple choice one tap at a time, the terminal in one line:
            # the counter that tells stale buttons apart differs, nothing else.
            state.pop("seq")
            responses.append((*row[:5], state, *row[6:]))
        answers = conn.execute(f"SELECT {ANSWER_COLUMNS} FROM answers ORDER BY question_id")
        people = conn.execute("SELECT COUNT(*) FROM respondents").fetchone()[0]
        return responses, answers.fetchall(), people


async def test_the_same_script_leaves_the_same_rows_on_telegram_and_in_the_terminal(
    flow: Flow,
    stages: list[Any],
    api: FakeBotAPI,
    make_app: AppFactory,
    tmp_path: Path,
) -> None:
    steps = script(flow)
    verbs = {step.verb for step in steps}
    assert {"agree", "next", "type", "choose", "tick", "back", "revise"} <= verbs
    # The bundled questionnaires rank nothing (they ask for "up to 3"); a typed département
    # code is played instead, read back by name on both channels.
    assert any(step.shown and step.shown.kind == Kind.CODE for step in steps)
    assert ("rank" in verbs) == any(s.type == Kind.RANKING for s in flow.steps())

    app = make_app(api)
    async with running(app, tmp_path / "telegram.sqlite3"):
        ana = Person(Updates(app, api), 501)
        await play_on_telegram(ana, steps)
        assert ana.chat[-1].labels()[0] == "✏️ Modifier une réponse"
    transcript = await play_in_the_terminal(tmp_path / "terminal.sqlite3", flow, stages, steps)
    assert "Récapitulatif de vos réponses" in transcript
    assert "⚠" not in transcript  # every line was read as meant

    on_telegram = rows(tmp_path / "telegram.sqlite3")
    in_terminal = rows(tmp_path / "terminal.sqlite3")
    assert on_telegram == in_terminal
    (response,), answers, people = on_telegram
    assert (response[2], response[4], people) == (STAGE, "completed", 1)
    stored = {question: json.loads(value) for question, value, *_ in answers}
    assert stored["company_name"] == "Nouveau nom SA"
    assert stored["works_abroad"] == "yes" and "export_markets" in stored
    assert ("sector", '"other"', "Horlogerie") in [row[:3] for row in answers]

"""The terminal chat: the questionnaire in a terminal, same engine, same database.

Reads one answer per line, so it works typed by hand and with piped input
(a script of answers). Every accepted answer is committed before the next
question is printed; quitting, or the end of the input, keeps everything for
the next run, which resumes at the same question.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from bot.progress import save_state
from bot.texts import ui
from flows import (
    Flow,
    Kind,
    Outcome,
    Prompt,
    ResponseState,
    StageDef,
    acknowledge,
    answer,
    answer_text,
    back,
    choose,
    prompt,
    skip,
    start,
    summary,
)
from flows.model import Text
from storage import Channel, Respondent, Response, ResponseStatus, Store

YES_WORDS = {"oui", "o", "yes", "y", "j'accepte", "accepte", "1"}
NO_WORDS = {"non", "n", "no", "je refuse", "refuse", "2"}
BACK = {"back", "retour", "/back", "/retour"}
SKIP = {"skip", "passer", "/skip", "/passer"}
QUIT = {"quit", "quitter", "exit", "/quit", "/quitter"}
HELP = {"help", "aide", "/help", "/aide", "?help"}


@dataclass
class Console:
    """Where the chat reads and writes; `echo` repeats piped answers so output reads as a transcript."""

    input: TextIO
    output: TextIO
    echo: bool = False

    def say(self, text: str = "") -> None:
        self.output.write(text + "\n")
        self.output.flush()

    async def ask(self) -> str | None:
        self.output.write("> ")
        self.output.flush()
        line = await asyncio.to_thread(self.input.readline)
        if not line:
            self.say()
            return None
        line = line.rstrip("\r\n")
        if self.echo:
            self.say(line)
        return line


async def run_chat(
    store: Store,
    flow: Flow,
    console: Console,
    *,
    respondent: str,
    stages: list[StageDef],
    stage_code: str | None = None,
    lang: str | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """Run (or resume) one respondent's questionnaire; return the exit code."""
    person = await store.ensure_respondent(Channel.TERMINAL, respondent, now=clock())
    lang = lang or person.language or flow.language
    if lang != person.language:
        await store.set_language(person.id, lang, now=clock())
    response = await _open_response(store, flow, console, person, stages, stage_code, lang, clock)
    if response is None:
        return 0
    state = ResponseState.model_validate_json(response.state_json)
    lang = response.language if lang is None else lang
    while True:
        shown = prompt(flow, state, lang)
        if shown is None:
            await _finish(store, flow, console, response, state, lang, clock)
            return 0
        console.say(render(shown, lang))
        line = await console.ask()
        if line is None or line.strip().lower() in QUIT:
            console.say(ui("saved_resume", lang))
            return 0
        outcome = _apply(flow, state, shown, line, lang)
        if outcome is None:
            console.say(ui("terminal_help", lang))
            continue
        if not outcome.accepted:
            console.say(f"⚠ {outcome.error}")
            console.say()
            continue
        if outcome.state != state:
            state = outcome.state
            response = await save_state(store, flow, response, state, clock(), lang=lang)
        console.say()


async def _open_response(
    store: Store,
    flow: Flow,
    console: Console,
    person: Respondent,
    stages: list[StageDef],
    stage_code: str | None,
    lang: str,
    clock: Callable[[], datetime],
) -> Response | None:
    """The response to go on with, or None if the respondent declined the notice."""
    respondent_id = person.id
    latest = await store.latest_response(respondent_id, flow.id)
    if latest is not None and latest.status != ResponseStatus.COMPLETED:
        state = ResponseState.model_validate_json(latest.state_json)
        if latest.flow_version == flow.version and prompt(flow, state, lang) is not None:
            console.say(ui("resuming", lang, title=flow.text(flow.title, lang)))
            console.say()
            agreed = latest.consent_version
            if flow.consent_version is not None and agreed != flow.consent_version:
                console.say(ui("consent_changed", lang))
                agreed_now = await _agree(flow, console, lang)
                if agreed_now is None:
                    console.say(ui("saved_resume", lang))
                    return None
                if not agreed_now:
                    await _decline(store, flow, person, latest.stage_code, clock)
                    console.say(ui("declined", lang))
                    return None
                await store.record_consent(latest.id, version=flow.consent_version, now=clock())
            return latest
    if latest is not None and latest.status == ResponseStatus.COMPLETED:
        console.say(ui("new_response", lang))
    stage = _find_stage(stages, stage_code)
    if stage_code and stage is None:
        known = ", ".join(s.code for s in stages) or "-"
        console.say(ui("unknown_stage", lang, code=stage_code, known=known))
    console.say(f"{flow.text(flow.title, lang)}")
    if stage is not None:
        console.say(ui("stage_line", lang, city=stage.city, date=_date(stage)))
    console.say()
    if flow.intro is not None:
        console.say(_plain(flow, flow.intro, lang))
        console.say()
    if flow.consent_version is not None:
        agreed_now = await _agree(flow, console, lang)
        if agreed_now is None:
            console.say(ui("left_before_start", lang))
            return None
        if not agreed_now:
            # Nothing is stored but the refusal.
            await _decline(store, flow, person, stage.code if stage else None, clock)
            console.say(ui("declined", lang))
            return None
    state = start(flow)
    response = await store.start_response(
        respondent_id,
        flow_id=flow.id,
        flow_version=flow.version,
        stage_code=stage.code if stage else None,
        language=lang,
        state_json=state.model_dump_json(),
        current_step=state.current,
        now=clock(),
        # Agreeing and starting are one transaction.
        consent_version=flow.consent_version,
    )
    return response


async def _agree(flow: Flow, console: Console, lang: str) -> bool | None:
    """Show the information notice and ask for an explicit yes or no (None: left unanswered)."""
    assert flow.consent is not None
    console.say(_plain(flow, flow.consent, lang))
    console.say()
    while True:
        console.say(ui("consent_question", lang))
        line = await console.ask()
        word = (line or "").strip().lower()
        if line is None or word in QUIT:
            return None
        if word in NO_WORDS:
            return False
        if word in YES_WORDS:
            console.say()
            return True


async def _decline(
    store: Store,
    flow: Flow,
    person: Respondent,
    stage_code: str | None,
    clock: Callable[[], datetime],
) -> None:
    respondent_id = person.id
    latest = await store.latest_response(respondent_id, flow.id)
    if latest is not None and latest.status != ResponseStatus.COMPLETED:
        # A changed notice declined: what was kept under the old one goes too.
        await store.erase_respondent(respondent_id)
        again = await store.ensure_respondent(person.channel, person.external_id, now=clock())
        respondent_id = again.id
    await store.record_refusal(
        respondent_id, version=flow.consent_version or "", stage_code=stage_code, now=clock()
    )


def _find_stage(stages: list[StageDef], code: str | None) -> StageDef | None:
    if not code:
        return None
    return next((s for s in stages if s.code.lower() == code.lower()), None)


def _date(stage: StageDef) -> str:
    return stage.date.isoformat() if stage.date else ""


def _plain(flow: Flow, text: Text, lang: str) -> str:
    return flow.text(text, lang).strip()


async def _finish(
    store: Store,
    flow: Flow,
    console: Console,
    response: Response,
    state: ResponseState,
    lang: str,
    clock: Callable[[], datetime],
) -> None:
    if response.status != ResponseStatus.COMPLETED:
        await save_state(store, flow, response, state, clock(), lang=lang)
    from flows import pipe

    if flow.outro is not None:
        console.say(pipe(flow, flow.outro, lang, state).strip())
        console.say()
    console.say(ui("summary_title", lang))
    for _, question, shown in summary(flow, state, lang):
        console.say(f"  • {question}\n    → {shown}")


# --- reading an answer ----------------------------------------------------------


def _apply(flow: Flow, state: ResponseState, shown: Prompt, line: str, lang: str) -> Outcome | None:
    """The outcome of one typed line; None for a request for help."""
    word = line.strip().lower()
    if word in HELP:
        return None
    if word in BACK:
        if not shown.can_back:
            return Outcome(state, ui("no_back", lang))
        return Outcome(back(flow, state))
    if word in SKIP:
        return skip(flow, state, lang)
    if shown.kind == Kind.INFO:
        return acknowledge(flow, state, lang)
    if shown.awaiting_other:
        return answer_text(flow, state, line, lang)
    if not word:
        return _empty_line(flow, state, shown, lang)
    if shown.kind in (Kind.MULTIPLE_CHOICE, Kind.RANKING):
        codes = _numbers_to_codes(shown, line)
        if codes is None:
            return Outcome(state, ui("type_numbers", lang, count=len(shown.choices)))
        return answer(flow, state, codes, lang)
    if shown.choices and shown.kind != Kind.SCALE and word.isdigit():
        index = int(word)
        if not 1 <= index <= len(shown.choices):
            return Outcome(state, ui("type_number", lang, count=len(shown.choices)))
        return choose(flow, state, shown.choices[index - 1][0], lang)
    return answer_text(flow, state, line, lang)


def _empty_line(flow: Flow, state: ResponseState, shown: Prompt, lang: str) -> Outcome:
    """Enter alone keeps an earlier answer, or skips an optional question."""
    earlier = state.answers.get(shown.step_id)
    if earlier is not None:
        return answer(flow, state, earlier, lang)
    if shown.can_skip:
        return skip(flow, state, lang)
    return Outcome(state, ui("empty_required", lang))


def _numbers_to_codes(shown: Prompt, line: str) -> list[str] | None:
    parts = [p for p in re.split(r"[\s,;]+", line.strip()) if p]
    if not parts or not all(p.isdigit() and 1 <= int(p) <= len(shown.choices) for p in parts):
        return None
    return [shown.choices[int(p) - 1][0] for p in parts]


# --- showing a question ---------------------------------------------------------


def render(shown: Prompt, lang: str) -> str:
    """A prompt as terminal text: header with progress, question, numbered choices, hint."""
    if shown.position:
        header = ui("header", lang, section=shown.section, n=shown.position, total=shown.total)
    else:
        header = f"── {shown.section} ──"
    lines = [header, shown.text]
    if shown.help:
        lines.append(f"  ({shown.help})")
    if shown.kind == Kind.SCALE and not shown.awaiting_other:
        lines += _scale_lines(shown, lang)
    else:
        for index, (code, label) in enumerate(shown.choices, 1):
            mark = "x" if code in shown.selected else " "
            lines.append(
                f"  {index:>2}. [{mark}] {label}" if _is_multi(shown) else f"  {index:>2}. {label}"
            )
    hint = _hint(shown, lang)
    if hint:
        lines.append(hint)
    return "\n".join(lines)


def _is_multi(shown: Prompt) -> bool:
    return shown.kind == Kind.MULTIPLE_CHOICE


def _scale_lines(shown: Prompt, lang: str) -> list[str]:
    numbers = [label for code, label in shown.choices if code.isdigit()]
    low = f"{numbers[0]} = {shown.min_label}" if shown.min_label else numbers[0]
    high = f"{numbers[-1]} = {shown.max_label}" if shown.max_label else numbers[-1]
    line = f"  {low} … {high}"
    if any(code == "dont_know" for code, _ in shown.choices):
        line += ui("scale_dont_know", lang)
    return [line]


def _hint(shown: Prompt, lang: str) -> str:
    parts: list[str] = []
    if shown.kind == Kind.INFO:
        parts.append(ui("hint_enter", lang))
    elif shown.awaiting_other:
        parts.append(ui("hint_other", lang))
    elif shown.kind == Kind.MULTIPLE_CHOICE:
        most = shown.max_selected
        parts.append(ui("hint_multi_max", lang, max=most) if most else ui("hint_multi", lang))
    elif shown.kind == Kind.RANKING:
        parts.append(ui("hint_ranking", lang, count=shown.needed))
    elif shown.kind == Kind.SCALE:
        parts.append(ui("hint_scale", lang))
    elif shown.choices:
        parts.append(ui("hint_single", lang))
    elif shown.unit:
        parts.append(ui("hint_unit", lang, unit=shown.unit))
    if shown.selected and shown.kind != Kind.MULTIPLE_CHOICE:
        labels = dict(shown.choices)
        parts.append(
            ui("hint_current", lang, value=", ".join(labels.get(c, c) for c in shown.selected))
        )
    if shown.default:
        parts.append(ui("hint_current", lang, value=shown.default))
    if shown.can_skip:
        parts.append(ui("hint_skip", lang))
    if shown.can_back:
        parts.append(ui("hint_back", lang))
    return "  " + " · ".join(parts) if parts else ""

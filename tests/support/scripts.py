"""Scripted answers for a flow: the lines a person would type in the terminal chat."""

from __future__ import annotations

from bot.terminal.reading import read_answer
from conversation import Event, Intent, Pressed, Submitted, Typed
from flows import (
    Flow,
    Kind,
    Outcome,
    Prompt,
    ResponseState,
    acknowledge,
    answer,
    answer_text,
    choose,
    prompt,
    skip,
    start,
)


def typed_line(shown: Prompt, turn: int, low: float | None = None) -> str:
    """A valid line for `shown`; `turn` varies the choices so branches differ."""
    if shown.kind == Kind.INFO:
        return ""
    if shown.awaiting_other:
        return "Autre réponse saisie"
    if shown.kind == Kind.MULTIPLE_CHOICE:
        count = min(shown.max_selected or 2, 2)
        exclusive = set(shown.exclusive)
        picks = [i for i, (c, _) in enumerate(shown.choices, 1) if c not in exclusive]
        return " ".join(str(i) for i in picks[turn % 2 : turn % 2 + count])
    if shown.kind == Kind.RANKING:
        return " ".join(str(i) for i in range(shown.needed, 0, -1))
    if shown.kind == Kind.SCALE:
        return str(3 + turn % 2)
    if shown.choices:
        return str(1 + turn % len(shown.choices))
    if shown.kind == Kind.NUMBER:
        return str(int(low)) if low is not None else "12"
    if shown.kind == Kind.EMAIL:
        return "contact@example.org"
    if shown.kind == Kind.CODE:
        # A département, typed as people do: a number, a Corsican code, a name.
        return ("45", "2A", "Loiret")[turn % 3]
    return f"Réponse {turn} avec des accents : é à ç"


def script_for(
    flow: Flow, lang: str = "fr", limit: int | None = None
) -> tuple[list[str], ResponseState]:
    """The lines that answer the whole flow (or its first `limit` steps), and the end state.

    Each line is read as the terminal reads it (`read_answer`), and applied with the engine.
    """
    state = start(flow)
    # A flow with an information notice asks for agreement before the first question.
    lines: list[str] = ["oui" if lang == "fr" else "yes"] if flow.consent_version else []
    turn = 0
    while (shown := prompt(flow, state, lang)) is not None:
        if limit is not None and turn >= limit:
            break
        line = typed_line(shown, turn, getattr(flow.step(shown.step_id), "min", None))
        event = read_answer(line, shown, lang)
        assert isinstance(event, Typed | Pressed | Submitted), (shown.step_id, line, event)
        outcome = _apply(flow, state, event, lang)
        assert outcome.accepted, (shown.step_id, line, outcome)
        lines.append(line)
        state = outcome.state
        turn += 1
    return lines, state


def _apply(flow: Flow, state: ResponseState, event: Event, lang: str) -> Outcome:
    """What the conversation does with `event` on a question, in engine terms."""
    if isinstance(event, Typed):
        return answer_text(flow, state, event.text, lang)
    if isinstance(event, Submitted):
        return answer(flow, state, event.value, lang)
    assert isinstance(event, Pressed)
    action = event.action
    if action.intent == Intent.CHOOSE:
        return choose(flow, state, action.value, lang)
    if action.intent == Intent.SKIP:
        return skip(flow, state, lang)
    return acknowledge(flow, state, lang)

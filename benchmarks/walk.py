"""What a benchmark's respondent does: the steps that complete the bundled questionnaire."""

from __future__ import annotations

from dataclasses import dataclass

from conversation import Action, Intent, on_question
from flows import (
    Flow,
    Kind,
    acknowledge,
    answer_text,
    choose,
    confirm,
    prompt,
    start,
    toggle,
)


@dataclass
class Step:
    """One thing a respondent does: type a text, or tap a button."""

    text: str | None = None
    button: Action | None = None
    answers: int = 0  # how many answers this step completes (0 for a toggle or an info step)


def script(flow: Flow, turn: int) -> list[Step]:
    """The taps and texts that complete the flow, worked out with the engine itself."""
    state = start(flow)
    steps: list[Step] = [Step(text="/start pithiviers")]
    if flow.consent_version is not None:
        # "✅ J'accepte": the response (and every answer after it) is stored from here on.
        # The button carries the notice's version: without it the bot asks again, and
        # every later tap is stale (the benchmark then measured refusals, not answers).
        consent = Action(
            Intent.CONSENT, stage="pithiviers", lang="fr", version=flow.consent_version
        )
        steps.append(Step(button=consent))
    while (shown := prompt(flow, state, "fr")) is not None:
        step = flow.step(shown.step_id)
        data = Action(Intent.CHOOSE, shown.seq, shown.step_id)
        if shown.kind == Kind.INFO:
            outcome = acknowledge(flow, state, "fr")
            steps.append(Step(button=Action(Intent.NEXT, shown.seq, shown.step_id)))
        elif shown.kind in (Kind.SINGLE_CHOICE, Kind.YES_NO, Kind.SCALE):
            code = shown.choices[turn % 2][0]
            outcome = choose(flow, state, code, "fr")
            steps.append(Step(button=Action(data.intent, data.seq, data.step, code), answers=1))
        elif shown.kind == Kind.MULTIPLE_CHOICE:
            code = next(c for c, _ in shown.choices if c not in shown.exclusive)
            toggled = toggle(flow, state, code, "fr", ticked=True).state
            steps.append(Step(button=on_question(shown, Intent.TICK, code)))
            outcome = confirm(flow, toggled, "fr")
            # "Valider (1)" as redrawn after the tick: it carries the ticks it shows.
            redrawn = prompt(flow, toggled, "fr")
            assert redrawn is not None
            steps.append(Step(button=on_question(redrawn, Intent.CONFIRM), answers=1))
        elif shown.kind == Kind.RANKING:
            current = state
            for code, _ in shown.choices[: shown.needed]:
                result = toggle(flow, current, code, "fr", ticked=True)
                steps.append(Step(button=Action(Intent.TICK, current.seq, shown.step_id, code)))
                current = result.state
            # "Valider ce classement" as redrawn with the full order: it carries that order.
            redrawn = prompt(flow, current, "fr")
            assert redrawn is not None
            steps.append(Step(button=on_question(redrawn, Intent.CONFIRM), answers=1))
            outcome = confirm(flow, current, "fr")
        else:
            low = getattr(step, "min", None)
            value = {
                Kind.EMAIL: "bench@example.org",
                Kind.NUMBER: str(int(low or 0) + 5),
                Kind.CODE: "45",  # a département
            }.get(shown.kind, f"Réponse de test {turn}")
            outcome = answer_text(flow, state, value, "fr")
            steps.append(Step(text=value, answers=1))
        assert outcome.accepted, (shown.step_id, outcome.error)
        state = outcome.state
    return steps

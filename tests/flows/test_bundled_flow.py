"""The bundled questionnaire, walked through every branch in French and in English."""

from __future__ import annotations

import re

import pytest

from flows import (
    Flow,
    Kind,
    Prompt,
    acknowledge,
    answer,
    bundled_path,
    choose,
    confirm,
    load_flow,
    prompt,
    start,
    toggle,
)
from flows.model import All, AnyOf, Compare, Condition, Not

FLOW = load_flow(bundled_path("questionnaire.yaml"))
LANGS = ("fr", "en")


def _questions_in(condition: Condition | None) -> set[str]:
    if condition is None:
        return set()
    if isinstance(condition, Compare):
        return {condition.question}
    if isinstance(condition, Not):
        return _questions_in(condition.not_)
    items = condition.all if isinstance(condition, All) else condition.any
    assert isinstance(condition, All | AnyOf)
    return set().union(*(_questions_in(item) for item in items))


BRANCHING = sorted(
    {q for section in FLOW.sections for q in _questions_in(section.show_if)}
    | {q for step in FLOW.steps() for q in _questions_in(step.show_if)}
)


def walk(flow: Flow, lang: str, forced: dict[str, str]) -> list[Prompt]:
    """Answer everything (the first choice, or `forced[question]`), keeping every prompt shown."""
    state = start(flow)
    shown: list[Prompt] = []
    while (current := prompt(flow, state, lang)) is not None:
        shown.append(current)
        step = flow.step(current.step_id)
        codes = [code for code, _ in current.choices]
        wanted = forced.get(current.step_id)
        pick = (wanted if wanted in codes else None) or next(
            (c for c in codes if c not in current.exclusive and c != "other"), None
        )
        if current.kind == Kind.INFO:
            outcome = acknowledge(flow, state, lang)
        elif current.kind == Kind.MULTIPLE_CHOICE:
            assert pick is not None
            outcome = confirm(flow, toggle(flow, state, pick, lang).state, lang)
        elif current.kind == Kind.RANKING:
            for code in codes[: current.needed]:
                outcome = toggle(flow, state, code, lang)
                state = outcome.state
            continue
        elif codes:
            assert pick is not None
            outcome = choose(flow, state, pick, lang)
        elif current.kind == Kind.EMAIL:
            outcome = answer(flow, state, "contact@example.org", lang)
        elif current.kind == Kind.NUMBER:
            low = getattr(step, "min", None)
            outcome = answer(flow, state, int(low or 0) + 1, lang)
        else:
            outcome = answer(flow, state, "Exemple SARL", lang)
        assert outcome.accepted, (current.step_id, outcome.error)
        state = outcome.state
    return shown


def branch_cases() -> list[tuple[str, str]]:
    cases = []
    for question in BRANCHING:
        step = FLOW.step(question)
        codes = [code for code, _ in _choices(step)]
        cases += [(question, code) for code in codes]
    return cases


def _choices(step: object) -> list[tuple[str, str]]:
    from flows import choice_labels

    return [pair for pair in choice_labels(FLOW, step, "fr") if pair[0] != "other"]  # type: ignore[arg-type]


CASES = branch_cases()
LEFTOVER = re.compile(r"\{[a-z_|]+|\}")


@pytest.mark.parametrize("lang", LANGS)
def test_every_branch_can_be_walked_and_every_step_is_reached(lang: str) -> None:
    reached: set[str] = set()
    for question, code in CASES:
        reached |= {p.step_id for p in walk(FLOW, lang, {question: code})}
    # Conditions on two questions at once (the e-mail) need both answers chosen.
    reached |= {p.step_id for p in walk(FLOW, lang, dict.fromkeys(BRANCHING, "yes"))}
    assert reached == {step.id for step in FLOW.steps()}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("question", "code"), CASES, ids=[f"{q}={c}" for q, c in CASES])
def test_no_text_is_missing_or_left_unpiped(lang: str, question: str, code: str) -> None:
    for shown in walk(FLOW, lang, {question: code}):
        assert shown.text.strip(), shown.step_id
        assert not LEFTOVER.search(shown.text), (shown.step_id, shown.text)
        assert all(label.strip() for _, label in shown.choices), shown.step_id
        assert shown.section.strip()


def test_the_english_version_is_a_translation_not_a_copy() -> None:
    # Choice labels may rightly be the same words ("R&D, innovation"); sentences may not.
    same = []
    for step in FLOW.steps():
        for text in (step.text, step.help):
            if text is None:
                continue
            assert isinstance(text, dict) and set(text) == {"fr", "en"}, step.id
            if text["fr"] == text["en"]:
                same.append((step.id, text["fr"]))
        for choice in getattr(step, "choices", []):
            assert isinstance(choice.label, dict) and set(choice.label) == {"fr", "en"}, step.id
    assert same == [], "French text left in the English version"

"""The bundled questionnaires (companies, territorial actors), walked through every
branch in French and in English."""

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
    choice_labels,
    choose,
    confirm,
    load_flow,
    prompt,
    start,
    toggle,
)
from flows.model import All, AnyOf, Compare, Condition, Not

NAMES = ("questionnaire.yaml", "acteurs.yaml")
FLOWS = {name: load_flow(bundled_path(name)) for name in NAMES}
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


def branching(flow: Flow) -> list[str]:
    """The questions some condition depends on."""
    return sorted(
        {q for section in flow.sections for q in _questions_in(section.show_if)}
        | {q for step in flow.steps() for q in _questions_in(step.show_if)}
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
        elif current.kind == Kind.CODE:
            # Typed by name; stored as the code.
            outcome = answer(flow, state, "Loiret", lang)
            assert outcome.state.answers.get(current.step_id) == "45"
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


def branch_cases(flow: Flow) -> list[tuple[str, str]]:
    """(question, code) for every answer of every question a condition depends on."""
    cases = []
    for question in branching(flow):
        labels = choice_labels(flow, flow.step(question), "fr")  # type: ignore[arg-type]
        cases += [(question, code) for code, _ in labels if code != "other"]
    return cases


CASES = [(name, q, c) for name in NAMES for q, c in branch_cases(FLOWS[name])]
LEFTOVER = re.compile(r"\{[a-z_|]+|\}")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_branch_can_be_walked_and_every_step_is_reached(name: str, lang: str) -> None:
    flow = FLOWS[name]
    reached: set[str] = set()
    for question, code in branch_cases(flow):
        reached |= {p.step_id for p in walk(flow, lang, {question: code})}
    # Conditions on two questions at once (the e-mail) need both answers chosen.
    reached |= {p.step_id for p in walk(flow, lang, dict.fromkeys(branching(flow), "yes"))}
    assert reached == {step.id for step in flow.steps()}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("name", "question", "code"), CASES, ids=[f"{n.split('.')[0]}-{q}={c}" for n, q, c in CASES]
)
def test_no_text_is_missing_or_left_unpiped(name: str, lang: str, question: str, code: str) -> None:
    for shown in walk(FLOWS[name], lang, {question: code}):
        assert shown.text.strip(), shown.step_id
        assert not LEFTOVER.search(shown.text), (shown.step_id, shown.text)
        assert all(label.strip() for _, label in shown.choices), shown.step_id
        assert shown.section.strip()


@pytest.mark.parametrize("name", NAMES)
def test_the_english_version_is_a_translation_not_a_copy(name: str) -> None:
    # Choice labels may rightly be the same words ("R&D, innovation"); sentences may not.
    same = []
    for step in FLOWS[name].steps():
        for text in (step.text, step.help):
            if text is None:
                continue
            assert isinstance(text, dict) and set(text) == {"fr", "en"}, step.id
            if text["fr"] == text["en"]:
                same.append((step.id, text["fr"]))
        for choice in getattr(step, "choices", []):
            assert isinstance(choice.label, dict) and set(choice.label) == {"fr", "en"}, step.id
    assert same == [], "French text left in the English version"

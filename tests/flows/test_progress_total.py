"""The progress a respondent reads ("Question 7/45"): its total never grows as they go on.

The total counts the questions asked or still possible: a question behind a
condition that earlier answers have not settled yet counts until they rule it
out. Counting only what was shown so far made it grow with every branch opened
(34, then 40, then 45 on the bundled questionnaire), the treadmill progress bars
are known for.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flows
from flows import (
    Flow,
    Kind,
    Outcome,
    Prompt,
    ResponseState,
    acknowledge,
    answer_text,
    choose,
    confirm,
    load_flow,
    prompt,
    skip,
    start,
    toggle,
    visible_steps,
)
from tests.conftest import MINI

FLOWS = {
    "questionnaire": load_flow(flows.bundled_path("questionnaire.yaml")),
    "acteurs": load_flow(flows.bundled_path("acteurs.yaml")),
    "branching": load_flow(MINI.parent / "branching.yaml"),
}
TEXTS = ("Exemple Industries", "1990", "45", "12", "contact@exemple.fr", "3")


def forward(flow: Flow, state: ResponseState, shown: Prompt, data: st.DataObject) -> Outcome:
    """A valid answer (or a skip) to the question shown, drawn at random: never back."""
    if shown.can_skip and data.draw(st.booleans(), label="skip"):
        return skip(flow, state, "fr")
    if shown.awaiting_other:
        return answer_text(flow, state, "Autre chose", "fr")
    codes = [code for code, _ in shown.choices]
    if shown.kind == Kind.INFO:
        return acknowledge(flow, state, "fr")
    if shown.kind in (Kind.SINGLE_CHOICE, Kind.YES_NO, Kind.SCALE):
        return choose(flow, state, data.draw(st.sampled_from(codes), label="choice"), "fr")
    if shown.kind in (Kind.MULTIPLE_CHOICE, Kind.RANKING):
        wanted = max(shown.needed, shown.min_selected)
        picked = data.draw(st.permutations(codes), label="order")
        for code in [c for c in picked if c not in shown.exclusive][:wanted]:
            state = toggle(flow, state, code, "fr").state
        return confirm(flow, state, "fr")
    for text in TEXTS:  # the first one this question takes
        outcome = answer_text(flow, state, text, "fr")
        if outcome.accepted:
            return outcome
    raise AssertionError(f"no test text fits {shown.step_id}")


@pytest.mark.parametrize("name", sorted(FLOWS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_total_never_grows_and_never_undercounts(name: str, data: st.DataObject) -> None:
    flow = FLOWS[name]
    state = start(flow)
    seen: list[Prompt] = []
    while (shown := prompt(flow, state, "fr")) is not None:
        seen.append(shown)
        outcome = forward(flow, state, shown, data)
        assert outcome.accepted, (shown.step_id, outcome.error)
        state = outcome.state
    asked = [step for step in visible_steps(flow, state) if step.type != Kind.INFO]
    totals = [shown.total for shown in seen]
    assert totals == sorted(totals, reverse=True), "the total grew"
    assert min(totals) >= len(asked), "a question was asked that the total had left out"
    assert all(shown.position <= shown.total for shown in seen)
    last = next(shown for shown in reversed(seen) if shown.kind != Kind.INFO)
    # Asked last: the number, and a total one over only when its answer ruled a question out.
    assert last.position == len(asked)


def test_the_total_falls_as_answers_rule_questions_out() -> None:
    flow = load_flow(MINI)
    state = start(flow)
    totals = {}
    while (shown := prompt(flow, state, "fr")) is not None:
        totals[shown.step_id] = (shown.position, shown.total)
        if shown.step_id == "exports":
            outcome = choose(flow, state, "no", "fr")  # no markets, no share of exports
        elif shown.step_id == "importance":
            outcome = choose(flow, state, "2", "fr")  # the e-mail is asked from 4 up
        else:
            outcome = forward_plain(flow, state, shown)
        state = outcome.state

    # Ten questions at most: two follow "yes, we export", one an importance of 4 or 5.
    assert totals["company"] == (1, 10)
    assert totals["exports"] == (4, 10)
    assert totals["importance"] == (5, 8)
    assert totals["ideas"] == (7, 7)


def forward_plain(flow: Flow, state: ResponseState, shown: Prompt) -> Outcome:
    if shown.kind == Kind.INFO:
        return acknowledge(flow, state, "fr")
    if shown.kind in (Kind.MULTIPLE_CHOICE, Kind.RANKING):
        for code, _ in shown.choices[: max(shown.needed, shown.min_selected)]:
            state = toggle(flow, state, code, "fr").state
        return confirm(flow, state, "fr")
    if shown.choices:
        return choose(flow, state, shown.choices[0][0], "fr")
    return answer_text(flow, state, "12", "fr")

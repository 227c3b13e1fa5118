"""The stored state stays small however often someone revises, and back still walks the path.

The history used to gain one step per revision: 30,000 revisions made 270 KB of
state, parsed several times at every update. It now holds each step once.
"""

from __future__ import annotations

import pytest

import flows
from flows import Flow, ResponseState, answer_text, back, revise
from tests.support.scripts import script_for

REVISIONS = 30_000


@pytest.fixture(scope="module")
def bundled() -> Flow:
    return flows.load_flow(flows.bundled_path("questionnaire.yaml"))


def walk_back(flow: Flow, state: ResponseState) -> list[str]:
    """The questions shown by pressing back from `state` until it goes no further."""
    walked = []
    while (previous := back(flow, state)) != state:
        state = previous
        assert state.current is not None
        walked.append(state.current)
    return walked


def revised(flow: Flow, state: ResponseState, step_id: str, times: int) -> ResponseState:
    """`state` after changing the answer to `step_id` `times` times from the summary."""
    for turn in range(times):
        state = revise(flow, state, step_id)
        assert state.current == step_id and state.reviewing
        outcome = answer_text(flow, state, f"Entreprise {turn % 2}", "fr")
        assert outcome.accepted, outcome.error
        state = outcome.state
        assert state.finished, "a revision returns to the end"
    return state


def test_thirty_thousand_revisions_keep_the_state_small(bundled: Flow) -> None:
    _, finished = script_for(bundled)
    size_at_the_end = len(finished.model_dump_json())

    state = revised(bundled, finished, "company_name", REVISIONS)

    stored = state.model_dump_json()
    assert len(stored) < 10_000, len(stored)
    assert len(stored) < size_at_the_end + 100, "no bigger than having answered once"
    assert len(state.history) == len(set(state.history)) <= len(bundled.steps())
    assert state.answers["company_name"] == f"Entreprise {(REVISIONS - 1) % 2}"


def test_back_walks_the_path_once_each_however_often_it_was_revised(bundled: Flow) -> None:
    _, finished = script_for(bundled)
    path = list(finished.history)
    # Without revisions, back walks the questions in the order they were met, backwards.
    assert walk_back(bundled, finished) == path[::-1]

    once = walk_back(bundled, revised(bundled, finished, "company_name", 1))
    many = walk_back(bundled, revised(bundled, finished, "company_name", 500))

    # First the question just changed, then the rest of the path; never one question twice.
    expected = ["company_name", *[step for step in path[::-1] if step != "company_name"]]
    assert once == expected
    assert many == expected


def test_a_state_grown_before_shrinks_when_that_question_is_revised_again(bundled: Flow) -> None:
    _, finished = script_for(bundled)
    # As the engine used to store it: one more "company_name" at every revision.
    grown = finished.model_copy(
        update={"history": [*finished.history, *["company_name"] * REVISIONS]}
    )
    assert len(grown.model_dump_json()) > 200_000

    state = revised(bundled, grown, "company_name", 1)

    assert len(state.model_dump_json()) < 10_000
    assert walk_back(bundled, state) == walk_back(
        bundled, revised(bundled, finished, "company_name", 1)
    )

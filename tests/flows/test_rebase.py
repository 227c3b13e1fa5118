"""Carrying a response onto a new version of its flow: what still fits is kept.

versions_v1.yaml becomes versions_v2.yaml: 'fax' removed, 'founded' added
before 'staff', 'staff' narrowed to 500 at most, 'asia' removed from 'markets'.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import flows
from flows import (
    Flow,
    ResponseState,
    acknowledge,
    answer_text,
    back,
    choose,
    confirm,
    effective_answers,
    other_texts,
    prompt,
    rebase,
    revise,
    skip,
    start,
    summary,
    toggle,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def v1() -> Flow:
    return flows.load_flow(FIXTURES / "versions_v1.yaml")


@pytest.fixture(scope="module")
def v2() -> Flow:
    return flows.load_flow(FIXTURES / "versions_v2.yaml")


def play(flow: Flow, moves: Sequence[str], state: ResponseState | None = None) -> ResponseState:
    """The state after `moves`, each accepted: "ack", "skip", "confirm", "back",
    "tap:CODE", "toggle:CODE" or "type:TEXT"."""
    state = state if state is not None else start(flow)
    for move in moves:
        verb, _, argument = move.partition(":")
        if verb == "back":
            state = back(flow, state)
            continue
        if verb == "ack":
            outcome = acknowledge(flow, state, "fr")
        elif verb == "skip":
            outcome = skip(flow, state, "fr")
        elif verb == "confirm":
            outcome = confirm(flow, state, "fr")
        elif verb == "tap":
            outcome = choose(flow, state, argument, "fr")
        elif verb == "toggle":
            outcome = toggle(flow, state, argument, "fr")
        else:
            assert verb == "type", move
            outcome = answer_text(flow, state, argument, "fr")
        assert outcome.accepted, (move, outcome.error)
        state = outcome.state
    return state


# Through version 1: fax skipped, "Other" sector and market, ideas skipped.
UNTIL_RATING = [
    "ack",
    "type:Acme",
    "skip",
    "type:120",
    "tap:other",
    "type:Pêche",
    "toggle:eu",
    "toggle:other",
    "confirm",
    "type:Mars",
]
FULL = [*UNTIL_RATING, "tap:4", "skip"]


def replaced(moves: Sequence[str], old: str, *new: str) -> list[str]:
    at = list(moves).index(old)
    return [*moves[:at], *new, *moves[at + 1 :]]


def kept_apart_from_seq(state: ResponseState) -> ResponseState:
    return state.model_copy(update={"seq": 0})


# --- answers ------------------------------------------------------------------------


def test_answers_that_still_fit_are_kept_with_their_other_texts(v1: Flow, v2: Flow) -> None:
    old = play(v1, FULL)
    new = rebase(v2, old)
    assert new.answers == {
        "company": "Acme",
        "staff": 120,
        "sector": "other",
        "markets": ["eu", "other"],
        "rating": 4,
    }
    assert new.others == {"sector": "Pêche", "markets": "Mars"}
    assert other_texts(v2, new) == new.others


def test_the_answer_to_a_removed_question_is_dropped(v1: Flow, v2: Flow) -> None:
    old = play(v1, replaced(FULL, "skip", "type:01 23 45 67 89"))
    assert old.answers["fax"] == "01 23 45 67 89"
    assert "fax" not in rebase(v2, old).answers


def test_a_multiple_choice_whose_code_was_removed_is_dropped_whole(v1: Flow, v2: Flow) -> None:
    old = play(v1, replaced(FULL, "toggle:eu", "toggle:eu", "toggle:asia"))
    assert old.answers["markets"] == ["eu", "asia", "other"]
    new = rebase(v2, old)
    assert "markets" not in new.answers
    assert new.others == {"sector": "Pêche"}, "the text goes with the answer that held it"


def test_a_number_now_out_of_range_is_dropped(v1: Flow, v2: Flow) -> None:
    old = play(v1, replaced(FULL, "type:120", "type:1000", "tap:yes"))
    assert effective_answers(v1, old)["group"] == "yes"
    new = rebase(v2, old)
    assert "staff" not in new.answers
    # The follow-up still fits, but is hidden while its condition has no answer.
    assert new.answers["group"] == "yes"
    assert "group" not in effective_answers(v2, new)


def test_an_other_text_without_other_in_the_answer_is_dropped(v1: Flow, v2: Flow) -> None:
    old = play(v1, FULL).model_copy(update={"others": {"sector": "Pêche", "rating": "stale"}})
    assert rebase(v2, old).others == {"sector": "Pêche"}


def test_an_answer_the_new_version_stores_differently_is_kept_as_it_would_store_it(
    v1: Flow, v2: Flow
) -> None:
    old = play(v1, FULL).model_copy(update={"answers": {"staff": 120.0, "company": " Acme "}})
    assert rebase(v2, old).answers == {"staff": 120, "company": "Acme"}


# --- skips, history, what is on screen ---------------------------------------------


def test_skips_and_history_keep_only_steps_that_exist(v1: Flow, v2: Flow) -> None:
    old = play(v1, FULL)
    assert old.skipped == ["fax", "ideas"]
    assert "fax" in old.history
    new = rebase(v2, old)
    assert new.skipped == ["ideas"]
    assert new.history == [step for step in old.history if step != "fax"]


def test_a_skip_is_dropped_when_the_question_is_made_required_since(
    v1: Flow, v2: Flow, tmp_path: Path
) -> None:
    stricter_yaml = (
        (FIXTURES / "versions_v2.yaml")
        .read_text(encoding="utf-8")
        .replace("        required: false\n", "")
    )
    (tmp_path / "v3.yaml").write_text(stricter_yaml.replace("version: 2", "version: 3"))
    stricter = flows.load_flow(tmp_path / "v3.yaml")
    old = play(v1, [*UNTIL_RATING, "tap:4", "skip"])
    assert "ideas" in old.skipped and old.current is None

    assert rebase(v2, old).skipped == ["ideas"]
    assert rebase(stricter, old).skipped == []


def test_a_draft_and_a_pending_other_text_are_cleared_and_old_buttons_go_stale(
    v1: Flow, v2: Flow
) -> None:
    drafting = play(v1, [*UNTIL_RATING[:6], "toggle:eu"])
    assert drafting.draft == ["eu"]
    specifying = play(v1, UNTIL_RATING[:5])
    assert specifying.awaiting_other
    for old in (drafting, specifying):
        new = rebase(v2, old)
        assert new.draft is None
        assert not new.awaiting_other
        assert new.seq == old.seq + 1
        assert new.current == old.current


def test_a_finished_response_stays_finished(v1: Flow, v2: Flow) -> None:
    old = play(v1, replaced(FULL, "type:120", "type:1000", "tap:yes"))
    new = rebase(v2, old)
    # Even with a new required question unanswered and an answer dropped.
    assert (new.current, new.finished, new.reviewing) == (None, True, False)
    assert prompt(v2, new, "fr") is None
    rows = {row[0]: row[2] for row in summary(v2, new, "fr")}
    assert rows["founded"] == rows["staff"] == "(sans réponse)"


def test_an_unfinished_response_stays_on_its_step_then_is_asked_what_is_new(
    v1: Flow, v2: Flow
) -> None:
    old = play(v1, UNTIL_RATING)
    assert old.current == "rating"
    new = rebase(v2, old)
    assert new.current == "rating"
    shown = prompt(v2, new, "fr")
    assert shown is not None
    assert (shown.step_id, shown.position, shown.total, shown.answered) == ("rating", 6, 7, 4)
    # 'founded' was added before the step the respondent was on: asked before the end.
    new = play(v2, ["tap:4", "skip"], new)
    assert (new.current, new.finished) == ("founded", False)
    new = play(v2, ["type:1987"], new)
    assert new.finished
    assert effective_answers(v2, new)["founded"] == 1987


def test_a_dropped_answer_before_the_current_step_is_asked_again(v1: Flow, v2: Flow) -> None:
    old = play(v1, replaced(UNTIL_RATING, "toggle:eu", "toggle:asia"))
    new = play(v2, ["tap:4", "skip"], rebase(v2, old))
    assert new.current == "founded"
    new = play(v2, ["type:1987"], new)
    assert new.current == "markets"
    shown = prompt(v2, new, "fr")
    assert shown is not None
    assert shown.selected == ()
    new = play(v2, ["toggle:americas", "confirm"], new)
    assert new.finished


def test_a_removed_current_step_moves_to_the_first_open_question(v1: Flow, v2: Flow) -> None:
    old = play(v1, ["ack", "type:Acme"])
    assert old.current == "fax"
    new = rebase(v2, old)
    assert (new.current, new.finished) == ("founded", False)
    assert new.history == ["welcome", "company"]


def test_a_current_step_now_hidden_moves_to_the_first_open_question(v1: Flow, v2: Flow) -> None:
    old = play(v1, ["ack", "type:Acme", "skip", "type:1000"])
    assert old.current == "group"
    new = rebase(v2, old)
    assert new.current == "founded"
    # Straight on from there, the question whose answer was dropped comes next.
    new = play(v2, ["type:1987"], new)
    assert new.current == "staff"


def test_with_no_open_question_left_an_unfinished_response_finishes(v2: Flow) -> None:
    done = play(v2, ["ack", "type:Acme", "type:1987", "type:12", "tap:industry"])
    done = play(v2, ["toggle:eu", "confirm", "tap:3", "skip"], done)
    assert done.finished
    # Saved on a step this version no longer has, with every other question answered.
    gone = done.model_copy(update={"current": "fax", "finished": False})
    new = rebase(v2, gone)
    assert (new.current, new.finished, new.reviewing) == (None, True, False)


def test_a_revision_in_progress_stays_a_revision(v1: Flow, v2: Flow) -> None:
    old = revise(v1, play(v1, FULL), "rating")
    assert old.reviewing
    new = rebase(v2, old)
    assert (new.current, new.reviewing) == ("rating", True)
    # After the revised answer, the open question, then the end again.
    new = play(v2, ["tap:2"], new)
    assert new.current == "founded"
    new = play(v2, ["type:1987"], new)
    assert new.finished


# --- as data ------------------------------------------------------------------------


def test_rebasing_onto_the_same_version_changes_only_seq(v1: Flow) -> None:
    for moves in (FULL, UNTIL_RATING, ["ack", "type:Acme"], [*FULL, "back", "back"]):
        old = play(v1, moves)
        assert rebase(v1, old) == old.model_copy(update={"seq": old.seq + 1})


def test_rebasing_twice_is_rebasing_once(v1: Flow, v2: Flow) -> None:
    for moves in (FULL, UNTIL_RATING, ["ack", "type:Acme", "skip", "type:1000"]):
        once = rebase(v2, play(v1, moves))
        assert kept_apart_from_seq(rebase(v2, once)) == kept_apart_from_seq(once)


def test_a_rebased_state_round_trips_through_json_and_leaves_its_input_alone(
    v1: Flow, v2: Flow
) -> None:
    old = play(v1, UNTIL_RATING[:5])
    frozen = old.model_dump()
    new = rebase(v2, old)
    assert old.model_dump() == frozen
    assert ResponseState.model_validate_json(new.model_dump_json()) == new


V1_OF_FOUR = """\
id: late
version: 1
title: "Late return"
sections:
  - id: all
    title: "All"
    steps:
      - {id: a, type: text, text: "A ?"}
      - {id: b, type: text, text: "B ?"}
      - {id: c, type: text, text: "C ?"}
      - {id: d, type: text, text: "D ?"}
"""


def test_a_question_added_before_the_answers_leads_on_to_the_next_open_one(
    tmp_path: Path,
) -> None:
    """Stopped at c; version 2 drops c and asks x after a: after x comes d, the first
    question still open, not b and every answer given since (found by a late-return hunt)."""
    v2_text = V1_OF_FOUR.replace("version: 1", "version: 2").replace(
        '      - {id: c, type: text, text: "C ?"}\n', ""
    )
    v2_text = v2_text.replace(
        "      - {id: b,", '      - {id: x, type: text, text: "X ?"}\n      - {id: b,'
    )
    (tmp_path / "v1.yaml").write_text(V1_OF_FOUR, encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(v2_text, encoding="utf-8")
    first, second = (flows.load_flow(tmp_path / f"v{n}.yaml") for n in (1, 2))
    old = play(first, ["type:Alpha", "type:Beta"])
    assert old.current == "c"
    new = rebase(second, old)
    assert new.current == "x"
    new = play(second, ["type:Xi"], new)
    assert new.current == "d"
    new = play(second, ["type:Delta"], new)
    assert new.finished
    assert new.answers == {"a": "Alpha", "b": "Beta", "x": "Xi", "d": "Delta"}


def test_after_a_carry_over_a_later_section_introduction_is_still_shown(
    tmp_path: Path,
) -> None:
    """Going on to the next open question must not skip an information step never seen
    (a review found the carried-over respondent missing every later introduction)."""
    v1_text = V1_OF_FOUR.replace(
        '      - {id: d, type: text, text: "D ?"}\n',
        '      - {id: intro2, type: info, text: "Part two"}\n'
        '      - {id: d, type: text, text: "D ?"}\n',
    )
    v2_text = v1_text.replace("version: 1", "version: 2").replace(
        '      - {id: b, type: text, text: "B ?"}\n', ""
    )
    (tmp_path / "v1.yaml").write_text(v1_text, encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(v2_text, encoding="utf-8")
    first, second = (flows.load_flow(tmp_path / f"v{n}.yaml") for n in (1, 2))
    old = play(first, ["type:Alpha"])
    assert old.current == "b"
    new = rebase(second, old)
    assert new.current == "c"
    new = play(second, ["type:Gamma"], new)
    assert new.current == "intro2"
    new = play(second, ["ack", "type:Delta"], new)
    assert new.finished

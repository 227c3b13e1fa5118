"""`except_chosen_in`: a question does not offer again what was chosen in an earlier one.

"The main obstacle, then up to 2 more" offered the main one among the more, so a
"top 3" could hold two items. These tests drive the engine as a respondent does
(taps, typed answers, forged values, going back, revising) on a small flow made for
it (`fixtures/main_more.yaml`) and on the bundled questionnaire.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import flows
from flows import Flow, ResponseState, display_value, effective_answers, rebase, summary
from flows.messages import message
from tests.flows.test_engine import Chat

FIXTURES = Path(__file__).parent / "fixtures"
UNKNOWN = message("unknown_choice", "fr")


@pytest.fixture(scope="module")
def flow() -> Flow:
    return flows.load_flow(FIXTURES / "main_more.yaml")


@pytest.fixture(scope="module")
def bundled() -> Flow:
    return flows.load_flow(flows.bundled_path("questionnaire.yaml"))


def codes(chat: Chat) -> list[str]:
    return [code for code, _ in chat.prompt.choices]


def at_more(flow: Flow, main: str) -> Chat:
    """A respondent who named `main` as the main obstacle, now asked for more."""
    chat = Chat(flow)
    chat.ok(chat.tap("yes"))
    chat.ok(chat.tap(main))
    if main == "other":
        chat.ok(chat.type("Fournisseurs"))
    assert chat.current == "more"
    return chat


# --- what is offered ----------------------------------------------------------------


def test_the_main_pick_is_not_offered_among_the_more(flow: Flow) -> None:
    chat = at_more(flow, "time")
    assert codes(chat) == ["cost", "skills", "none", "other"]
    assert chat.prompt.max_selected == 2  # as written, whatever is left out


def test_other_and_an_exclusive_none_are_always_offered(flow: Flow) -> None:
    # "Other" as the main one: the more still offer an "Other" of their own, with its text.
    chat = at_more(flow, "other")
    assert codes(chat) == ["cost", "time", "skills", "none", "other"]
    chat.ok(chat.toggle("other"))
    chat.ok(chat.confirm())
    chat.ok(chat.type("Banques"))
    assert chat.state.answers["more"] == ["other"]
    assert chat.state.others == {"main": "Fournisseurs", "more": "Banques"}
    # "none" is an answer of the main question too, but exclusive here: it stays.
    assert "none" in codes(at_more(flow, "none"))


def test_a_hidden_questions_answer_leaves_nothing_out(flow: Flow) -> None:
    chat = at_more(flow, "time")
    chat.back()
    chat.back()
    assert chat.current == "gate"
    chat.ok(chat.tap("no"))  # "main" is hidden now: its answer, kept, no longer counts
    assert chat.current == "more"
    assert "main" in chat.state.answers
    assert codes(chat) == ["cost", "time", "skills", "none", "other"]


def test_a_single_choice_leaves_out_too_and_a_ranking_can_be_named(flow: Flow) -> None:
    chat = at_more(flow, "time")
    chat.ok(chat.toggle("none"))
    chat.ok(chat.confirm())
    chat.ok(chat.skip())  # "pair", optional
    assert (chat.current, codes(chat)) == ("second", ["cost", "other"])
    chat.ok(chat.tap("cost"))
    chat.ok(chat.toggle("skills", "cost"))  # the ranking: two items, in order
    chat.ok(chat.confirm())
    assert (chat.current, codes(chat)) == ("rest", ["time", "travel"])


def test_the_bundled_more_questions_leave_out_the_main_pick(bundled: Flow) -> None:
    for main, more in [
        ("innov_barrier_main", "innov_barriers_more"),
        ("talent_barrier_main", "talent_barriers_more"),
    ]:
        state = ResponseState(
            current=more, answers={main: "time" if "innov" in main else "housing"}
        )
        shown = flows.prompt(bundled, state, "fr")
        assert shown is not None
        offered = [code for code, _ in shown.choices]
        assert state.answers[main] not in offered, more
        assert offered[-2:] == ["none", "other"]
        every = [code for code, _ in flows.choice_labels(bundled, bundled.step(more), "fr")]
        assert offered == [code for code in every if code != state.answers[main]]


# --- refused: forged taps and values -------------------------------------------------


def test_a_forged_tap_on_the_main_pick_is_refused_and_changes_nothing(flow: Flow) -> None:
    chat = at_more(flow, "time")
    assert chat.toggle("time") == UNKNOWN
    assert chat.prompt.selected == ()
    assert chat.answer(["cost", "time"]) == UNKNOWN  # a value submitted whole (web, terminal)
    assert chat.answer(["time"]) == UNKNOWN
    chat.ok(chat.toggle("cost"))
    assert chat.confirm() is None
    assert chat.state.answers["more"] == ["cost"]


def test_a_forged_or_typed_single_choice_is_refused(flow: Flow) -> None:
    chat = at_more(flow, "time")
    chat.ok(chat.toggle("none"))
    chat.ok(chat.confirm())
    chat.ok(chat.skip())
    assert chat.current == "second"
    assert chat.tap("time") == UNKNOWN
    assert chat.type("Temps") == UNKNOWN  # typed by its name: the same refusal
    assert "second" not in chat.state.answers
    chat.ok(chat.type("Coût"))
    assert chat.state.answers["second"] == "cost"


# --- a minimum that could no longer be reached ---------------------------------------


def test_a_minimum_is_lowered_to_what_is_left(flow: Flow) -> None:
    chat = at_more(flow, "other")
    chat.ok(chat.toggle("cost", "time"))
    chat.ok(chat.confirm())
    # "pair" asks for at least 2 of cost, time and skills: only skills is left.
    assert (chat.current, codes(chat)) == ("pair", ["skills"])
    assert chat.prompt.min_selected == 1
    chat.ok(chat.toggle("skills"))
    chat.ok(chat.confirm())
    assert chat.state.answers["pair"] == ["skills"]


def test_a_minimum_still_reachable_is_kept(flow: Flow) -> None:
    chat = at_more(flow, "time")
    chat.ok(chat.toggle("cost"))
    chat.ok(chat.confirm())
    assert (chat.current, codes(chat), chat.prompt.min_selected) == ("pair", ["time", "skills"], 2)
    chat.ok(chat.toggle("time"))
    assert chat.confirm() == message("too_few", "fr", min=2)


# --- changing the main answer ---------------------------------------------------------


def test_going_back_to_change_the_main_one_unticks_it_among_the_more(flow: Flow) -> None:
    chat = at_more(flow, "time")
    chat.ok(chat.toggle("cost", "skills"))
    chat.ok(chat.confirm())
    chat.back()
    chat.back()
    assert chat.current == "main"
    chat.ok(chat.tap("skills"))
    # Asked again: skills is no longer offered nor ticked, and Enter keeps what is ticked.
    assert chat.current == "more"
    assert (codes(chat), chat.prompt.selected) == (["cost", "time", "none", "other"], ("cost",))
    assert chat.prompt.earlier == ["cost"]
    assert chat.state.answers["more"] == ["cost", "skills"]  # stored as given until answered
    chat.ok(chat.answer(chat.prompt.earlier))
    assert chat.state.answers["more"] == ["cost"]


def test_ticking_again_starts_from_the_earlier_answer_without_the_main_one(flow: Flow) -> None:
    chat = at_more(flow, "time")
    chat.ok(chat.toggle("skills"))
    chat.ok(chat.confirm())
    chat.back()
    chat.back()
    chat.ok(chat.tap("skills"))
    assert (chat.prompt.selected, chat.prompt.earlier) == ((), None)
    assert chat.confirm() == message("too_few_one", "fr")
    chat.ok(chat.toggle("cost"))
    assert chat.prompt.selected == ("cost",)
    chat.ok(chat.confirm())
    assert chat.state.answers["more"] == ["cost"]


def test_revising_the_main_one_from_the_summary_keeps_the_more_as_given(flow: Flow) -> None:
    chat = at_more(flow, "time")
    chat.ok(chat.toggle("cost", "skills"))
    chat.ok(chat.confirm())
    chat.ok(chat.skip())
    chat.ok(chat.tap("cost"))
    chat.ok(chat.toggle("skills", "cost"))
    chat.ok(chat.confirm())
    chat.ok(chat.toggle("time"))
    chat.ok(chat.confirm())
    assert chat.prompt_or_none() is None  # finished
    chat.revise("main")
    chat.ok(chat.tap("skills"))
    # Back at the end: "more" is not asked again and keeps skills, now the main one too
    # (docs/flow-format.md says so); "second" keeps cost, still offered.
    assert chat.prompt_or_none() is None
    counted = effective_answers(flow, chat.state)
    assert (counted["main"], counted["more"], counted["second"]) == (
        "skills",
        ["cost", "skills"],
        "cost",
    )
    read = {question: shown for question, _, shown in summary(flow, chat.state, "fr")}
    assert read["more"] == "Coût · Compétences"
    # Reopened, it offers and ticks what it can; the stored answer reads back in full.
    chat.revise("more")
    assert (codes(chat), chat.prompt.selected) == (["cost", "time", "none", "other"], ("cost",))
    step = flow.step("more")
    assert display_value(flow, step, ["cost", "skills"], None, "fr") == "Coût · Compétences"


def test_a_new_version_keeps_a_more_answer_holding_the_main_one(flow: Flow) -> None:
    # Answers are carried by what the question accepts, not by what it offers today.
    given = {"gate": "yes", "main": "time", "more": ["time", "cost"]}
    state = rebase(flow, ResponseState(current="pair", history=list(given), answers=given))
    assert state.answers["more"] == ["time", "cost"]

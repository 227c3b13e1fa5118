"""conversation.rules on its own: which move a button makes, stale buttons, actions never offered."""

from __future__ import annotations

import pytest

from conversation import Action, Intent
from conversation.rules import go_back, is_stale, move, offered
from flows import Flow, ResponseState, StageDef, acknowledge, answer, start


def at(flow: Flow, *answers: object) -> ResponseState:
    """mini.yaml's state after the information step and `answers`, in order."""
    state = acknowledge(flow, start(flow), "fr").state
    for value in answers:
        outcome = answer(flow, state, value, "fr")
        assert outcome.accepted, outcome.error
        state = outcome.state
    return state


def act(state: ResponseState, intent: Intent, value: str = "") -> Action:
    return Action(intent, seq=state.seq, step=state.current or "", value=value)


def test_choose_answers_a_single_choice(mini_flow: Flow) -> None:
    state = at(mini_flow, "Acme", 12)

    outcome = move(mini_flow, state, act(state, Intent.CHOOSE, "services"), "fr")

    assert outcome.accepted
    assert outcome.state.answers["sector"] == "services"
    assert outcome.state.current == "exports"
    assert outcome.state.seq == state.seq + 1


def test_same_gives_the_earlier_typed_answer_again_as_it_was(mini_flow: Flow) -> None:
    state = at(mini_flow, "Acme", 12)
    state = go_back(mini_flow, go_back(mini_flow, state, "fr").state, "fr").state
    assert state.current == "company"

    outcome = move(mini_flow, state, act(state, Intent.SAME), "fr")

    assert outcome.accepted
    assert outcome.state.answers["company"] == "Acme"
    assert outcome.state.current == "staff"


def test_same_with_nothing_given_before_asks_for_an_answer(mini_flow: Flow) -> None:
    state = at(mini_flow)  # the company's name, never answered: a forged button

    outcome = move(mini_flow, state, act(state, Intent.SAME), "fr")

    assert not outcome.accepted
    assert outcome.error == "Il n’y a pas encore de réponse à garder\u00a0: écrivez la vôtre."
    assert outcome.state == state


def test_choose_on_a_scale_takes_the_number(mini_flow: Flow) -> None:
    state = at(mini_flow, "Acme", 12, "industry", "no")
    assert state.current == "importance"

    outcome = move(mini_flow, state, act(state, Intent.CHOOSE, "4"), "fr")

    assert outcome.state.answers["importance"] == 4


def test_toggle_builds_a_draft_and_confirm_answers_with_it(mini_flow: Flow) -> None:
    state = at(mini_flow, "Acme", 12, "industry", "yes")
    assert state.current == "markets"

    ticked = move(mini_flow, state, act(state, Intent.TOGGLE, "asia"), "fr").state
    assert (ticked.current, ticked.draft, ticked.answers.get("markets")) == (
        "markets",
        ["asia"],
        None,
    )

    confirmed = move(mini_flow, ticked, act(ticked, Intent.CONFIRM), "fr")
    assert confirmed.state.answers["markets"] == ["asia"]
    assert confirmed.state.current == "share"


def test_toggle_on_a_single_choice_is_refused(mini_flow: Flow) -> None:
    state = at(mini_flow, "Acme", 12)

    outcome = move(mini_flow, state, act(state, Intent.TOGGLE, "industry"), "fr")

    assert outcome.error == "Merci de répondre avec les boutons proposés."
    assert outcome.state == state


def test_skip_clears_an_optional_answer_and_refuses_a_required_one(mini_flow: Flow) -> None:
    on_share = at(mini_flow, "Acme", 12, "industry", "yes", ["eu"])
    skipped = move(mini_flow, on_share, act(on_share, Intent.SKIP), "fr")
    assert skipped.accepted
    assert skipped.state.skipped == ["share"]
    assert skipped.state.current == "importance"

    on_staff = at(mini_flow, "Acme")
    refused = move(mini_flow, on_staff, act(on_staff, Intent.SKIP), "fr")
    assert refused.error == "Cette question est obligatoire."
    assert refused.state == on_staff


def test_back_returns_to_the_previous_step_and_says_when_there_is_none(mini_flow: Flow) -> None:
    state = at(mini_flow, "Acme")
    backed = move(mini_flow, state, act(state, Intent.BACK), "fr")
    assert backed.accepted
    assert backed.state.current == "company"
    assert backed.state.answers["company"] == "Acme"

    first = start(mini_flow)
    assert go_back(mini_flow, first, "en").error == "This is the first question."
    assert go_back(mini_flow, first, "fr").state == first


def test_next_goes_on_from_an_information_step_only(mini_flow: Flow) -> None:
    first = start(mini_flow)
    assert move(mini_flow, first, act(first, Intent.NEXT), "fr").state.current == "company"

    on_company = at(mini_flow)
    refused = move(mini_flow, on_company, act(on_company, Intent.NEXT), "fr")
    assert refused.error == "Cette question est obligatoire."


def test_is_stale(mini_flow: Flow) -> None:
    state = at(mini_flow, "Acme")
    assert state.current == "staff"

    assert not is_stale(state, "staff", state.seq)
    assert is_stale(state, "staff", state.seq - 1)  # before the state last changed
    assert is_stale(state, "staff", state.seq + 1)  # made up
    assert is_stale(state, "company", state.seq)  # another question
    finished = state.model_copy(update={"finished": True, "current": None})
    assert is_stale(finished, "staff", state.seq)


@pytest.fixture
def two_stages() -> list[StageDef]:
    return [
        StageDef(code="pithiviers", city="Pithiviers"),
        StageDef(code="x" * 64, city="Longueville"),
    ]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (Action(Intent.STAGE, stage="pithiviers"), True),
        (Action(Intent.STAGE, stage="PITHIVIERS"), True),
        (Action(Intent.STAGE, stage="nowhere"), False),
        (Action(Intent.STAGE), False),
        (Action(Intent.NO_STAGE), True),
        # A workshop since removed from the stages file is dropped, not refused.
        (Action(Intent.RESTART, stage="nowhere"), True),
        (Action(Intent.RESTART), True),
        (Action(Intent.LANGUAGE, value="en"), True),
        (Action(Intent.LANGUAGE, value="de"), False),
        (Action(Intent.LANGUAGE, value=""), False),
        (Action(Intent.CONSENT), False),
        (Action(Intent.DECLINE, lang="en"), False),
        (Action(Intent.RESUME), True),
        # "Go on" under another workshop's offer: the person's own workshop.
        (Action(Intent.RESUME, stage="pithiviers"), True),
        (Action(Intent.RESUME, stage="nowhere"), False),
        # An audience, on a bot with one questionnaire: never offered.
        (Action(Intent.RESUME, stage="pithiviers__territoire"), False),
        (Action(Intent.ERASE), True),
    ],
)
def test_offered_for_a_flow_without_a_notice(
    mini_flow: Flow, two_stages: list[StageDef], action: Action, expected: bool
) -> None:
    assert offered(action, mini_flow, two_stages, None, "fr") is expected


def test_a_long_stage_code_travels_as_its_digest(
    mini_flow: Flow, two_stages: list[StageDef]
) -> None:
    from flows import stage_ref

    ref = stage_ref(two_stages[1])
    assert ref.startswith("#") and len(ref) == 17
    assert offered(Action(Intent.STAGE, stage=ref), mini_flow, two_stages, None, "fr")
    assert not offered(
        Action(Intent.STAGE, stage="#0000000000000000"), mini_flow, two_stages, None, "fr"
    )


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (Action(Intent.CONSENT), True),
        (Action(Intent.CONSENT, lang="en"), True),
        (Action(Intent.DECLINE, lang="fr"), True),
        (Action(Intent.CONSENT, lang="de"), False),
        (Action(Intent.CONSENT, stage="pithiviers"), True),
        (Action(Intent.DECLINE, stage="nowhere"), True),
    ],
)
def test_offered_for_a_flow_with_a_notice(
    bundled_flow: Flow, two_stages: list[StageDef], action: Action, expected: bool
) -> None:
    assert offered(action, bundled_flow, two_stages, None, "fr") is expected


def test_revise_is_offered_only_for_a_question_of_the_summary(mini_flow: Flow) -> None:
    state = at(mini_flow, "Acme", 12, "industry", "no")  # 'markets' and 'share' not shown

    def revising(step: str, on: ResponseState | None) -> bool:
        return offered(Action(Intent.REVISE, value=step), mini_flow, [], on, "fr")

    assert revising("staff", state)
    assert revising("exports", state)
    assert not revising("markets", state)  # hidden by 'exports = no'
    assert revising("importance", state)  # shown, not answered yet: in the summary as such
    assert not revising("email", state)  # asked only from importance 4 up
    assert not revising("nope", state)
    assert not revising("welcome", state)  # information, not a question
    assert not revising("staff", None)  # no response at all


def test_a_workshop_code_holding_the_separator_is_its_own_with_one_questionnaire(
    mini_flow: Flow,
) -> None:
    """With one questionnaire a code may hold "__" ("pith__2019"): "go on" carrying it is
    the person's own workshop, not "pith" for an audience "2019"."""
    stages = [StageDef(code="pith__2019", city="Pithiviers")]
    assert offered(Action(Intent.RESUME, stage="pith__2019"), mini_flow, stages, None, "fr")

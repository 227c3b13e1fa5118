"""The service's memory of each response's last state: parsed once, prompted once, never stale.

`conversation/known_states.py` gives a turn the state its person's previous turn
wrote, and the prompt already computed for it, when the stored JSON is the text it
wrote. That is only right if a state read back from its JSON is the very state
written (to the type of every value: 1 and 1.0 and "1" read differently), and if
a write by another instance is never mistaken for the one remembered.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversation import Conversation, known_states
from conversation.known_states import KnownStates
from flows import Flow, ResponseState, prompt, start
from tests.conversation.conftest import ERASE_YES, ChatFactory, mini_to
from tests.flows.test_prompt_cache import FLOWS, MOVES, act

NOW = datetime(2026, 6, 5, 9, 0, tzinfo=UTC)


def typed(value: Any) -> Any:
    """`value` with the type of everything in it spelled out: 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return ("dict", [(key, typed(item)) for key, item in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [typed(item) for item in value])
    return (type(value).__name__, value)


def fields(state: ResponseState) -> Any:
    return typed({name: getattr(state, name) for name in ResponseState.model_fields})


@pytest.mark.parametrize("name", sorted(FLOWS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_state_the_engine_makes_reads_back_from_its_json_as_written(
    name: str, data: st.DataObject
) -> None:
    flow = FLOWS[name]
    lang = data.draw(st.sampled_from(flow.languages), label="language")
    state = start(flow)
    for _ in range(MOVES):
        read_back = ResponseState.model_validate_json(state.model_dump_json())
        assert fields(read_back) == fields(state)
        assert prompt(flow, read_back, lang) == prompt(flow, state, lang)
        state = act(flow, state, lang, data)


@pytest.mark.parametrize(
    "value", [12, 12.0, -0.0, 0.1 + 0.2, 1e16, 10**30, "3", "", ["a", "b"], [], "é\u202f😀"]
)
def test_every_kind_of_answer_value_reads_back_with_its_type(value: Any) -> None:
    # The walk above types whole numbers and words; a number question may store a float.
    state = ResponseState(current="q", answers={"n": value}, others={"n": "x"}, draft=[])
    assert fields(ResponseState.model_validate_json(state.model_dump_json())) == fields(state)


# --- the memory itself ----------------------------------------------------------------


def test_a_text_as_written_gives_the_state_written_and_another_text_is_parsed() -> None:
    known = KnownStates()
    flow = FLOWS["bundled"]
    written = start(flow)
    text = written.model_dump_json()
    known.wrote(7, text, written, NOW)

    assert known.parse(7, text, NOW) is written
    changed = written.model_copy(update={"seq": 5})
    other = known.parse(7, changed.model_dump_json(), NOW)
    assert other is not written and other == changed
    # The text another instance wrote is now the one known.
    assert known.parse(7, changed.model_dump_json(), NOW) is other
    # Another response with the same text (SQLite reuses an erased response's id, too):
    # the same text is the same state, parsed once for each response.
    assert known.parse(8, changed.model_dump_json(), NOW) == changed


def test_a_prompt_is_computed_once_per_state_flow_and_language() -> None:
    known = KnownStates()
    flow = FLOWS["bundled"]
    state = start(flow)
    known.wrote(7, state.model_dump_json(), state, NOW)
    with mock.patch.object(known_states, "prompt", wraps=prompt) as computed:
        first = known.prompt(7, flow, state, "fr", NOW)
        assert known.prompt(7, flow, state, "fr", NOW) is first
        assert computed.call_count == 1
        english = known.prompt(7, flow, state, "en", NOW)
        assert english is not None and first is not None and english.text != first.text
        # A state that is not the one known (a rebased copy): computed, never looked up.
        copy = state.model_copy()
        assert known.prompt(7, flow, copy, "fr", NOW) == first
        # A flow that is not the one the prompt was made for, even if it looks the same.
        assert known.prompt(7, flow.model_copy(deep=True), state, "fr", NOW) == first
        assert computed.call_count == 4


def test_a_response_not_seen_for_a_while_is_forgotten() -> None:
    known = KnownStates(window=timedelta(minutes=5), kept=2)
    flow = FLOWS["bundled"]
    state = start(flow)
    text = state.model_dump_json()
    known.wrote(1, text, state, NOW)
    assert known.parse(1, text, NOW + timedelta(minutes=4)) is state
    assert known.parse(1, text, NOW + timedelta(minutes=6)) is not state
    for response in (2, 3, 4):  # at most two responses kept: the first goes
        known.wrote(response, text, state, NOW)
    assert known.parse(2, text, NOW) is not state
    assert known.parse(4, text, NOW) is state


# --- through the service ------------------------------------------------------------------


@pytest.fixture
def prompts_made() -> Iterator[mock.MagicMock]:
    with mock.patch.object(known_states, "prompt", wraps=prompt) as made:
        yield made


async def test_a_tap_computes_only_the_prompt_of_the_next_question(
    chat: ChatFactory, mini: Conversation, prompts_made: mock.MagicMock
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    prompts_made.reset_mock()

    await ana.press("Industrie")

    assert ana.kinds == ["Answered", "Question"]
    assert ana.answered.prompt.step_id == "sector"  # the question left: made when it was asked
    assert ana.prompt.step_id == "exports"
    assert [call.args[1].current for call in prompts_made.call_args_list] == ["exports"]


async def test_after_a_restart_the_first_tap_computes_both_prompts(
    chat: ChatFactory,
    mini: Conversation,
    converse: Any,
    mini_flow: Flow,
    prompts_made: mock.MagicMock,
) -> None:
    before = chat(mini)
    await mini_to(before, "sector")
    ana = chat(converse(mini_flow))  # a new process: nothing known
    prompts_made.reset_mock()

    await ana.tap(before.action("Industrie"))  # the button shown before the restart

    assert ana.answered.prompt.step_id == "sector"
    assert ana.prompt.step_id == "exports"
    assert [call.args[1].current for call in prompts_made.call_args_list] == ["sector", "exports"]


async def test_two_instances_answering_in_turn_each_read_what_the_other_wrote(
    chat: ChatFactory, converse: Any, mini_flow: Flow
) -> None:
    # Behind a load balancer, one person's inputs land on either instance. Each instance
    # remembers the state it wrote last; the other has moved on since.
    first, second = converse(mini_flow), converse(mini_flow)
    on_first, on_second = chat(first, "ana"), chat(second, "ana")
    await mini_to(on_first, "company")

    await on_first.write("Acme")  # the first instance remembers: "staff" is asked
    await on_second.write("12")  # the second answers it: "sector" is asked
    assert on_second.prompt.step_id == "sector"
    # The sector button, from the chat (either instance's message): the first instance
    # must read from the store that "sector" is asked now, not "staff".
    await on_first.tap(on_second.action("Industrie"))

    assert on_first.kinds == ["Answered", "Question"]
    assert on_first.answered.prompt.step_id == "sector"
    assert on_first.prompt.step_id == "exports"
    assert (on_first.prompt.position, on_first.prompt.answered) == (4, 3)


async def test_erasing_a_person_forgets_the_answers_held_in_memory(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana, bob = chat(mini, "ana"), chat(mini, "bob")
    await mini_to(ana, "sector")  # "Acme", 12 salariés: held with the state
    await mini_to(bob, "staff")
    assert len(mini._known) == 2

    await ana.command("delete")
    await ana.press(ERASE_YES)

    assert len(mini._known) == 1  # bob's only
    await bob.write("12")
    assert bob.prompt.step_id == "sector"

"""A question's button from before an erasure answers nothing of the response started after it.

An erasure removes the state and its sequence number; the keyboard under an old
question may still be on the person's phone (the bot restarted since, so nothing
in memory knows it). A new response starts at an unpredictable sequence number,
so that button is stale rather than an answer to the same question asked again.
"""

from __future__ import annotations

from conversation import Conversation, Status
from conversation.tokens import decode, encode
from tests.conftest import Peek
from tests.conversation.conftest import ERASE_YES, ChatFactory, mini_to


async def test_an_old_question_button_is_stale_for_the_response_started_after_an_erasure(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    old = ana.action("Services")  # still on the phone after the erasure
    await ana.command("delete")
    await ana.press(ERASE_YES)
    assert peek.query("SELECT count(*) FROM responses") == [(0,)]

    ana.conversation = mini.__class__(mini.store, mini.flow, mini.stages, clock=mini.clock)
    await mini_to(ana, "sector")  # the same question of a new response, the same path to it
    fresh = ana.action("Industrie")
    reply = await ana.tap(decode(encode(old)))

    assert reply.status == Status.STALE
    assert peek.query("SELECT question_id FROM answers WHERE question_id = 'sector'") == []
    await ana.tap(fresh)
    assert peek.query("SELECT value_json FROM answers WHERE question_id = 'sector'") == [
        ('"industry"',)
    ]


async def test_new_responses_start_at_different_sequence_numbers(
    chat: ChatFactory, mini: Conversation
) -> None:
    starts = set()
    for name in ("ana", "bob", "cleo", "dan"):
        person = chat(mini, name)
        await person.start()
        seq = person.prompt.seq
        assert 0 <= seq < 10**9 - 10**8  # room to count up: see conversation/tokens.py
        starts.add(seq)
    assert len(starts) > 1

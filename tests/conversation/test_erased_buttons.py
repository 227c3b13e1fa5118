"""Buttons made before an erasure: none of them erases the person who starts again after it.

An erasure removes every row about the person, their state and its sequence number with
them: a new start counts from the beginning again. "Oui, tout effacer" carries a mark of
the response it was offered for, so one pressed after the erasure is for another moment.
"""

from __future__ import annotations

from conversation import Conversation, Goodbye, Status
from tests.conftest import Peek
from tests.conversation.conftest import ERASE_NO, ERASE_YES, ChatFactory, agree


async def test_an_unpressed_confirmation_from_before_an_erasure_erases_nobody_after_it(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    await ana.command("delete")
    first_menu = ana.action(ERASE_YES)  # never pressed
    await ana.command("delete")
    await ana.press(ERASE_YES)
    assert peek.query("SELECT count(*) FROM respondents") == [(0,)]
    await agree(ana, "pithiviers")
    await ana.write("Globex")  # the same moment of a new response as the menus were for

    reply = await ana.tap(first_menu)

    assert reply.status == Status.STALE
    assert not any(isinstance(screen, Goodbye) for screen in reply.screens)
    assert peek.query("SELECT count(*) FROM respondents") == [(1,)]
    assert peek.query("SELECT question_id, value_json FROM answers") == [
        ("company_name", '"Globex"')
    ]


async def test_a_confirmation_offered_after_starting_again_still_erases(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.command("delete")
    await ana.press(ERASE_YES)
    await agree(ana, "pithiviers")
    await ana.write("Globex")
    await ana.command("delete")
    await ana.press(ERASE_NO)
    await ana.command("delete")

    await ana.press(ERASE_YES)

    assert isinstance(ana.screens[-1], Goodbye)
    assert peek.query("SELECT count(*) FROM respondents") == [(0,)]

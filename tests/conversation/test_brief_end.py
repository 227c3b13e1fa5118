"""The end reached again with the summary just seen: a chat may keep it behind a button.

After one answer changed from the summary, or "Cancel" in "which answer to change?", or
"No" to erasing, the person has the summary just above, numbered as now: the end's
`Summary` then carries "see all my answers" (`whole`), which Telegram sends as one line
and two buttons instead of some 4,000 characters again. A change that opened or closed
questions renumbers the lines: the summary is then whole, as the picker's numbers are
read from it.
"""

from __future__ import annotations

import pytest

from conversation import Action, BadToken, Conversation, Intent, Summary, decode, encode
from tests.conversation.conftest import REVISE, Chat, ChatFactory, mini_to, mini_to_end

WHOLE = "📋 Revoir toutes mes réponses"


def number_of(summary: Summary, question_start: str) -> str:
    """The summary's number of the question starting so, as the picker offers it."""
    found = [q for q, _ in summary.entries if q.split(". ", 1)[1].startswith(question_start)]
    assert len(found) == 1, found
    return found[0].split(".", 1)[0]


async def changing(ana: Chat, question_start: str) -> Summary:
    """From the summary (the one returned), the question starting so opened to change."""
    before = ana.summary
    await ana.press(REVISE)
    await ana.press(number_of(before, question_start))
    return before


async def test_one_answer_changed_alone_ends_with_the_summary_behind_a_button(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    before = await changing(ana, "Nom")

    await ana.write("Acme SA")

    assert ana.messages == ["Réponse modifiée, merci\u00a0!"]
    assert ana.summary.whole is not None and ana.summary.whole.label == WHOLE
    assert len(ana.summary.entries) == len(before.entries)
    await ana.press(WHOLE)
    assert ana.kinds == ["Summary"] and ana.summary.whole is None
    assert ("1. Nom ?", "Acme SA") in ana.summary.entries


async def test_a_change_that_closes_questions_shows_the_summary_whole(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    before = await changing(ana, "Exportez-vous")

    await ana.press("Non")  # the markets and their share are no longer asked

    assert len(ana.summary.entries) < len(before.entries)
    assert ana.summary.whole is None  # renumbered: the picker reads its numbers here


async def test_a_change_that_opens_a_question_shows_the_summary_whole(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to(ana, "importance")
    await ana.press("2")  # the e-mail is asked only from 4 up
    await ana.press("Coût")
    await ana.press("Temps")
    await ana.confirm()
    await ana.skip()
    before = await changing(ana, "Importance")
    await ana.press("5")
    assert ana.prompt.step_id == "email"

    await ana.write("ana@acme.fr")

    assert ana.summary.whole is None
    assert len(ana.summary.entries) == len(before.entries) + 1


async def test_no_to_erasing_once_finished_says_nothing_was_erased(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    await ana.command("delete")

    await ana.press("Non, garder mes réponses")

    assert ana.messages == ["Rien n’a été effacé."]  # not the end's thanks again
    assert ana.kinds == ["Message", "Summary"] and ana.summary.whole is not None


@pytest.mark.parametrize(
    ("intent", "value"), [(Intent.SUMMARY, "all"), (Intent.KEEP, "no")], ids=["whole", "declined"]
)
def test_only_the_values_drawn_travel_in_a_button(intent: Intent, value: str) -> None:
    for action in (Action(intent, value=value), Action(intent)):
        assert decode(encode(action)) == action
    with pytest.raises(BadToken):
        decode(encode(Action(intent, value="company")))

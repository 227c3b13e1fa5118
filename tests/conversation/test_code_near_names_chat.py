"""In a chat, "Corse" at the département question is answered with the two it may mean."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conversation import Conversation, Question
from flows import Flow
from storage import Store
from tests.conversation.conftest import ChatFactory
from tests.conversation.test_code_question import at_the_departement


async def test_corse_is_offered_both_departements_then_one_is_kept(
    tmp_path: Path, converse: Callable[[Flow], Conversation], chat: ChatFactory, store: Store
) -> None:
    ana = await at_the_departement(tmp_path, converse, chat)

    await ana.write("Corse")
    assert ana.messages == ["Vouliez-vous dire Corse-du-Sud (2A) ou Haute-Corse (2B)\u00a0?"]
    assert ana.prompt.step_id == "departement"
    # Asked again with both, for a channel with buttons to offer: one tap, no typing.
    (again,) = [screen for screen in ana.reply.screens if isinstance(screen, Question)]
    assert again.offered == (("2A", "2A – Corse-du-Sud"), ("2B", "2B – Haute-Corse"))

    await ana.write("haute corse")
    assert ana.answered.answer == "2B – Haute-Corse"
    answers = await store.answers_for(ana.reply.response_id or 0)
    assert answers["departement"].value == "2B"

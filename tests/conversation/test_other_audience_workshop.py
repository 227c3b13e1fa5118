"""The other questionnaire's link, from another workshop: the offer says so.

Someone answering the companies' questionnaire at Pithiviers who opens the
territory's link of Vitré was offered the switch with no word of the workshop:
switching would tag their new answers with Vitré. The offer now says which
workshop their answers are linked to and which one the link is for.
"""

from __future__ import annotations

from conversation import Conversation
from tests.conftest import Peek
from tests.conversation.conftest import AGREE, ChatFactory
from tests.conversation.test_other_audience import SWITCH, SWITCH_YES, _two_company_answers


async def test_a_link_of_another_workshop_says_switching_answers_for_it(
    both: Conversation, chat: ChatFactory, peek: Peek
) -> None:
    ana = chat(both)
    await _two_company_answers(ana)  # at Pithiviers
    await ana.start("exemple_bretagne__territoire")

    (said,) = ana.messages
    assert said.startswith("Vos réponses sont rattachées à l’atelier de Pithiviers\u00a0; ")
    assert said.endswith(
        "de l’atelier de Vitré\u00a0: en changeant de questionnaire, vous répondriez pour Vitré."
    )
    await ana.press(SWITCH)
    await ana.press(SWITCH_YES)
    await ana.press(AGREE)
    assert peek.query("SELECT stage_code FROM responses") == [("exemple_bretagne",)]


async def test_the_same_workshops_other_link_says_nothing_of_workshops(
    both: Conversation, chat: ChatFactory
) -> None:
    ana = chat(both)
    await _two_company_answers(ana)
    await ana.start("pithiviers__territoire")
    assert ana.messages == []

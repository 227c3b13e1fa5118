"""The wrong questionnaire picked from "who is answering?", found out after a few answers.

Before any answer, "↩ Changer de questionnaire" and /back lead to the list again
(conversation/choosing.py). After one, the only way out was the other questionnaire's
own link, which the person does not have: "Recommencer" started the same one over, and
the workshop's link reopened it. "Start over?" now offers the other questionnaire too,
confirmed as the switch always is, saying what it erases.
"""

from __future__ import annotations

from conversation import Command, CommandName, Conversation
from flows import Flow
from tests.conftest import Peek
from tests.conversation.conftest import AGREE, ChatFactory

COMPANY, ACTOR = "Une entreprise", "Un acteur du territoire"
TO_COMPANY = f"Passer à «\u00a0{COMPANY}\u00a0»"
SWITCH_YES = "Oui, changer de questionnaire"


async def test_start_over_offers_the_other_questionnaire_and_switches_to_it(
    both: Conversation, chat: ChatFactory, peek: Peek, bundled_flow: Flow
) -> None:
    ana = chat(both)
    await ana.start("pithiviers")
    await ana.press(ACTOR)  # meant "Une entreprise"
    await ana.press(AGREE)
    await ana.write("CCI du Loiret")

    await ana.send(Command(CommandName.RESTART))
    assert TO_COMPANY in ana.labels()
    await ana.press(TO_COMPANY)
    assert "efface" in ana.menu.text  # what switching erases, asked first
    await ana.press(SWITCH_YES)

    assert peek.query("SELECT COUNT(*) FROM answers") == [(0,)]
    if AGREE in ana.labels():
        await ana.press(AGREE)
    assert ana.prompt.step_id == bundled_flow.steps()[0].id
    assert peek.query("SELECT flow_id, stage_code FROM responses") == [
        (bundled_flow.id, "pithiviers")
    ]


async def test_a_bot_with_one_questionnaire_offers_only_to_start_over(
    bundled: Conversation, chat: ChatFactory
) -> None:
    ana = chat(bundled)
    await ana.start("pithiviers")
    await ana.press(AGREE)
    await ana.write("ACME")

    await ana.send(Command(CommandName.RESTART))

    assert ana.labels() == ["Oui, recommencer", "Non, continuer"]

"""Coming back with nothing answered yet: the first question, not an offer to "go on" with
"0 réponse sur 51" or start over from where one already is."""

from __future__ import annotations

from conversation import Command, CommandName, Conversation
from tests.conversation.conftest import AGREE, RESTART_YES, ChatFactory, agree, mini_to


async def test_agreed_then_back_later_opens_the_first_question(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    first = ana.prompt.step_id

    await ana.start("pithiviers")

    assert ana.kinds == ["Question"]
    assert ana.prompt.step_id == first


async def test_started_over_then_back_later_opens_the_first_question(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    await ana.send(Command(CommandName.RESTART))
    await ana.press(RESTART_YES)

    await ana.start()

    assert "Menu" not in ana.kinds
    assert "0 réponse" not in " ".join(ana.messages)


async def test_with_an_answer_given_the_offer_to_go_on_stays(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)
    await agree(ana, "pithiviers")
    await ana.write("ACME")

    await ana.start("pithiviers")

    assert ana.menu.text.startswith("Vous avez un questionnaire en cours")
    assert AGREE not in ana.labels()

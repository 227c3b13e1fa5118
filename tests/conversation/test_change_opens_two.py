"""A change of answer that opens two questions says why once in a chat, on each page.

"Exportez-vous ?" changed from "Non" to "Oui" opens the markets and their share. A chat
said "Votre modification appelle aussi cette question :" above each of them, twice in a
row; the reason holds for both, and the first is just above. A page is drawn anew for
each question: it says it on each.
"""

from __future__ import annotations

from conversation import Conversation, Intent, Message, Pressed, Question, Reply
from tests.conversation.conftest import REVISE, Chat, ChatFactory, mini_to

OPENED = "Votre modification appelle aussi cette question\u00a0:"


async def exports_changed_to_yes(ana: Chat) -> None:
    await mini_to(ana, "exports")
    await ana.press("Non")
    await mini_to(ana, "email")
    await ana.write("ana@acme.fr")
    await ana.press(REVISE)
    await ana.press("4")  # Exportez-vous ?
    await ana.press("Oui")


def said(reply: Reply) -> list[str]:
    return [screen.text for screen in reply.screens if isinstance(screen, Message)]


async def test_a_chat_says_why_above_the_first_question_opened_only(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await exports_changed_to_yes(ana)
    assert ana.prompt.step_id == "markets" and OPENED in ana.messages

    await ana.press("Europe")
    await ana.confirm()

    assert ana.prompt.step_id == "share"
    assert OPENED not in ana.messages


async def test_a_page_says_why_above_each_question_opened(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await exports_changed_to_yes(ana)
    await ana.press("Europe")

    # Validated from a page, which shows its answers above the question (`transcript`).
    page = await mini.handle(ana.person, Pressed(ana.control(Intent.CONFIRM)), transcript=True)

    assert any(isinstance(s, Question) and s.prompt.step_id == "share" for s in page.screens)
    assert OPENED in said(page)

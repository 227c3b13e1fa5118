"""`Typed(again=...)`: an earlier answer changed in passing, as a chat's reply to its
question gives it, mid-way or at the end, applied once whatever the redeliveries."""

from __future__ import annotations

from conversation import Answered, Conversation, Message, Question, Status, Summary, Typed
from tests.conversation.conftest import Chat, ChatFactory, mini_to


def plain(text: str) -> str:
    """French typography's no-break spaces as plain ones, to read the words in a test."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


async def at_the_end_without_exports(ana: Chat) -> None:
    await mini_to(ana, "exports")
    await ana.press("Non")
    await ana.press("4")
    await ana.press("Coût")
    await ana.press("Temps")
    await ana.confirm()
    await ana.write("Plus de liens")
    await ana.write("ana@acme.fr")
    assert any(isinstance(screen, Summary) for screen in ana.screens)


async def test_mid_way_the_answer_changes_and_the_question_waiting_comes_again(
    mini: Conversation, chat: ChatFactory
) -> None:
    ana = chat(mini)
    await mini_to(ana, "importance")
    reply = await ana.send(Typed("Acme SAS", again="company"))
    answered, said, question = reply.screens
    assert isinstance(answered, Answered) and answered.prompt.step_id == "company"
    assert answered.answer == "Acme SAS"
    assert isinstance(said, Message)
    assert (
        plain(said.text) == "C’est noté : votre réponse à « Nom ? » est modifiée. Voici la suite."
    )
    assert isinstance(question, Question) and question.prompt.step_id == "importance"


async def test_at_the_end_a_branch_opened_is_asked_then_the_end_says_changed(
    mini: Conversation, chat: ChatFactory
) -> None:
    ana = chat(mini)
    await at_the_end_without_exports(ana)
    reply = await ana.send(Typed("Oui", again="exports"))
    assert [type(screen) for screen in reply.screens] == [Answered, Message, Question]
    assert plain(reply.screens[1].text) == "Votre modification appelle aussi cette question :"
    assert ana.prompt.step_id == "markets"
    await ana.press("Asie")
    await ana.confirm()
    await ana.skip()  # the export share
    assert "Réponse modifiée, merci !" in [
        plain(s.text) for s in ana.screens if isinstance(s, Message)
    ]
    assert any(isinstance(screen, Summary) for screen in ana.screens)


async def test_a_redelivered_reply_is_applied_once(mini: Conversation, chat: ChatFactory) -> None:
    ana = chat(mini)
    await mini_to(ana, "importance")
    await ana.send(Typed("Acme SAS", again="company"), delivery=9001)
    seq = ana.prompt.seq
    await ana.write("Acme SARL")  # not a number: refused at "importance", nothing changes
    again = await ana.send(Typed("Acme SAS", again="company"), delivery=9001)
    assert again.status is not Status.REFUSED
    assert ana.prompt.seq == seq


async def test_a_question_no_longer_answered_is_stale_not_forced(
    mini: Conversation, chat: ChatFactory
) -> None:
    ana = chat(mini)
    await at_the_end_without_exports(ana)
    reply = await ana.send(Typed("Europe", again="markets"))  # hidden by "Non"
    said = reply.screens[0]
    assert isinstance(said, Message)
    assert plain(said.text) == (
        "Cette réponse était pour une question qui n’est plus en cours ; voici où vous en êtes."
    )
    assert isinstance(reply.screens[-1], Summary)

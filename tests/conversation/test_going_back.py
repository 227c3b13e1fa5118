"""Going back, as a respondent reads it: a question reopened from the end goes back to the
end, and a page shows only the answers that come before the question on screen."""

from __future__ import annotations

from conversation import (
    Answered,
    Conversation,
    Look,
    Message,
    Question,
    Status,
    Summary,
    Transcript,
)
from tests.conftest import Peek
from tests.conversation.conftest import REVISE, ChatFactory, mini_to, mini_to_end


async def test_back_from_a_question_reopened_at_the_end_returns_to_the_summary(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    answers_before = peek.query("SELECT question_id, value_json FROM answers ORDER BY question_id")
    await ana.press(REVISE)
    await ana.write("3")
    assert ana.prompt.step_id == "sector"

    await ana.back()

    # Not the questionnaire's last question ("email"), where the history last left off;
    # and not the thanks again, said once at the first end.
    assert ana.kinds[-1] == "Summary"
    assert "Réponse inchangée." in ana.messages
    assert "Merci Acme !" not in ana.messages
    assert not any(screen.__class__.__name__ == "Question" for screen in ana.screens)
    assert ana.summary.entries[2] == ("3. Secteur ?", "Industrie")
    assert peek.query("SELECT status FROM responses") == [("completed",)]
    assert peek.query("SELECT question_id, value_json FROM answers ORDER BY question_id") == (
        answers_before
    )
    # And the end stays the end: a number typed still opens its question.
    await ana.write("2")
    assert ana.prompt.step_id == "staff"


async def test_back_from_a_question_opened_by_a_changed_answer_goes_to_that_answer(
    chat: ChatFactory, mini: Conversation
) -> None:
    """A question left open (one the change showed) is not skipped by going back."""
    ana = chat(mini)
    await mini_to(ana, "exports")
    await ana.press("Non")
    await mini_to(ana, "email")
    await ana.write("ana@acme.fr")
    await ana.press(REVISE)
    await ana.write("4")  # exports: "Oui" now opens the markets question, unanswered
    await ana.press("Oui")
    assert ana.prompt.step_id == "markets"

    await ana.back()

    assert ana.prompt.step_id == "exports"


async def test_a_page_after_going_back_shows_only_the_answers_before_the_question(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to(ana, "importance")
    await ana.back()
    await ana.back()
    assert ana.prompt.step_id == "markets"

    reply = await ana.conversation.handle(ana.person, Look(), transcript=True)

    transcript = reply.screens[0]
    assert isinstance(transcript, Transcript)
    # "share" (answered 40, after markets) is not above markets: it is ahead.
    assert [question for question, _ in transcript.entries] == [
        "Nom ?",
        "Salariés d'Acme ?",
        "Secteur ?",
        "Exportez-vous ?",
    ]


async def test_a_page_changing_an_answer_from_the_end_shows_the_answers_before_it(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    await ana.press(REVISE)
    await ana.write("2")

    reply = await ana.conversation.handle(ana.person, Look(), transcript=True)

    transcript, question = reply.screens[0], reply.screens[-1]
    assert isinstance(transcript, Transcript)
    assert transcript.entries == (("Nom ?", "Acme"),)
    assert not isinstance(question, Summary)


async def test_an_answer_changed_from_the_end_is_acknowledged_without_the_thanks_again(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    assert "Merci Acme !" in ana.messages
    await ana.press(REVISE)
    await ana.write("3")

    await ana.press("Services")

    assert ana.messages == ["Réponse modifiée, merci\u00a0!"]
    assert ana.summary.entries[2] == ("3. Secteur ?", "Services")


async def test_an_earlier_pickers_number_while_changing_an_answer_is_stale(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    await ana.press(REVISE)
    old_five = ana.action("5")
    await ana.press("3")
    assert ana.prompt.step_id == "sector"

    await ana.tap(old_five)

    assert ana.reply.status is Status.STALE
    await ana.send(Look())
    assert ana.prompt.step_id == "sector"  # still the answer being changed, not question 5


async def test_other_chosen_while_changing_an_answer_then_abandoned_keeps_the_answer(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    """Back from "please specify", back again: the end, the earlier answer as it was."""
    ana = chat(mini)
    await mini_to_end(ana)
    answers_before = peek.query("SELECT question_id, value_json, other_text FROM answers")
    await ana.press(REVISE)
    await ana.write("3")
    await ana.press("Autre (précisez)")
    assert ana.prompt.awaiting_other

    await ana.back()
    assert ana.prompt.step_id == "sector" and not ana.prompt.awaiting_other
    await ana.back()

    assert ana.kinds[-1] == "Summary"
    assert "Réponse inchangée." in ana.messages
    assert ana.summary.entries[2] == ("3. Secteur ?", "Industrie")
    assert peek.query("SELECT question_id, value_json, other_text FROM answers") == (answers_before)


async def test_other_stands_once_its_text_is_given(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    await ana.press("Autre (précisez)")
    # The choice is read back on the question left, its text asked next.
    assert ana.prompt.awaiting_other
    assert [s.answer for s in ana.screens if isinstance(s, Answered)][-1] == "Autre (précisez)"
    assert not peek.query("SELECT 1 FROM answers WHERE question_id = 'sector'")

    await ana.write("Horlogerie")

    assert ana.prompt.step_id == "exports"
    assert peek.query(
        "SELECT value_json, other_text FROM answers WHERE question_id = 'sector'"
    ) == [('"other"', "Horlogerie")]


async def test_a_page_reloaded_at_a_question_a_change_opened_says_why_it_is_asked(
    chat: ChatFactory, mini: Conversation
) -> None:
    """A phone's browser reloads the page: the question still says the change calls for it."""
    ana = chat(mini)
    await mini_to(ana, "exports")
    await ana.press("Non")
    await mini_to_end(ana)
    await ana.press(REVISE)
    await ana.write("4")
    await ana.press("Oui")  # opens "markets", never answered
    assert ana.messages[-1] == "Votre modification appelle aussi cette question\u00a0:"

    reloaded = await ana.conversation.handle(ana.person, Look(), transcript=True)

    said = [s.text for s in reloaded.screens if isinstance(s, Message)]
    assert said == ["Votre modification appelle aussi cette question\u00a0:"]
    assert isinstance(reloaded.screens[-1], Question)
    assert reloaded.screens[-1].prompt.step_id == "markets"
    # Back at the question being changed (answered), nothing is said: it is not new.
    await ana.back()
    again = await ana.conversation.handle(ana.person, Look(), transcript=True)
    assert not [s for s in again.screens if isinstance(s, Message)]


async def test_other_read_back_before_its_text_is_pending_and_its_text_is_not(
    chat: ChatFactory, mini: Conversation
) -> None:
    """ "Other" chosen is read back as waiting for its text (its question, as it now reads,
    awaits it), not as an answer: going back from the text leaves it unanswered. Once its
    text is given, it is an answer."""
    ana = chat(mini)
    await mini_to(ana, "sector")
    await ana.press("Autre (précisez)")
    chosen = [s for s in ana.screens if isinstance(s, Answered)][-1]
    assert chosen.answer == "Autre (précisez)"
    assert chosen.prompt.awaiting_other and not chosen.skipped

    await ana.write("Horlogerie")

    given = [s for s in ana.screens if isinstance(s, Answered)][-1]
    assert given.prompt.step_id == "sector"
    assert given.answer is not None and "Horlogerie" in given.answer
    assert not given.prompt.awaiting_other


async def test_other_ticked_among_several_is_pending_until_its_text(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to(ana, "markets")
    other = next(label for label in ana.labels() if label.startswith("Autre"))
    await ana.press(other)
    await ana.confirm()
    assert ana.prompt.awaiting_other
    chosen = [s for s in ana.screens if isinstance(s, Answered)][-1]
    assert chosen.prompt.awaiting_other and chosen.answer

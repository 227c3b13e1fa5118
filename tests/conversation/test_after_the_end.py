"""Once finished: a number typed opens that question of the summary, the picker has a way
back, and stray messages get the summary again once, then a short pointer to it."""

from __future__ import annotations

import pytest

from conversation import Action, Choice, Conversation, Intent, Message, Summary
from tests.conftest import Clock
from tests.conversation.conftest import REVISE, ChatFactory, mini_to, mini_to_end

WHOLE_SUMMARY = Action(Intent.SUMMARY, value="all")

ALREADY_DONE = (
    "Vous avez déjà répondu à ce questionnaire, merci\u00a0! Voici vos réponses\u00a0; "
    "vous pouvez encore en modifier une."
)


async def test_a_number_typed_at_the_picker_opens_that_question(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    await ana.press(REVISE)
    assert ana.menu.text == "Quelle réponse voulez-vous modifier\u00a0? (numéros du récapitulatif)"

    await ana.write("3")

    assert ana.kinds == ["Question"]
    assert ana.prompt.step_id == "sector"
    # The summary's number is the question's own, as its header shows it ("3/10").
    assert ana.prompt.position == 3
    assert ana.reply.finished

    await ana.press("Services")
    assert ana.summary.entries[2] == ("3. Secteur ?", "Services")


@pytest.mark.parametrize("typed", ["3", " 3. ", "n°3", "#3", "Q3"])
async def test_a_number_typed_after_the_end_without_the_picker_opens_it_too(
    chat: ChatFactory, mini: Conversation, typed: str
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)

    await ana.write(typed)

    assert ana.kinds == ["Question"]
    assert ana.prompt.step_id == "sector"


@pytest.mark.parametrize("typed", ["0", "11", "99999", "3 4", "bonjour", "1.5"])
async def test_anything_else_typed_after_the_end_says_it_is_done(
    chat: ChatFactory, mini: Conversation, typed: str
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)

    await ana.write(typed)

    assert ana.kinds == ["Message", "Summary"]
    assert ana.messages == [ALREADY_DONE]


async def test_the_picker_can_be_left_back_to_the_summary(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    before = ana.summary
    await ana.press(REVISE)
    assert ana.labels()[-1] == "Annuler"
    assert ana.menu.default == Action(Intent.SUMMARY)

    await ana.press("Annuler")

    # The summary again, with "change an answer": no outro, no "already answered". It was
    # just above the picker: a chat may offer it behind "see all my answers" instead.
    assert ana.kinds == ["Summary"]
    assert ana.summary.entries == before.entries and before.whole is None
    assert isinstance(ana.screens[0], Summary) and ana.summary.revise is not None
    assert ana.summary.whole == Choice("📋 Revoir toutes mes réponses", WHOLE_SUMMARY)


async def test_the_picker_in_english_offers_cancel(chat: ChatFactory, mini: Conversation) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    await ana.command("language")
    await ana.press("English")
    await ana.press("✏️ Change an answer")

    assert ana.labels()[-1] == "Cancel"


POINTER = Message(
    "Vous avez déjà répondu à ce questionnaire, merci\u00a0! Vos réponses sont juste au-dessus."
)


async def test_back_or_skip_after_the_end_count_as_strays_and_are_then_pointed_to(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)

    await ana.command("back")  # nothing to go back to: the end again, in full (once)
    assert ana.kinds == ["Message", "Summary"]
    await ana.write("merci")
    assert ana.screens == (POINTER,)
    await ana.command("skip")
    assert ana.screens == (POINTER,)
    # Asked for: /start shows it all again.
    await ana.start()
    assert ana.kinds == ["Message", "Summary"]


async def test_a_summary_sent_again_is_the_one_just_above_from_then_on(
    chat: ChatFactory, mini: Conversation, clock: Clock
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    clock.tick(45)
    await ana.write("merci")
    assert ana.kinds == ["Message", "Summary"]  # sent again once: the first may be lost

    clock.tick(45)  # 90 s after the end, 45 s after the copy sent again
    await ana.write("au revoir")

    assert ana.screens == (POINTER,)


async def test_a_multiple_answer_reads_back_as_separate_answers(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to(ana, "markets")
    await ana.press("Europe")
    await ana.press("Asie")

    await ana.confirm()

    # Labels may hold commas: a comma between answers would read as more answers.
    assert ana.answered.answer == "Europe · Asie"
    await mini_to_end(ana)
    assert ("5. Marchés ?", "Europe · Asie") in ana.summary.entries


async def test_start_while_changing_an_answer_shows_that_question_where_a_line_goes(
    chat: ChatFactory, mini: Conversation
) -> None:
    """ "Modifier" on the staff answer, then /start: the question being changed comes back,
    not the summary, whose buttons would be stale and under which a typed "3" would have
    replaced the staff count rather than opened question 3."""
    ana = chat(mini)
    await mini_to_end(ana)
    await ana.tap(Action(Intent.REVISE, value="staff"))

    await ana.start()

    assert ana.kinds[-1] == "Question" and ana.prompt.step_id == "staff"
    await ana.write("3")
    assert ana.summary.entries[1][1] == "3\u00a0salariés"


async def test_a_sticker_after_the_end_is_taken_as_a_word_not_asked_to_answer_a_question(
    chat: ChatFactory, mini: Conversation
) -> None:
    """A thumbs-up once finished was told "answer the question below", with no question
    below: the summary. It now gets what a "merci" gets, and is thinned as one."""
    ana = chat(mini)
    await mini_to_end(ana)

    await ana.sticker()
    assert ana.kinds == ["Message", "Summary"]
    assert ana.messages == [ALREADY_DONE]
    await ana.sticker()
    assert ana.screens == (POINTER,)

"""For a channel that keeps no chat log (a web page): looking changes nothing, and the page
shows the questions answered so far above the one waiting."""

from __future__ import annotations

from conversation import (
    Action,
    Conversation,
    Intent,
    Look,
    Message,
    Question,
    Status,
    Transcript,
    Typed,
)
from tests.conftest import Peek
from tests.conversation.conftest import EXAMPLES, NO_STAGE, ChatFactory, agree, mini_to, mini_to_end


async def test_looking_before_anything_shows_the_welcome_and_notice_and_stores_nothing(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    ana = chat(bundled)
    before = peek.dump()

    await ana.send(Look("pithiviers"))

    assert ana.kinds == ["Welcome", "Menu"]
    assert ana.welcome.workshop is not None and "Pithiviers" in ana.welcome.workshop
    assert peek.dump() == before


async def test_a_page_opened_with_an_unknown_workshop_offers_the_list(
    chat: ChatFactory, bundled: Conversation, peek: Peek
) -> None:
    """As an unknown code in a Telegram link does: an answer must not go untagged unasked."""
    ana = chat(bundled)
    before = peek.dump()

    await ana.send(Look("nulle-part"))

    assert ana.kinds == ["Menu"]
    assert ana.menu.text.startswith("Ce lien d’invitation ne correspond à aucun atelier connu.")
    assert ana.labels() == ["Pithiviers", *EXAMPLES, NO_STAGE]
    assert peek.dump() == before
    await ana.press("Vitré (exemple)")
    assert ana.kinds == ["Welcome", "Menu"]
    assert ana.welcome.workshop is not None and "Vitré" in ana.welcome.workshop


async def test_a_page_opened_without_a_workshop_goes_straight_to_the_welcome(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)

    await ana.send(Look())

    assert ana.kinds == ["Welcome", "Menu"]
    assert ana.welcome.workshop is None


async def test_looking_mid_way_shows_the_answers_so_far_then_the_question(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    before = peek.dump()

    reply = await ana.conversation.handle(ana.person, Look(), transcript=True)

    transcript, question = reply.screens
    assert isinstance(transcript, Transcript)
    assert transcript.entries == (("Nom ?", "Acme"), ("Salariés d'Acme ?", "12\u00a0salariés"))
    assert question == ana.screens[-1]  # the same question as on screen
    assert peek.dump() == before


async def test_a_text_typed_for_a_question_no_longer_waiting_is_stale(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "company")
    company = ana.prompt
    await ana.write("ACME")
    before = peek.dump()

    # The same page submitted again (another delivery id): the text was for 'company'.
    await ana.send(Typed("ACME again", step=company.step_id, seq=company.seq))

    assert ana.reply.status == Status.STALE
    assert ana.reply.note == (  # an answer, not a button: it says so
        "Cette réponse était pour une question qui n’est plus en cours\u00a0; voici où vous en êtes."
    )
    assert peek.dump() == before


async def test_looking_after_agreeing_shows_the_question_waiting(
    chat: ChatFactory, bundled: Conversation
) -> None:
    ana = chat(bundled)
    await agree(ana)
    waiting = ana.prompt

    await ana.send(Look("another"))

    assert ana.kinds == ["Question"]
    assert ana.prompt == waiting


async def test_a_refused_answer_reads_between_the_answers_so_far_and_its_question(
    chat: ChatFactory, mini: Conversation
) -> None:
    """On a page the transcript comes first, as a chat's log would: the refusal is then read
    next to the question it is about, not above everything answered so far."""
    ana = chat(mini)
    await mini_to(ana, "staff")
    waiting = ana.prompt

    reply = await ana.conversation.handle(
        ana.person, Typed("beaucoup", step=waiting.step_id, seq=waiting.seq), transcript=True
    )

    assert reply.status == Status.REFUSED
    transcript, refusal, question = reply.screens
    assert isinstance(transcript, Transcript)
    assert transcript.entries == (("Nom ?", "Acme"),)
    assert isinstance(refusal, Message) and refusal.warning
    assert isinstance(question, Question) and question.prompt.step_id == "staff"


async def test_looking_while_changing_an_answer_after_the_end_shows_that_question(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    """A page reloaded after "Modifier": the question being changed, not the summary."""
    ana = chat(mini)
    await mini_to_end(ana)
    await ana.tap(Action(Intent.REVISE, value="staff"))
    changing = ana.prompt
    before = peek.dump()

    await ana.send(Look())

    assert ana.kinds == ["Question"]
    assert ana.prompt == changing
    assert peek.dump() == before


async def test_a_page_opened_from_another_workshops_link_says_which_keeps_what(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    """Begun at Pithiviers, the page opened again from Évreux's link: the same offer as
    `/start` with that link; going on takes the page back to Pithiviers' own entry, so
    that its next look shows the question, not the offer again."""
    ana = chat(mini)
    await ana.start("pithiviers")
    await mini_to(ana, "sector")
    before = peek.dump()

    await ana.send(Look("exemple_normandie"))

    assert ana.kinds == ["Menu"]
    assert "rattaché à l’atelier de Pithiviers" in ana.menu.text
    assert "celui de l’atelier d’Évreux" in ana.menu.text
    assert peek.dump() == before  # looking changes nothing
    resume = ana.menu.choices[0].action
    assert resume == Action(Intent.RESUME, stage="pithiviers")
    await ana.press(ana.menu.choices[0].label)
    assert ana.prompt.step_id == "sector"

    await ana.send(Look("pithiviers"))
    assert ana.kinds == ["Question"]
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]

"""The end of the questionnaire, coming back after it, changing an answer, resuming and starting over."""

from __future__ import annotations

from conversation import Action, Conversation, Intent, Look, Message, Start, Status, Summary
from storage import ResponseStatus, Store
from tests.conftest import Clock, Peek
from tests.conversation.conftest import (
    ERASE_NO,
    ERASE_YES,
    RESTART,
    RESTART_NO,
    RESTART_YES,
    RESUME,
    REVISE,
    ChatFactory,
    mini_to,
    mini_to_end,
)

ENTRIES = (
    ("1. Nom ?", "Acme"),
    ("2. Salariés d'Acme ?", "12\u00a0salariés"),
    ("3. Secteur ?", "Industrie"),
    ("4. Exportez-vous ?", "Oui"),
    ("5. Marchés ?", "Europe"),
    ("6. Part export ?", "40"),
    ("7. Importance ?", "4/5"),
    ("8. Freins ?", "1. Coût\u00a0; 2. Temps"),
    ("9. Idées ?", "Plus de liens"),
    ("10. E-mail ?", "ana@acme.fr"),
)
ALREADY_DONE = (
    "Vous avez déjà répondu à ce questionnaire, merci\u00a0! Voici vos réponses\u00a0; "
    "vous pouvez encore en modifier une."
)
QUESTIONS_WITHOUT_EMAIL = [
    "company",
    "staff",
    "sector",
    "exports",
    "markets",
    "share",
    "importance",
    "obstacles",
    "ideas",
]
RESTART_CONFIRM = "Recommencer efface toutes vos réponses à ce questionnaire. Confirmez-vous\u00a0?"


async def test_the_end_shows_the_outro_then_the_summary(
    chat: ChatFactory, mini: Conversation, store: Store, clock: Clock
) -> None:
    ana = chat(mini)

    await mini_to_end(ana)

    assert ana.kinds == ["Answered", "Message", "Summary"]
    assert ana.answered.answer == "ana@acme.fr"
    assert ana.messages == ["Merci Acme !"]
    summary = ana.summary
    assert summary.title == "Récapitulatif de vos réponses\u00a0:"
    assert summary.entries == ENTRIES
    assert summary.revise.label == REVISE
    assert summary.revise.action == Action(Intent.REVISE_MENU)
    # For a page: a "Modifier" beside each line, for that line's question.
    assert [edit.label for edit in summary.edits] == ["Modifier"] * len(ENTRIES)
    assert [edit.action for edit in summary.edits] == [
        Action(Intent.REVISE, value=step) for step in [*QUESTIONS_WITHOUT_EMAIL, "email"]
    ]
    assert ana.reply.finished
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None
    assert (response.status, response.completed_at, response.current_step) == (
        ResponseStatus.COMPLETED,
        clock.now,
        None,
    )


async def test_a_finished_person_starting_again_gets_already_done_and_the_summary(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    before = peek.query("SELECT id, status, completed_at FROM responses")

    await ana.start("pithiviers")

    assert ana.kinds == ["Message", "Summary"]
    assert ana.messages == [ALREADY_DONE]
    assert ana.summary.entries == ENTRIES
    # Typing something else afterwards: the same, no new response.
    await ana.write("Bonjour")
    assert ana.kinds == ["Message", "Summary"]
    assert peek.query("SELECT id, status, completed_at FROM responses") == before


async def test_revising_reopens_one_question_and_keeps_the_response_completed(
    chat: ChatFactory, mini: Conversation, store: Store, clock: Clock
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    completed_at = clock.now

    await ana.press(REVISE)
    assert ana.kinds == ["Menu"]
    assert ana.menu.text == "Quelle réponse voulez-vous modifier\u00a0? (numéros du récapitulatif)"
    assert ana.labels() == [*(str(n) for n in range(1, 11)), "Annuler"]
    assert ana.action("2") == Action(Intent.REVISE, value="staff")

    await ana.press("2")
    assert ana.kinds == ["Question"]
    assert ana.prompt.step_id == "staff"
    assert ana.prompt.earlier == 12
    assert ana.reply.finished  # changing an answer keeps the response complete
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None
    # Walking away now must not drop a fully answered response from the export.
    assert (response.status, response.completed_at) == (ResponseStatus.COMPLETED, completed_at)

    await ana.write("15")
    assert ana.kinds == ["Answered", "Message", "Summary"]
    assert ana.answered.answer == "15\u00a0salariés"
    assert ana.summary.entries[1] == ("2. Salariés d'Acme ?", "15\u00a0salariés")
    answers = await store.answers_for(ana.reply.response_id or 0)
    assert answers["staff"].value == 15
    assert len(answers) == len(ENTRIES)
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None
    assert response.status == ResponseStatus.COMPLETED


async def test_revising_to_an_answer_that_shows_a_new_question_asks_it(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "importance")
    await ana.press("2")  # 'email' is asked only from 4 up
    await ana.press("Coût")
    await ana.press("Temps")
    await ana.confirm()
    await ana.skip()
    assert ana.kinds == ["Answered", "Message", "Summary"]
    assert "email" not in await store.answers_for(ana.reply.response_id or 0)
    await ana.press(REVISE)

    await ana.press(str(QUESTIONS_WITHOUT_EMAIL.index("importance") + 1))
    await ana.press("5")

    assert ana.kinds == ["Answered", "Message", "Question"]  # "your change also calls for"
    assert ana.prompt.step_id == "email"
    await ana.write("ana@acme.fr")
    assert ana.kinds[-1] == "Summary"
    answers = await store.answers_for(ana.reply.response_id or 0)
    assert (answers["importance"].value, answers["email"].value) == (5, "ana@acme.fr")


async def test_a_revision_that_opens_a_question_keeps_the_response_complete(
    chat: ChatFactory, mini: Conversation, store: Store
) -> None:
    ana = chat(mini)
    await mini_to(ana, "importance")
    await ana.press("2")  # 'email', required, is asked only from 4 up
    await ana.press("Coût")
    await ana.press("Temps")
    await ana.confirm()
    await ana.skip()
    first = await store.get_response(ana.reply.response_id or 0)
    assert first is not None and first.completed_at is not None
    await ana.press(REVISE)
    await ana.press(str(QUESTIONS_WITHOUT_EMAIL.index("importance") + 1))
    await ana.press("5")
    # Why this is not the end: said before the question the change opened.
    assert ana.kinds == ["Answered", "Message", "Question"]
    assert ana.messages == ["Votre modification appelle aussi cette question\u00a0:"]
    assert ana.prompt.step_id == "email"

    # Walking away here: the response an analyst already counted stays complete, with
    # the time it was first completed; the question opened is empty until answered.
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None
    assert (response.status, response.completed_at) == (
        ResponseStatus.COMPLETED,
        first.completed_at,
    )
    assert "email" not in await store.answers_for(response.id)
    # The next visit asks that question, saying why.
    await ana.start()
    assert ana.kinds == ["Message", "Question"]
    assert ana.messages[0].endswith("dernière modification appelle aussi cette question\u00a0:")
    assert ana.prompt.step_id == "email"

    await ana.write("ana@acme.fr")
    assert ana.kinds[-2:] == ["Message", "Summary"]
    assert ana.messages == ["Réponse modifiée, merci\u00a0!"]
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None
    assert (response.status, response.completed_at) == (
        ResponseStatus.COMPLETED,
        first.completed_at,
    )
    assert (await store.answers_for(response.id))["email"].value == "ana@acme.fr"


async def test_one_answer_so_far_is_said_in_the_singular(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to(ana, "staff")

    await ana.start()

    assert ana.menu.text.startswith("Vous avez un questionnaire en cours (1\u00a0réponse sur 10).")


async def test_a_person_who_left_halfway_is_offered_to_resume(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")

    await ana.start()

    assert ana.kinds == ["Menu"]
    assert ana.menu.text == (
        "Vous avez un questionnaire en cours (2\u00a0réponses sur 10). "
        "Voulez-vous reprendre là où vous en étiez\u00a0?"
    )
    assert ana.labels() == [RESUME, RESTART]
    assert ana.menu.default == Action(Intent.RESUME)

    await ana.press(RESUME)
    assert ana.kinds == ["Question"]
    assert ana.prompt.step_id == "sector"


async def test_restart_asks_first_and_keep_going_changes_nothing(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")
    before = peek.query("SELECT question_id, value_json FROM answers ORDER BY question_id")

    await ana.command("restart")
    assert ana.kinds == ["Menu"]
    assert ana.menu.text == RESTART_CONFIRM
    assert ana.labels() == [RESTART_YES, RESTART_NO]
    assert ana.menu.default == Action(Intent.KEEP, value="no")
    assert peek.query("SELECT question_id, value_json FROM answers ORDER BY question_id") == before

    await ana.press(RESTART_NO)
    assert ana.kinds == ["Message", "Question"] and ana.messages == ["Rien n’a été effacé."]
    assert ana.prompt.step_id == "sector"
    assert peek.query("SELECT question_id, value_json FROM answers ORDER BY question_id") == before


async def test_restart_starts_over_in_the_same_response(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await ana.start("pithiviers")
    response_id = ana.reply.response_id
    await mini_to(ana, "exports")

    await ana.command("restart")
    await ana.press(RESTART_YES)

    assert ana.kinds == ["Message", "Question"]
    assert ana.messages == ["C’est reparti depuis le début."]
    assert ana.prompt.step_id == "welcome"
    assert ana.reply.response_id == response_id
    assert peek.query("SELECT id, status, stage_code FROM responses") == [
        (response_id, "in_progress", "pithiviers")
    ]
    assert peek.query("SELECT COUNT(*) FROM answers") == [(0,)]


async def test_buttons_offered_before_a_restart_are_stale_once_it_is_done(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    """An old "Oui, recommencer" or "Oui, tout effacer" tapped once the new attempt has come
    as far as the first: it must neither start over again nor erase the new answers."""
    ana = chat(mini)
    await mini_to(ana, "sector")
    await ana.command("delete")
    old_erase = ana.action(ERASE_YES)
    await ana.press(ERASE_NO)
    await ana.command("restart")
    old_restart = ana.action(RESTART_YES)
    await ana.press(RESTART_YES)
    await mini_to(ana, "sector")
    before = peek.dump()

    for old in (old_restart, old_erase):
        await ana.tap(old)
        assert ana.reply.status is Status.STALE, old
    assert peek.dump() == before


async def test_restart_after_finishing_reopens_the_same_response(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to_end(ana)
    response_id = ana.reply.response_id

    await ana.command("restart")
    await ana.press(RESTART_YES)

    assert ana.prompt.step_id == "welcome"
    assert peek.query("SELECT id, status FROM responses") == [(response_id, "in_progress")]
    await mini_to_end(ana)
    assert peek.query("SELECT id, status FROM responses") == [(response_id, "completed")]


async def test_a_response_started_over_is_timed_from_the_new_start(
    chat: ChatFactory, mini: Conversation, store: Store, clock: Clock
) -> None:
    """The export's duration is completed_at minus started_at: the abandoned attempt
    (days ago, here) must not count in it."""
    ana = chat(mini)
    await mini_to(ana, "exports")
    clock.tick(3 * 24 * 3600)

    await ana.command("restart")
    await ana.press(RESTART_YES)
    again = clock.now  # the time of "Oui, recommencer"

    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None and response.started_at == again
    await mini_to_end(ana)
    response = await store.get_response(ana.reply.response_id or 0)
    assert response is not None and response.started_at == again


async def test_restart_from_the_resume_offer_keeps_the_new_links_workshop(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    ana = chat(mini)
    await mini_to(ana, "sector")  # opened without a workshop

    await ana.start("pithiviers")
    # Begun without a workshop, linked to the link's from then on: said, as any move is.
    assert ana.messages == [
        "Vos réponses sont maintenant rattachées à l’atelier de Pithiviers (5\u00a0juin\u00a02019)."
    ]
    await ana.press(RESTART)
    assert ana.menu.text == RESTART_CONFIRM
    await ana.press(RESTART_YES)

    assert peek.query("SELECT COUNT(*), MAX(stage_code) FROM responses") == [(1, "pithiviers")]
    assert ana.messages == ["C’est reparti depuis le début."]  # no move left to tell


async def test_a_finished_respondent_at_another_workshop_is_told_where_their_answers_stay(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    """Met at Pithiviers and done, then at Évreux: the answers are not counted twice, and
    the person is told they stay with Pithiviers, not only "you have already answered"."""
    ana = chat(mini)
    await ana.start("pithiviers")
    await mini_to_end(ana)

    for again in (Start("exemple_normandie"), Look("exemple_normandie")):  # Telegram, a page
        await ana.send(again)
        assert ana.messages[1] == (
            "Vos réponses restent rattachées à l’atelier de Pithiviers\u00a0; ce lien est celui "
            "de l’atelier d’Évreux. Une personne ne répond qu’une fois."
        )
        assert ana.kinds[-1] == "Summary"
    await ana.start("pithiviers")
    assert len(ana.messages) == 1  # at their own workshop: "already answered" alone
    assert peek.query("SELECT stage_code, status FROM responses") == [("pithiviers", "completed")]


async def test_another_workshops_link_says_which_workshop_each_choice_keeps(
    chat: ChatFactory, mini: Conversation, peek: Peek
) -> None:
    """Met at Pithiviers, then Évreux's QR code scanned: resuming keeps Pithiviers,
    starting over moves the answers to Évreux, and the person is told before and after."""
    ana = chat(mini)
    await ana.start("pithiviers")
    await mini_to(ana, "sector")

    await ana.start("exemple_normandie")
    assert ana.menu.text == (
        "Vous avez un questionnaire en cours (2\u00a0réponses sur 10). "
        "Ce questionnaire est rattaché à l’atelier de Pithiviers, et ce lien est celui de "
        "l’atelier d’Évreux. «\u00a0Reprendre\u00a0» garde vos réponses et l’atelier de Pithiviers\u00a0; "
        "«\u00a0Recommencer\u00a0» les efface et rattache le questionnaire à l’atelier d’Évreux. "
        "Voulez-vous reprendre là où vous en étiez\u00a0?"
    )
    await ana.press(RESUME)
    assert ana.prompt.step_id == "sector"
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]

    await ana.start("exemple_normandie")
    await ana.press(RESTART)
    await ana.press(RESTART_YES)
    assert ana.messages == [
        "C’est reparti depuis le début. Vos réponses sont maintenant rattachées à "
        "l’atelier d’Évreux (4\u00a0juillet\u00a02019)."
    ]
    assert peek.query("SELECT stage_code FROM responses") == [("exemple_normandie",)]


async def test_the_same_workshops_link_again_is_a_plain_resume_offer(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await ana.start("pithiviers")
    await mini_to(ana, "sector")

    await ana.start("pithiviers")
    assert "atelier" not in ana.menu.text
    await ana.press(RESTART)
    await ana.press(RESTART_YES)
    assert ana.messages == ["C’est reparti depuis le début."]


async def test_an_english_speaker_hears_of_both_workshops_too(
    chat: ChatFactory, mini: Conversation
) -> None:
    ana = chat(mini)
    await ana.start("pithiviers")
    await mini_to(ana, "sector")
    await ana.command("language")
    await ana.press("English")

    await ana.start("exemple_normandie")
    assert ana.menu.text == (
        "You have a questionnaire in progress (2 of 10 answered). "
        "This questionnaire is linked to the Pithiviers workshop, and this link is for the Évreux "
        "workshop. “Continue” keeps your answers and the Pithiviers workshop; “Start over” "
        "erases them and links the questionnaire to the Évreux workshop. "
        "Would you like to continue where you left off?"
    )


async def test_back_after_the_end_shows_the_summary_to_change_an_answer_from(
    chat: ChatFactory, mini: Conversation
) -> None:
    for command in ("back", "skip"):
        # One person each: a second stray in a row gets a pointer (test_after_the_end).
        ana = chat(mini, command)
        await mini_to_end(ana)
        await ana.command(command)

        assert ana.reply.status == Status.DONE
        thanks, summary = ana.screens
        assert thanks == Message(
            "Vous avez déjà répondu à ce questionnaire, merci\u00a0! Voici vos réponses\u00a0; "
            "vous pouvez encore en modifier une."
        )
        assert isinstance(summary, Summary) and summary.revise is not None


async def test_only_the_question_a_change_opened_is_said_to_be_called_for(
    chat: ChatFactory, mini: Conversation
) -> None:
    """Back from the opened question, and on from there: ordinary steps, said as such."""
    ana = chat(mini)
    await mini_to(ana, "importance")
    await ana.press("2")
    await ana.press("Coût")
    await ana.press("Temps")
    await ana.confirm()
    await ana.skip()
    await ana.press(REVISE)
    await ana.press(str(QUESTIONS_WITHOUT_EMAIL.index("importance") + 1))
    await ana.press("5")
    assert ana.messages == ["Votre modification appelle aussi cette question\u00a0:"]

    await ana.back()
    assert ana.prompt.step_id == "importance" and ana.messages == []
    await ana.press("5")
    assert ana.prompt.step_id == "obstacles" and ana.messages == []

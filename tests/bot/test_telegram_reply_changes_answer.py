"""A reply to an earlier question's echo, with a new answer, changes that answer.

On a phone, the natural way to correct "Acme Indutries" three questions later is
to reply to it; going back step by step and forward again is many taps. The echo
above shows the new answer, a word below says which answer changed, and the
question waiting comes again. What cannot be changed that way says why.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, load_flow
from tests.bot.conftest import PersonFactory
from tests.bot.test_telegram_odd_input import AGREE, QUOTED, AnswersOf
from tests.support.fake_bot_api import ChatMessage, FakeBotAPI, Person

FLOW = """\
id: again
version: 1
languages: [fr, en]
title: {fr: Avis, en: Views}
consent:
  fr: "Vos réponses servent à une synthèse. Acceptez-vous ?"
  en: "Your answers feed a report. Do you agree?"
sections:
  - id: you
    title: {fr: Vous, en: You}
    steps:
      - id: org
        type: text
        text: {fr: "Nom de votre organisation ?", en: "Your organisation's name?"}
        max_length: 120
      - id: staff
        type: number
        text: {fr: "Combien de salariés compte {org} ?", en: "How many people work at {org}?"}
        min: 0
        max: 100000
      - id: sector
        type: single_choice
        text: {fr: "Secteur ?", en: "Sector?"}
        choices:
          - {code: industry, label: {fr: Industrie, en: Industry}}
          - {code: services, label: {fr: Services, en: Services}}
      - id: markets
        type: multiple_choice
        text: {fr: "Marchés ?", en: "Markets?"}
        choices:
          - {code: eu, label: {fr: Europe, en: Europe}}
          - {code: asia, label: {fr: Asie, en: Asia}}
      - id: ok
        type: yes_no
        text: {fr: "Tout va bien ?", en: "All well?"}
"""


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    path = tmp_path / "again.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return load_flow(path)


async def at_ok(ana: Person, lang: str = "fr") -> None:
    """Every question answered up to the last, "Tout va bien ?", which waits."""
    await ana.send("/start pithiviers")
    await ana.tap(AGREE if lang == "fr" else "✅ I agree")
    await ana.send("Acme Indutries")
    await ana.send("12")
    await ana.tap("Industrie" if lang == "fr" else "Industry")
    await ana.tap("Europe")
    await ana.tap("Valider (1)" if lang == "fr" else "Confirm (1)")
    assert ana.last_text.startswith("Question 5/5"), ana.last_text


def echo(ana: Person, n: int) -> ChatMessage:
    return next(m for m in ana.chat if m.text.startswith(f"Question {n}/5") and "✅" in m.text)


async def reply(ana: Person, api: FakeBotAPI, to: ChatMessage, text: str) -> None:
    await ana.updates.feed(ana.message_update(text, reply_to_message=api.message_json(to)))


async def test_a_choice_named_in_reply_changes_it_and_the_question_waiting_comes_again(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ok(ana)
    sector = echo(ana, 3)
    labels = ana.last_with_buttons().labels()

    await reply(ana, api, sector, "services")

    assert answers_of(ana.user_id)["sector"][0] == "services"
    assert sector.text.endswith("✅ Services")
    note, question = ana.chat[-2:]
    assert note.text.startswith("C’est noté\u00a0: votre réponse à «\u00a0Secteur\u00a0?\u00a0»")
    assert question.text.startswith("Question 5/5") and question.labels() == labels
    assert ana.live_keyboards() == [question]  # the copy above lost its buttons
    await ana.tap("Non")
    assert answers_of(ana.user_id)["ok"][0] == "no"


async def test_back_after_a_change_goes_where_it_went_before(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ok(ana)
    await reply(ana, api, echo(ana, 1), "Acme Industries")
    assert answers_of(ana.user_id)["org"][0] == "Acme Industries"
    await ana.send("/back")
    assert ana.last_text.startswith("Question 4/5 · Vous\n\nMarchés"), ana.last_text


async def test_a_refused_answer_says_which_answer_stayed_and_why(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ok(ana)
    before = answers_of(ana.user_id)

    await reply(ana, api, echo(ana, 2), "beaucoup")
    note, question = ana.chat[-2:]
    assert note.text.startswith(
        "⚠️ Votre réponse à «\u00a0Combien de salariés compte Acme Indutries\u00a0?\u00a0» n’a "
        "pas changé. "
    ), note.text
    assert "nombre" in note.text  # the number question's own refusal
    assert question.text.startswith("Question 5/5")

    await reply(ana, api, echo(ana, 4), "Asie")
    assert ana.chat[-2].text.endswith(
        "n’a pas changé. Elle se donne avec les boutons\u00a0: pour la changer, revenez à "
        "cette question («\u00a0Retour\u00a0»)."
    ), ana.chat[-2].text
    assert answers_of(ana.user_id) == before
    assert len(ana.live_keyboards()) == 1


async def test_a_question_whose_text_changed_since_is_not_guessed(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ok(ana)
    staff = echo(ana, 2)  # "Combien de salariés compte Acme Indutries ?"
    await reply(ana, api, echo(ana, 1), "Acme Industries")

    # The echo of question 2 names the old name: no question reads so any more.
    await reply(ana, api, staff, "15")
    assert answers_of(ana.user_id)["staff"][0] == 12
    assert "ok" not in answers_of(ana.user_id)
    note, question = ana.chat[-2:]
    assert note.text == QUOTED
    assert question.text.startswith("Question 5/5")


async def test_in_english(person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf) -> None:
    ana = person(language_code="en")
    await at_ok(ana, "en")
    await reply(ana, api, echo(ana, 2), "14")
    assert answers_of(ana.user_id)["staff"][0] == 14
    assert ana.chat[-2].text == (
        "Noted: your answer to “How many people work at Acme Indutries?” is changed. "
        "Here is what comes next."
    )


async def test_help_says_how_to_correct_an_answer_further_up(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/help")
    assert "Pour corriger une réponse écrite plus haut, répondez à sa question" in ana.last.text


async def test_at_the_end_a_reply_changes_the_answer_and_the_end_comes_again(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ok(ana)
    await ana.tap("Oui")
    summary = ana.last_with_buttons()
    assert summary.text.startswith("Récapitulatif de vos réponses")

    await reply(ana, api, echo(ana, 1), "Acme Industries")
    assert answers_of(ana.user_id)["org"][0] == "Acme Industries"
    assert "✅ Acme Industries" in echo(ana, 1).text
    changed, brief = ana.chat[-2:]
    assert changed.text == "Réponse modifiée, merci\u00a0!"
    assert brief.labels() == ["✏️ Modifier une réponse", "📋 Revoir toutes mes réponses"]
    assert ana.live_keyboards() == [brief]  # the summary's button went

    # Refused: why, and the end as it was.
    await reply(ana, api, echo(ana, 3), "Agriculture")
    refused, brief = ana.chat[-2:]
    assert refused.text.startswith(
        "⚠️ Votre réponse à «\u00a0Secteur\u00a0?\u00a0» n’a pas changé. "
    ), refused.text
    assert brief.labels() == ["✏️ Modifier une réponse", "📋 Revoir toutes mes réponses"]
    assert answers_of(ana.user_id)["sector"][0] == "industry"


async def test_at_the_end_a_question_whose_text_changed_points_to_the_summarys_button(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ok(ana)
    await ana.tap("Oui")
    staff = echo(ana, 2)
    await reply(ana, api, echo(ana, 1), "Acme Industries")

    await reply(ana, api, staff, "15")
    assert answers_of(ana.user_id)["staff"][0] == 12
    note = next(m for m in reversed(ana.chat) if m.text.startswith("Ce message cite"))
    assert note.text.endswith(
        "Pour changer une réponse, touchez «\u00a0✏️ Modifier une réponse\u00a0» sous vos réponses."
    )
    assert ana.last_with_buttons().labels() == ["✏️ Modifier une réponse"]


async def test_at_the_end_a_multiple_choice_points_to_the_summarys_button(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_ok(ana)
    await ana.tap("Oui")
    await reply(ana, api, echo(ana, 4), "Asie")
    assert ana.chat[-2].text.endswith(
        "n’a pas changé. Elle se donne avec les boutons\u00a0: pour la changer, touchez "
        "«\u00a0✏️ Modifier une réponse\u00a0»."
    ), ana.chat[-2].text
    assert answers_of(ana.user_id)["markets"][0] == ["eu"]

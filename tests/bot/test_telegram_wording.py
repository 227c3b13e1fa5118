"""What a respondent reads on Telegram around a multiple choice: its hint said once, its
answer read back as separate answers, and a skipped question not marked as answered.

The real application through a fake Bot API, with the bundled questionnaire.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.telegram.keyboards import question_text
from flows import Flow, Kind, prompt, revise, start
from tests.support.fake_bot_api import ChatMessage, Person
from tests.support.telegram_rules import visible_text

PersonFactory = Callable[..., Person]
AGREE = {"fr": "✅ J’accepte", "en": "✅ I agree"}
CONFIRM = {"fr": "Valider (0)", "en": "Confirm (0)"}
CONTROLS = ("↩", "Passer", "Skip", "Back")


async def until_multiple_choice(ana: Person, lang: str) -> ChatMessage:
    """From the notice to the first multiple choice (which kinds of innovation), by the first
    answer of each question, or a typed one the question takes."""
    await ana.send("/start pithiviers")
    await ana.tap(AGREE[lang])
    for _ in range(20):
        last = ana.last
        if CONFIRM[lang] in last.labels():
            return last
        answers = [label for label in last.labels() if not label.startswith(CONTROLS)]
        if answers:
            await ana.tap(answers[0], message=last)
            continue
        for typed in ("1987", "45"):  # a name and a year; a département
            await ana.send(typed)
            if ana.last is not last and not ana.chat[-2].text.startswith("⚠️"):
                break
    raise AssertionError(f"no multiple choice reached: {ana.last.text!r}")


@pytest.mark.parametrize(
    ("lang", "said"),
    [("fr", "Plusieurs réponses possibles"), ("en", "Several answers possible")],
)
async def test_a_multiple_choice_says_several_answers_are_possible_once(
    person: PersonFactory, lang: str, said: str
) -> None:
    ana = person(language_code=lang)

    message = await until_multiple_choice(ana, lang)

    text = message.text.casefold()
    assert text.count(said.casefold()) == 1, message.text
    assert "several answers allowed" not in text
    assert message.text.endswith(
        "Cochez vos réponses, puis «\u00a0Valider\u00a0»."
        if lang == "fr"
        else "Tick your answers, then “Confirm”."
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Écrivez votre réponse, 2\u202f000\u00a0caractères au plus."),
        ("en", "Type your answer, 2,000 characters at most."),
    ],
)
def test_a_long_text_question_says_its_limit_before_it_is_typed(
    mini_flow: Flow, lang: str, said: str
) -> None:
    """Over the limit the whole text is refused and typed again, on a phone: said first."""
    ideas = prompt(mini_flow, revise(mini_flow, start(mini_flow), "ideas"), lang)
    assert ideas.kind == Kind.LONG_TEXT
    assert visible_text(question_text(ideas, lang), "HTML").endswith(said)
    company = prompt(mini_flow, revise(mini_flow, start(mini_flow), "company"), lang)
    assert "caract" not in question_text(company, lang)  # a short text says no limit

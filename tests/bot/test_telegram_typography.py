"""French as it is printed, on Telegram as on the web: no line starts with "?" or ":".

A phone breaks a line at any plain space, so "Nom ?" may end with a lone "?" on
the next line. French puts a no-break space there: the questionnaire's texts get
one when shown in French, in the question, its help and the hint under it, and in
the transcript line it leaves. The bot's own words get them too (the welcome, the
refusals, the menus, the rights). The person's own answer is shown as they typed it.
"""

from __future__ import annotations

import re

import pytest

from flows import Flow, typeset
from tests.bot.conftest import PersonFactory

NBSP = "\u00a0"


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


async def test_a_french_question_has_no_break_spaces_and_the_answer_stays_as_typed(
    person: PersonFactory,
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap("Continuer ▶")
    asked = ana.last
    assert asked.text.splitlines()[2] == f"Nom{NBSP}?"

    await ana.send("A : B !")

    # The question left keeps its typography; the answer is the person's, untouched.
    assert asked.text.endswith(f"Nom{NBSP}?\n\n✅ A : B !")
    assert asked.keyboard is None


async def test_an_english_question_is_left_as_written(person: PersonFactory) -> None:
    ana = person(language_code="en")
    await ana.send("/start")
    await ana.tap("Continue ▶")

    assert ana.last.text.splitlines()[2] == "Name?"
    assert NBSP not in ana.last.text


async def test_every_french_text_the_bot_says_keeps_its_marks_with_their_word(
    person: PersonFactory,
) -> None:
    ana = person()
    await ana.send("/start pithiviers")  # "Bienvenue !"
    await ana.tap("Continuer ▶")
    await ana.send_sticker()  # a refusal
    await ana.send("ACME")
    await ana.send("douze")  # the engine's refusal
    await ana.send("12")
    for button in ["Industrie", "Non", "3", "Coût", "Temps", "Passer ⏭"]:
        await ana.tap(button)
    for command in ["/help", "/language", "/mydata", "/delete"]:
        await ana.send(command)
    await ana.tap("Non, garder")

    said = [m.text for m in ana.chat if m.text]
    assert len(said) > 15
    for text in said:
        assert not re.search(r" [:;!?]", text), text
    assert any(f"Bienvenue{NBSP}!" in text for text in said)
    assert any(f"Confirmez-vous{NBSP}?" in text or f"concernant{NBSP}?" in text for text in said)


@pytest.mark.parametrize(
    ("text", "lang", "shown"),
    [
        ("Nom ? Oui : non ; si !", "fr", f"Nom{NBSP}? Oui{NBSP}: non{NBSP}; si{NBSP}!"),
        ("Déjà\u00a0: fait", "fr", "Déjà\u00a0: fait"),
        ("https://exemple.fr:8443/?a=1", "fr", "https://exemple.fr:8443/?a=1"),
        ("Name ? : ; !", "en", "Name ? : ; !"),
    ],
)
def test_typeset_puts_a_no_break_space_before_the_high_marks_in_french_only(
    text: str, lang: str, shown: str
) -> None:
    assert typeset(text, lang) == shown

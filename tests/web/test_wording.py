"""What the pages tell a person to do must be something they can do in a browser."""

from __future__ import annotations

import re

from flows import Flow
from tests.conftest import Peek
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page, valid_answer
from tests.web.test_reading_order import answered_until

COMMAND = re.compile(r"(?<![\w/])/(?:start|back|skip|restart|language|mydata|delete|help)\b")
"""A chat command such as /delete: there is no such thing to type in the web chat."""


def commands_in(pages: dict[str, Page]) -> dict[str, list[str]]:
    return {
        name: COMMAND.findall(page.text)
        for name, page in pages.items()
        if COMMAND.search(page.text)
    }


async def test_no_page_tells_a_person_to_type_a_command(
    visitor: VisitorFactory, flow: Flow
) -> None:
    pages: dict[str, Page] = {}
    ana = visitor()
    pages["notice"] = await ana.get("/chat?stage=pithiviers")
    page = await ana.press("✅ J’accepte")
    pages["my data"] = await ana.press("Mes données")
    page = pages["my data"]
    turn = 0
    while (form := page.question) is not None:
        button, changes = valid_answer(form, flow, turn)
        page = await ana.submit(form, button, **changes)
        turn += 1
    pages["end"] = page
    declining = visitor()
    await declining.get("/chat")
    pages["declined"] = await declining.press("Je refuse")
    assert commands_in(pages) == {}


async def test_a_command_typed_out_of_a_telegram_habit_is_the_command(
    visitor: VisitorFactory, peek: Peek
) -> None:
    """Someone used to Telegram types "/delete" in the field: it asks to erase, never stored."""
    ana = visitor()
    await ana.get("/chat")
    await ana.press("✅ J’accepte")
    page = await ana.type("/delete")
    assert "Effacer définitivement toutes vos réponses" in page
    assert peek.query("SELECT value_json FROM answers") == []
    page = await ana.press("Non, garder mes réponses")
    assert "Quel est le nom de votre entreprise ?" in page


async def test_a_command_the_page_does_not_know_is_an_answer_like_any_other(
    visitor: VisitorFactory, peek: Peek
) -> None:
    ana = visitor()
    await ana.get("/chat")
    await ana.press("✅ J’accepte")
    page = await ana.type("/Atelier-42")
    assert "Quel est le secteur d’activité principal de /Atelier-42 ?" in page
    assert peek.query("SELECT value_json FROM answers") == [('"/Atelier-42"',)]


async def test_a_multiple_choice_says_several_answers_are_possible_once(
    visitor: VisitorFactory, flow: Flow
) -> None:
    """Its help says it already, in both languages: the page's own hint is not added twice."""
    for lang, agree, said in (
        ("fr", "✅ J’accepte", "Plusieurs réponses possibles."),
        ("en", "✅ I agree", "Several answers possible."),
    ):
        ana = visitor(headers={"accept-language": lang})
        await ana.get("/chat?stage=pithiviers")
        await ana.press(agree)
        page = await answered_until(ana, flow, "innovation_kinds")
        assert page.text.count(said) == 1, (lang, page.text)
        assert "Several answers allowed" not in page.text

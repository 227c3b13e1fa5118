"""Keyboards written by hand for the Bot API: exactly what python-telegram-bot would send.

`bot/telegram/keyboards.py` builds each keyboard as the Bot API's JSON (two fields
a button) instead of the library's button objects, for speed. If the two ever
differed, a respondent would see other buttons, or none: these tests build the
library's keyboard from the same buttons, which checks every field, and compare
what each would send, on every question of both bundled questionnaires and on
long, paged menus.
"""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.keyboards import menu_keyboard, page_count, question_keyboard
from bot.telegram.sending import Keyboard, _markup
from conversation import Action, Choice, Intent, Menu
from flows import Kind, Prompt, bundled_path, load_flow, prompt, start
from flows.model import Flow


def _as_the_library_sends(keyboard: Keyboard) -> dict[str, object]:
    rows = [[InlineKeyboardButton(**button) for button in row] for row in keyboard]
    return {"reply_markup": InlineKeyboardMarkup(rows).to_dict()}


def _every_prompt(flow: Flow) -> list[Prompt]:
    """The prompt of every question, as first shown (each step made the current one)."""
    state = start(flow)
    shown = []
    for step in flow.steps():
        moved = state.model_copy(update={"current": step.id})
        current = prompt(flow, moved, "fr")
        if current is not None:
            shown.append(current)
    return shown


@pytest.mark.parametrize("name", ["questionnaire.yaml", "acteurs.yaml"])
def test_every_question_keyboard_is_sent_as_the_library_would_send_it(name: str) -> None:
    flow = load_flow(bundled_path(name))
    prompts = _every_prompt(flow)
    kinds = {shown.kind for shown in prompts}
    assert {Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.YES_NO} <= kinds  # a real walk
    for lang in ("fr", "en"):
        for shown in prompts:
            keyboard = question_keyboard(shown, lang)
            if keyboard is None:
                assert _markup(keyboard) == {}
                continue
            assert _markup(keyboard) == _as_the_library_sends(keyboard), shown.step_id


def test_a_paged_menu_with_awkward_labels_is_sent_as_the_library_would_send_it() -> None:
    labels = [f"Atelier <{n}> & « Pithiviers » 🏭 {'é' * n}" for n in range(60)]
    stages = [Choice(label, Action(Intent.STAGE, value=f"s{n}")) for n, label in enumerate(labels)]
    menu = Menu("Choisissez", (*stages, Choice("Sans atelier", Action(Intent.NO_STAGE))))
    assert page_count(menu) > 1
    for page in range(page_count(menu)):
        keyboard = menu_keyboard(menu, "fr", page)
        assert _markup(keyboard) == _as_the_library_sends(keyboard)

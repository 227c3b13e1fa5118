"""Showing the conversation's screens as terminal text: questions with numbered answers, menus."""

from __future__ import annotations

import json

from bot.terminal.words import term, type_a_number
from conversation import (
    Answered,
    DataCopy,
    Goodbye,
    Help,
    HelpTopic,
    Intent,
    Menu,
    Message,
    Question,
    Screen,
    Selection,
    Summary,
    Welcome,
    commands_help,
    say,
)
from flows import Kind, Prompt

# A menu offering these can be answered "oui" / "non" as well as by number: the notice,
# and the confirmations of what erases answers (restarting, erasing, switching questionnaire).
YES_INTENTS = frozenset({Intent.CONSENT, Intent.RESTART, Intent.ERASE, Intent.SWITCH})
NO_INTENTS = frozenset({Intent.DECLINE, Intent.KEEP, Intent.RESUME})
# The engine's refusals that speak of buttons (`Message.reason`): said in the terminal's
# words instead (`own_words`).
BUTTON_REFUSALS = frozenset({"use_buttons", "info_typed", "info_typed_first"})


def show(screen: Screen, lang: str) -> str | None:
    """A screen as lines of text; None for what the terminal leaves unsaid."""
    if isinstance(screen, Message):
        return f"⚠ {screen.text}\n" if screen.warning else f"{screen.text.strip()}\n"
    if isinstance(screen, Welcome):
        lines = [screen.title]
        if screen.workshop:
            lines.append(screen.workshop)
        return (
            "\n".join([*lines, "", screen.intro, ""]) if screen.intro else "\n".join(lines) + "\n"
        )
    if isinstance(screen, Menu):
        return menu_text(screen, lang)
    if isinstance(screen, Question | Selection):
        return question_text(screen.prompt, lang)
    if isinstance(screen, Answered):
        return None  # the line typed already reads as the answer
    if isinstance(screen, Summary):
        entries = [f"  • {question}\n    → {shown}" for question, shown in screen.entries]
        if screen.revise is None:
            return "\n".join([screen.title, *entries, "", f"  {term('summary_done', lang)}"])
        # The lines are numbered: a line's number changes its answer, as in every channel.
        return "\n".join([screen.title, *entries, "", f"  {term('summary_hint', lang)}"])
    if isinstance(screen, DataCopy):
        listing = json.dumps(screen.data, ensure_ascii=False, indent=2)
        return f"{screen.text}\n\n{screen.typed_hint}\n\n{screen.caption}\n{listing}\n"
    if isinstance(screen, Help):
        if screen.topic == HelpTopic.UNKNOWN_COMMAND:
            return say("unknown_command", lang)
        return f"{term('terminal_help', lang)}\n\n{commands_help(lang, screen.commands)}\n"
    if isinstance(screen, Goodbye):
        return screen.text  # the chat ends here: no "/start" to type in it
    return None


def in_own_terms(screen: Screen, asked: Prompt | None, lang: str) -> Screen:
    """`screen` as the terminal says it: refusals without buttons.

    `asked` is the question shown in the same reply, if any.
    """
    if isinstance(screen, Message):
        return own_words(screen, asked, lang)
    return screen


def own_words(said: Message, asked: Prompt | None, lang: str) -> Message:
    """A refusal of the engine's that speaks of buttons, in the terminal's words.

    "Please answer with the buttons offered" becomes the range of numbers to type for
    `asked`, the question shown again under it; "tap Continue", press Enter. "Choose one of
    the answers or type a whole number" says which numbers are answers' and which counts.
    """
    key = said.reason
    if said.warning and key == "choice_or_count" and asked is not None and asked.choices:
        # "…or type a whole number": but "3" is the third answer listed here.
        return Message(term("type_number_or_count", lang, count=len(asked.choices)), warning=True)
    if not said.warning or key not in BUTTON_REFUSALS:
        return said
    if key != "use_buttons":
        return Message(term(key, lang), warning=True)
    if asked is None or not asked.choices:
        return Message(term("use_numbers", lang), warning=True)
    count = len(asked.choices)
    if asked.kind in (Kind.MULTIPLE_CHOICE, Kind.RANKING):
        return Message(term("type_numbers", lang, count=count), warning=True)
    return Message(type_a_number(count, lang), warning=True)


def menu_text(menu: Menu, lang: str) -> str:
    """The menu's text and its numbered choices, with how to answer."""
    lines = [menu.text, ""]
    numbers = [choice for choice in menu.choices if choice.label.isdecimal()]
    if numbers and [c.label for c in numbers] == [str(n) for n in range(1, len(numbers) + 1)]:
        # Choices that are only numbers (the questions of the summary above): no list.
        lines[-1] = f"  {type_a_number(len(numbers), lang)}"
        default = next((c.label for c in menu.choices if c.action == menu.default), None)
        if default is not None:
            lines[-1] += " · " + term("menu_default", lang, label=default)
        return "\n".join(lines)
    lines += [f"  {index:>2}. {choice.label}" for index, choice in enumerate(menu.choices, 1)]
    intents = {choice.action.intent for choice in menu.choices}
    if intents & YES_INTENTS and intents & NO_INTENTS:
        lines.append(term("consent_question", lang))
    else:
        hint = term("menu_hint", lang)
        default = next((c.label for c in menu.choices if c.action == menu.default), None)
        if default is not None:
            hint += " · " + term("menu_default", lang, label=default)
        lines.append(f"  {hint}")
    return "\n".join(lines)


def question_text(shown: Prompt, lang: str) -> str:
    """A prompt as terminal text: header with progress, question, numbered choices, hint."""
    if shown.position:
        header = term("header", lang, section=shown.section, n=shown.position, total=shown.total)
    else:
        header = f"── {shown.section} ──"
    lines = [header, shown.text]
    if shown.help:
        lines.append(f"  ({shown.help})")
    if shown.kind == Kind.SCALE and not shown.awaiting_other:
        lines += _scale_lines(shown, lang)
    else:
        multiple = shown.kind == Kind.MULTIPLE_CHOICE
        for index, (code, label) in enumerate(shown.choices, 1):
            mark = f"[{'x' if code in shown.selected else ' '}] " if multiple else ""
            lines.append(f"  {index:>2}. {mark}{label}")
    hint = _hint(shown, lang)
    if hint:
        lines.append(hint)
    return "\n".join(lines)


def _scale_lines(shown: Prompt, lang: str) -> list[str]:
    numbers = [label for code, label in shown.choices if code.isdigit()]
    low = f"{numbers[0]} = {shown.min_label}" if shown.min_label else numbers[0]
    high = f"{numbers[-1]} = {shown.max_label}" if shown.max_label else numbers[-1]
    line = f"  {low} … {high}"
    if any(code == "dont_know" for code, _ in shown.choices):
        line += term("scale_dont_know", lang)
    return [line]


def _hint(shown: Prompt, lang: str) -> str:
    parts = [_how_to_answer(shown, lang), *_or_only(shown, lang)]
    current = _current(shown)
    if current:
        parts.append(term("hint_current", lang, value=current))
    elif shown.kind == Kind.MULTIPLE_CHOICE and shown.earlier is not None:
        parts.append(term("hint_ticks_kept", lang))
    if shown.can_skip:
        parts.append(term("hint_skip", lang))
    if shown.can_back:
        parts.append(term("hint_back", lang))
    kept = [part for part in parts if part]
    return "  " + " · ".join(kept) if kept else ""


def _how_to_answer(shown: Prompt, lang: str) -> str:
    if shown.kind == Kind.INFO:
        return term("hint_enter", lang)
    if shown.awaiting_other:
        return term("hint_other", lang)
    if shown.kind == Kind.MULTIPLE_CHOICE:
        return _how_many(shown.min_selected, shown.max_selected, lang)
    if shown.kind == Kind.RANKING:
        return term("hint_ranking", lang, count=shown.needed)
    if shown.kind == Kind.SCALE:
        return term("hint_scale", lang)
    if shown.choices:
        return term("hint_count" if shown.ranged else "hint_single", lang, count=len(shown.choices))
    return term("hint_unit", lang, unit=shown.unit) if shown.unit else ""


def _how_many(least: int, most: int | None, lang: str) -> str:
    """A multiple choice's bounds, said before a refusal has to (a "none" choice alone aside)."""
    if least <= 1:
        return term("hint_multi_max", lang, max=most) if most else term("hint_multi", lang)
    if most == least:
        return term("hint_multi_exactly", lang, min=least)
    if most:
        return term("hint_multi_between", lang, min=least, max=most)
    return term("hint_multi_min", lang, min=least)


def _or_only(shown: Prompt, lang: str) -> list[str]:
    """The "none of these" choices, which answer alone below a minimum of several."""
    if shown.kind != Kind.MULTIPLE_CHOICE or shown.min_selected <= 1:
        return []
    # Typed by its number, as every answer here.
    numbers = {code: (n, label) for n, (code, label) in enumerate(shown.choices, 1)}
    return [
        term("hint_or_only", lang, number=numbers[code][0], label=numbers[code][1])
        for code in shown.exclusive
    ]


def _current(shown: Prompt) -> str | None:
    """The earlier answer that Enter keeps, as the person reads it (`reading.read_answer`)."""
    if shown.default or shown.awaiting_other or shown.kind == Kind.MULTIPLE_CHOICE:
        # Typed answers and rankings come back as text. Asking for the "Other" text,
        # `selected` holds the choice waiting for its text ("other"): only a text can be kept.
        # A multiple choice shows its ticks instead.
        return shown.default
    labels = dict(shown.choices)
    return ", ".join(labels.get(code, code) for code in shown.selected) or None

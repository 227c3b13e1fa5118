"""Reading a typed line as what the person meant, given the screen they are answering.

A number picks an answer or a menu entry (any other is a count where the
answers are ranges of one), several numbers tick a multiple choice or order a
ranking, "oui"/"non" answer a yes-or-no menu, words like "retour" or "/delete"
are commands, anything else is a typed answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.terminal.display import NO_INTENTS, YES_INTENTS
from bot.terminal.words import term, type_a_number
from conversation import (
    COMMAND_WORDS,
    Action,
    Command,
    CommandName,
    Event,
    Intent,
    Menu,
    Pressed,
    Question,
    Selection,
    Start,
    Submitted,
    Summary,
    Typed,
    on_question,
)
from flows import Kind, Prompt

PLAIN = frozenset({CommandName.HELP, CommandName.BACK, CommandName.SKIP})
QUIT = frozenset({"quit", "quitter", "exit", "/quit", "/quitter"})
YES_WORDS = frozenset({"oui", "o", "yes", "y", "j'accepte", "accepte", "i agree"})
NO_WORDS = frozenset({"non", "n", "no", "je refuse", "refuse", "i decline"})
REVISE_WORDS = frozenset({"modifier", "edit", "change"})
# Every command after a "/", in English or French; a few also as plain words.
WORDS = {
    name: {f"/{word}" for word in words} | {word for word in words if name in PLAIN}
    for name, words in COMMAND_WORDS.items()
}

Screen = Menu | Question | Selection | Summary
"""What a typed line answers; None once nothing waits for an answer (after a goodbye)."""


@dataclass(frozen=True, slots=True)
class Unclear:
    """A line that means nothing for the screen on it, and what to tell the person."""

    text: str


@dataclass(frozen=True, slots=True)
class Leave:
    """The person is done for now (quit, or the end of the summary)."""


def read_line(line: str, screen: Screen | None, lang: str) -> Event | Unclear | Leave:
    """What `line` means on `screen`."""
    word = fold(line)
    if word in QUIT:
        return Leave()
    for name, words in WORDS.items():
        if word in words:
            return Command(name)
    if word == "/start":
        return Start()
    if word.startswith("/") and " " not in word:
        return Command(CommandName.UNKNOWN)
    if screen is None:
        return Typed(line) if word else Leave()
    if isinstance(screen, Menu):
        return _read_menu(word, screen, lang)
    if isinstance(screen, Summary):
        if not word:
            return Leave()
        revise = screen.revise
        if revise is None:
            return Unclear(term("summary_done", lang))
        if word in REVISE_WORDS or word == fold(revise.label):
            return Pressed(revise.action)
        count = len(screen.entries)
        if _figures_only(word) and 1 <= (_line_number(word) or 0) <= count:
            # The number of a line ("3", "3.", "#3"): the conversation opens that question.
            return Typed(line)
        return Unclear(term("summary_unclear", lang, count=count))
    return read_answer(line, screen.prompt, lang)


def read_answer(line: str, shown: Prompt, lang: str) -> Event | Unclear:
    """A line typed for the question `shown`."""
    word = line.strip().lower()
    if shown.kind == Kind.INFO:
        # Enter goes on. A typed line goes to the engine, as on every channel: "ok" goes on
        # too, and anything else (a year meant for the question before, a script one line
        # short) is refused, never dropped: every later answer would land one question off.
        return Pressed(on_question(shown, Intent.NEXT)) if not word else Typed(line)
    if shown.awaiting_other:
        # Enter alone keeps the earlier "Other" text, as the web chat's field filled with it
        # does; with none, the engine asks for one.
        return Typed(shown.default if not word and shown.default else line)
    if not word:
        # Enter alone keeps an earlier answer, or leaves an optional question blank.
        if shown.earlier is not None:
            return Submitted(shown.step_id, shown.seq, shown.earlier)
        if shown.can_skip:
            return Pressed(on_question(shown, Intent.SKIP))
        return Unclear(term("empty_required", lang))
    if shown.kind in (Kind.MULTIPLE_CHOICE, Kind.RANKING):
        codes = _numbers_to_codes(shown, line)
        if codes is None:
            return Unclear(term("type_numbers", lang, count=len(shown.choices)))
        return Submitted(shown.step_id, shown.seq, codes)
    if shown.choices and shown.kind != Kind.SCALE:
        return _read_choice(line, shown, lang)
    return Typed(line)


def _read_choice(line: str, shown: Prompt, lang: str) -> Event | Unclear:
    """A line for a single choice or a yes/no: an answer's number, else its name, read by the
    engine (a scale reads its own figures, with its own message).

    Where the answers are ranges of a count ("10 to 49"), other figures are a count, read
    by the engine too: "12" or "0", but "3" is still the third answer listed.
    """
    word = line.strip()
    count = len(shown.choices)
    if (number := _numbered(word, count)) is not None:
        return Pressed(on_question(shown, Intent.CHOOSE, shown.choices[number - 1][0]))
    if shown.ranged:
        return Typed(line)
    if _figures_only(word) and not _names_a_choice(shown, line):
        # "-1", "1.5", "1 2", "99": the engine would ask for its buttons, which a terminal
        # does not have; the range of numbers says what to type instead.
        return Unclear(type_a_number(count, lang))
    return Typed(line)


def _figures_only(word: str) -> bool:
    """Figures with blanks or punctuation around them, and no letter: "-1", "1.5", "1 2"."""
    return any(c.isdigit() for c in word) and not any(c.isalpha() for c in word)


def _line_number(word: str) -> int | None:
    """The one number in figures and punctuation ("3.", "#3"); None for none, or several."""
    found = re.fullmatch(r"\D*(\d{1,9})\D*", word)
    return int(found.group(1)) if found else None


def _names_a_choice(shown: Prompt, line: str) -> bool:
    """The line is an answer's code or label (a label may be figures: "10-49")."""
    typed = fold(line)
    return any(typed in (fold(code), fold(label)) for code, label in shown.choices)


def _read_menu(word: str, menu: Menu, lang: str) -> Event | Unclear:
    choices = menu.choices
    if not word and menu.default is not None:
        return Pressed(menu.default)
    if (number := _numbered(word, len(choices))) is not None:
        return Pressed(choices[number - 1].action)
    yes, no = _yes_and_no(menu)
    if word in YES_WORDS and yes is not None:
        return Pressed(yes)
    if word in NO_WORDS and no is not None:
        return Pressed(no)
    for choice in choices:
        # "Évreux" picks "Évreux (exemple)": a label's aside need not be typed.
        if word and word in (fold(choice.label), fold(choice.label.split(" (")[0])):
            return Pressed(choice.action)
    intents = {choice.action.intent for choice in choices}
    if intents & YES_INTENTS and intents & NO_INTENTS:
        return Unclear(term("consent_question", lang))
    return Unclear(type_a_number(len(choices), lang))


def _yes_and_no(menu: Menu) -> tuple[Action | None, Action | None]:
    """What "oui" and "non" pick on `menu`: each only where the menu asks yes or no.

    Asking to confirm (the notice, or what erases answers), yes agrees or erases and no
    keeps things as they are ("Non, continuer" may resume). The resume offer asks
    "Voulez-vous reprendre… ?": yes resumes, no starts over (itself asked to confirm).
    Any other menu ("which questionnaire would you like?") is answered by a number.
    """
    actions = [choice.action for choice in menu.choices]
    intents = {action.intent for action in actions}

    def first(wanted: frozenset[Intent]) -> Action | None:
        return next((action for action in actions if action.intent in wanted), None)

    if intents & YES_INTENTS:
        return first(YES_INTENTS), first(NO_INTENTS)
    if {Intent.RESUME, Intent.RESTART_ASK} <= intents:
        return first(frozenset({Intent.RESUME})), first(frozenset({Intent.RESTART_ASK}))
    return None, None


def _numbers_to_codes(shown: Prompt, line: str) -> list[str] | None:
    parts = [p for p in re.split(r"[\s,;]+", line.strip()) if p]
    numbers = [_numbered(part, len(shown.choices)) for part in parts]
    if not parts or None in numbers:
        return None
    return [shown.choices[number - 1][0] for number in numbers if number is not None]


def _numbered(word: str, count: int) -> int | None:
    """The number of one of `count` choices that `word` is ("2", "02"), or None.

    Read only when short: past 4,300 digits Python refuses to read a number at all.
    """
    if not word.isdecimal() or len(word) > 9:
        return None
    number = int(word)
    return number if 1 <= number <= count else None


def fold(text: str) -> str:
    """Lowercase, without accents, emoji or surrounding blanks: how typed words are compared."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower()).replace("’", "'")
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and c.isprintable())
    return "".join(c for c in kept if c.isascii() or c.isalnum()).strip()

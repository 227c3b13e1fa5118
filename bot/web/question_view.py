"""How a question is drawn on a page: its buttons, boxes, field and controls.

`question_view` turns the conversation's prompt into what templates/chat.html lays out:
which buttons a question offers and what they carry, a field's kind and limits, what a
ranking asks for; `button` makes any screen's button (pages.py draws the other screens).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.web.words import web
from conversation import Action, Intent, encode, on_question, says_most
from flows import EMAIL_LENGTH, MAX_NUMBER_CHARS, OTHER, OTHER_TEXT_LIMIT, Kind, Prompt


@dataclass(frozen=True, slots=True)
class Button:
    """A submit button: its label and the action token it posts."""

    label: str
    token: str
    pressed: bool = False
    """The answer given before, shown as chosen."""
    lang: str = ""
    """The language its label is in, when not the page's (a language's own name)."""
    danger: bool = False
    """It erases or starts over, confirmed: drawn as such, never taken for "no"."""
    described_by: str = ""
    """The id of what says more about it: a scale's end point, by the end's label."""
    back: bool = False
    """The question's "← Retour", which the phone's own Back button presses (chat.js)."""


DANGEROUS = frozenset({Intent.ERASE, Intent.RESTART, Intent.SWITCH})
"""What cannot be undone: the confirming button of "erase everything?", "start over?"."""


def button(label: str, action: Action, *, pressed: bool = False) -> Button:
    # "English" on a French page is said in English (a language's own name, WCAG 3.1.2).
    lang = action.value if action.intent == Intent.LANGUAGE else ""
    return Button(
        label,
        encode(action),
        pressed,
        lang=lang,
        danger=action.intent in DANGEROUS,
        back=action.intent == Intent.BACK,
    )


def question_view(
    shown: Prompt, lang: str, offered: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """What the question's form holds: its text, how it is answered, its controls.

    `offered`: the answers a refused reply may have meant ("Corse": 2A, 2B), a button each
    under the field, as Telegram offers them (`conversation.Question.offered`)."""
    view: dict[str, Any] = {
        "step": shown.step_id,
        "seq": shown.seq,
        "kind": _form_kind(shown),
        "section": shown.section,
        "text": shown.text,
        "help": shown.help,
        "progress": (
            web("progress", lang, n=shown.position, total=shown.total, section=shown.section)
            if shown.position
            else shown.section
        ),
        # What a screen reader says instead of the compact "3/51" (none without a number).
        "progress_said": (
            web("progress_said", lang, n=shown.position, total=shown.total, section=shown.section)
            if shown.position
            else ""
        ),
        # For the tab's title: where the person is, without the section's name.
        "where": web("where", lang, n=shown.position, total=shown.total) if shown.position else "",
        "controls": _controls(shown, lang),
        "columns": shown.columns or 1,  # a choice's answers a row, as far as they fit (chat.css)
    }
    kind = view["kind"]
    if kind == "info":
        view["next"] = button(web("continue", lang), on_question(shown, Intent.NEXT))
    elif kind == "buttons":
        view["buttons"] = [
            button(
                _with_words(shown, code, label, lang),
                on_question(shown, Intent.CHOOSE, code),
                pressed=code in shown.selected,
            )
            for code, label in shown.choices
        ]
        if shown.kind == Kind.SCALE and (shown.min_label or shown.max_label):
            view["scale"] = (shown.min_label or "", shown.max_label or "")
            view["buttons"] = _scale_ends(view["buttons"], [code for code, _ in shown.choices])
            # Each end's words said with its number ("5 = Forte"): above a row that wraps,
            # a word over the wrong button would otherwise be read as that button's.
            points = [label for code, label in shown.choices if code.lstrip("-").isdigit()]
            view["scale_points"] = (points[0], points[-1]) if points else ("", "")
    elif kind == "ticks":
        view["choices"] = [
            (code, _with_words(shown, code, label, lang), code in shown.selected)
            for code, label in shown.choices
        ]
        hint = _how_many(shown, lang)
        # Not twice: the question's own help often says it already, or its text the most.
        said = hint.rstrip(".").casefold() in (shown.help or "").casefold()
        said = said or (shown.min_selected <= 1 and says_most(shown))
        view["hint"] = None if said else hint
        # For choices.js, which keeps the ticks to what the server takes (`data-exclusive`,
        # `data-max` in chat.html): the answers that stand alone, and the most to tick.
        view["exclusive"] = frozenset(shown.exclusive)
        view["max"] = shown.max_selected
    elif kind == "ranks":
        earlier = shown.earlier if isinstance(shown.earlier, list) else []
        view["choices"] = list(shown.choices)
        view["ranks"] = [
            (_rank_label(n, lang), earlier[n - 1] if n <= len(earlier) else "")
            for n in range(1, shown.needed + 1)
        ]
        view["hint"] = web("rank_hint", lang, count=shown.needed)
    elif kind == "text":
        view["input"] = _input(shown)
        view["value"] = shown.default or ""
        view["unit"] = web("unit", lang, unit=shown.unit) if shown.unit else None
        view["offered"] = [
            button(label, on_question(shown, Intent.CHOOSE, code)) for code, label in offered
        ]
    return view


def _how_many(shown: Prompt, lang: str) -> str:
    """A multiple choice's bounds ("Au moins 2 réponses."), and below a minimum of several,
    the choices that answer alone ("ou seulement « Aucun frein »"), as the terminal says them."""
    least, most = shown.min_selected, shown.max_selected
    if least <= 1:
        return web("at_most", lang, max=most) if most else web("several", lang)
    if most == least:
        bounds = web("exactly", lang, min=least)
    elif most:
        bounds = web("between", lang, min=least, max=most)
    else:
        bounds = web("at_least", lang, min=least)
    labels = dict(shown.choices)
    alone = [web("or_only", lang, label=labels[code]) for code in shown.exclusive]
    return ", ".join([bounds.rstrip("."), *alone]) + "." if alone else bounds


def _scale_ends(buttons: list[Button], codes: list[str]) -> list[Button]:
    """A scale's first and last points described by their labels ("1", "Faible"): heard
    beside the point, not only once above the row ("don't know" is no point of it)."""
    points = [n for n, code in enumerate(codes) if code.lstrip("-").isdigit()]
    if not points:
        return buttons
    ends = {points[0]: "scale-min", points[-1]: "scale-max"}
    return [
        dataclasses.replace(b, described_by=ends[n]) if n in ends else b
        for n, b in enumerate(buttons)
    ]


def _form_kind(shown: Prompt) -> str:
    if shown.kind == Kind.INFO:
        return "info"
    if shown.awaiting_other:
        return "text"
    if shown.kind == Kind.MULTIPLE_CHOICE:
        return "ticks"
    if shown.kind == Kind.RANKING:
        return "ranks"
    return "buttons" if shown.choices else "text"


def _input(shown: Prompt) -> dict[str, Any]:
    """The text field: its type, the keyboard a phone opens for it, the length it may take.

    A free text has no `maxlength`: a browser would cut a pasted text without a word.
    Its `limit` is shown as a count (chat.js); over it, the server refuses politely and
    gives the text back to shorten. Nor has a code (a name from a list may be long): only
    an email address and a number do, at the engine's own limits, past which neither
    could be read anyway.
    """
    if shown.awaiting_other:
        return {"element": "input", "type": "text", "inputmode": "text", "limit": OTHER_TEXT_LIMIT}
    if shown.kind == Kind.LONG_TEXT:
        return {"element": "textarea", "limit": shown.max_length, "placeholder": shown.placeholder}
    if shown.kind == Kind.EMAIL:
        # The person's own address, as the browser may fill it in (WCAG 1.3.5).
        return {
            "element": "input",
            "type": "email",
            "inputmode": "email",
            "maxlength": EMAIL_LENGTH,
            "autocomplete": "email",
        }
    if shown.kind == Kind.CODE:
        # A code or a name: a short field, no phone autocorrection of "2A".
        return {
            "element": "input",
            "type": "text",
            "inputmode": "text",
            "short": True,
        }
    if shown.kind == Kind.NUMBER:
        # type=text with a numeric keyboard: "1 200" and "3,5" are typed as people write them;
        # a count or a year needs only the digits, the larger keys of a phone's keypad.
        keys = "numeric" if shown.counting else "decimal"
        return {
            "element": "input",
            "type": "text",
            "inputmode": keys,
            "maxlength": MAX_NUMBER_CHARS,
        }
    return {
        "element": "input",
        "type": "text",
        "inputmode": "text",
        "limit": shown.max_length,
        "placeholder": shown.placeholder,
    }


def _controls(shown: Prompt, lang: str) -> list[Button]:
    """Back (always first, on the left), then skip: beside each other below the answer.

    An information step's "continue" is not one of them: it is its way forward, drawn
    where a question's answer or "send" is (`question_view`'s "next").
    """
    controls = []
    if shown.can_back:
        controls.append(button(web("back", lang), on_question(shown, Intent.BACK)))
    if shown.can_skip:
        controls.append(button(web("skip", lang), on_question(shown, Intent.SKIP)))
    return controls


def _rank_label(n: int, lang: str) -> str:
    return web("rank_first", lang) if n == 1 else web("rank", lang, n=n)


def _with_words(shown: Prompt, code: str, label: str, lang: str) -> str:
    """A choice's label; the "Other" chosen before with the words given for it: "Autre
    secteur : Horlogerie", which its button alone did not show."""
    if code != OTHER or shown.other_text is None:
        return label
    return web("other_given", lang, label=label, words=shown.other_text)

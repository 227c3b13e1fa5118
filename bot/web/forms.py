"""Reading a posted form as what the person did: a button, a typed answer, ticks, a ranking.

Every form of the chat page carries the question it answers (`step`, `seq`),
so an answer posted for a question that is no longer waiting is stale, not
taken for the next one. A button carries its action as a token
(`conversation.tokens`), exactly as Telegram's buttons do.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from starlette.datastructures import FormData

from bot.web.identity import read_delivery
from conversation import (
    COMMAND_WORDS,
    BadToken,
    Command,
    CommandName,
    Event,
    Pressed,
    Submitted,
    Typed,
    decode,
)

COMMANDS: Final = {
    "mydata": CommandName.MYDATA,
    "delete": CommandName.DELETE,
    "restart": CommandName.RESTART,
    "language": CommandName.LANGUAGE,
}
"""The commands of the page's own buttons (its footer)."""

TYPED: Final = {
    **{f"/{word}": name for name, words in COMMAND_WORDS.items() for word in words},
    "/start": CommandName.HELP,  # the page is open already: how to answer it
}
"""Commands a person may type in an answer's field, out of a Telegram habit: "/back",
"/aide". Each is the command, never an answer, as on Telegram and in the terminal; the
help is the page's own note on how it is answered (app.py, words `typed_help`), not the
chat's list of commands. A "/" followed by anything else ("/ 2 sites", "1/2") is an answer."""


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A form that says nothing this page asks (forged, or from another version of it)."""


def read_form(fields: Mapping[str, str], lists: Mapping[str, Sequence[str]]) -> Event | Unreadable:
    """The event a posted form stands for.

    `fields` holds each field's (last) value, `lists` every value of the fields a
    form may repeat (ticked boxes, ranks).
    """
    if "action" in fields:
        try:
            return Pressed(decode(fields["action"]))
        except BadToken:
            return Unreadable()
    if "command" in fields:
        name = COMMANDS.get(fields["command"])
        return Command(name) if name else Unreadable()
    step, seq = fields.get("step"), fields.get("seq", "")
    # At most nine digits, as in a button's token: no page writes more, and past 4,300
    # Python refuses to read a number at all.
    if not step or not seq.isascii() or not seq.isdigit() or len(seq) > 9:
        return Unreadable()
    if "text" in fields:
        typed = TYPED.get(_folded(fields["text"]))
        return Command(typed) if typed else Typed(fields["text"], step=step, seq=int(seq))
    if fields.get("kind") == "ticks":
        return Submitted(step, int(seq), list(dict.fromkeys(lists.get("codes", ()))))
    if fields.get("kind") == "ranks":
        return Submitted(step, int(seq), [code for code in lists.get("rank", ()) if code])
    return Unreadable()


def _folded(text: str) -> str:
    """A typed text as its command word is looked up: lowercase, without accents or
    surrounding blanks ("/Mes_Données " is "/mes_donnees"), as the terminal compares them."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_posted(form: FormData) -> Event | Unreadable:
    """The event a form Starlette has read stands for (files are no answer: left out)."""
    fields: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields[key] = value
            lists.setdefault(key, []).append(value)
    return read_form(fields, lists)


def field_of(form: FormData, name: str) -> str | None:
    """A field's (last) value, if it is text."""
    value = form.get(name)
    return value if isinstance(value, str) else None


def delivery_of(form: FormData) -> int | None:
    """The form's delivery id: a negative number the page wrote, or none at all."""
    return read_delivery(field_of(form, "delivery"))

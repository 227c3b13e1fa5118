"""A message of a reply as a key, and back: how a note crosses the redirect without its text.

The conversation hands the page texts, not keys. A note is found again among the
words it can be: the conversation's and the page's own texts that take no value
("Ce bouton n'est plus actif…", "Langue : français."), and the engine's refusals,
whose values (a number, a choice's label, examples from a list) come from the flow.
A text that is none of these (the outro, which names the person's company) is never
carried as a note: the page after the redirect shows it by itself or not at all.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Mapping

from bot.web.flash import Note
from bot.web.words import web
from conversation import Message, say
from flows import MESSAGES, message

TABLES: dict[str, tuple[Mapping[str, Mapping[str, str]], Callable[..., str]]] = {
    "say": (say.table, say),
    "web": (web.table, web),
    "engine": (MESSAGES, message),
}
"""Each table a note may come from, and how to say its key."""
VALUED = frozenset({"engine"})
"""Tables whose texts may carry values: the engine's refusals, whose values are the flow's.
The others' valued texts (a welcome with its town, "3 réponses") are never notes, but for
`VALUED_KEYS`."""
VALUED_KEYS = frozenset(
    {("say", "switched"), ("say", "restarted_at"), ("say", "tagged_now"), ("say", "language_only")}
)
"""Other texts whose values are the flow's or the stages file's: "your answers to « Une
entreprise » are erased" names a questionnaire by its audience's label, "now linked to the
Évreux workshop" (`restarted_at`, `tagged_now`) a workshop by its town, "only in English" the flow's one language; never
what a person typed."""


UNTAKEN = frozenset(
    {
        ("say", "stale"),
        ("say", "stale_none_open"),
        ("say", "stale_answer"),
        ("say", "forged"),
        ("say", "consent_first"),
        ("say", "flow_updated"),
        ("web", "expired"),
        ("web", "typed_help"),
    }
)
"""Notes that say what the person just did was not taken as they meant it (a button no
longer active, a page out of date, a questionnaire changed under them), or not as an
answer ("/aide" typed: how the page is answered): a page makes sure they are heard before
its question, or the person believes their answer went in."""


def untaken(said: Message, lang: str) -> bool:
    """Whether `said` is a note of `UNTAKEN`."""
    note = note_of(said, lang)
    return note is not None and (note.words, note.key) in UNTAKEN


def note_of(said: Message, lang: str) -> Note | None:
    """`said` as a note, or None when it is no text a note can be."""
    found = _plain(lang).get(said.text)
    if found is not None:
        return Note(found[0], found[1], {}, said.warning)
    for words, key, pattern in _valued(lang):
        if not said.warning and (words, key) not in VALUED_KEYS:
            continue  # a refusal is a warning; a text of the flow's own (the outro) never is
        match = pattern.fullmatch(said.text)
        if match is not None:
            return Note(words, key, match.groupdict(), said.warning)
    return None


def message_of(note: Note, lang: str) -> Message | None:
    """The note said in `lang`, or None for a key this version does not have."""
    table = TABLES.get(note.words)
    if table is None or note.key not in table[0]:
        return None
    if note.values and note.words not in VALUED and (note.words, note.key) not in VALUED_KEYS:
        return None
    try:
        return Message(table[1](note.key, lang, **note.values), warning=note.warning)
    except (KeyError, IndexError, ValueError):
        return None  # values for another version of the text


def _text(table: Mapping[str, Mapping[str, str]], key: str, lang: str) -> str:
    texts = table[key]
    return texts.get(lang, texts["fr"])


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


@functools.cache
def _plain(lang: str) -> dict[str, tuple[str, str]]:
    """Every text without values, by what it reads in `lang`: (table, key)."""
    found: dict[str, tuple[str, str]] = {}
    for words, (table, _) in TABLES.items():
        for key in table:
            text = _text(table, key, lang)
            if not _fields(text):
                found.setdefault(text, (words, key))
    return found


@functools.cache
def _valued(lang: str) -> list[tuple[str, str, re.Pattern[str]]]:
    """A pattern for each text with values, in the tables that may carry them."""
    patterns = []
    keys = [(words, key) for words in sorted(VALUED) for key in TABLES[words][0]]
    for words, key in [*keys, *sorted(VALUED_KEYS)]:
        text = _text(TABLES[words][0], key, lang)
        if _fields(text):
            patterns.append((words, key, _pattern(text)))
    return patterns


def _pattern(template: str) -> re.Pattern[str]:
    """ "Merci d’indiquer un nombre d’au moins {min}." as a pattern that captures `min`."""
    parts, seen = [], set()
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is None:
            continue
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
    return re.compile("".join(parts), re.DOTALL)

"""Piped names: `{question}` or `{question|fallback}` in a flow's texts.

In French, "de" before a piped answer is said as French says it: "le chiffre
d'affaires d'Exemple Industries", "des Ateliers Réunis" (`french_de`), and so is
"que": "Est-ce qu'Exemple Industries…"; the author's fallback is kept as written.

One pattern for every reader: the loader's checks (which names a text pipes),
the prompts (the names replaced by answers as read) and the organiser's
statistics (the text with its fallbacks, when there are no answers to show).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

PIPE = re.compile(r"\{(?P<name>[a-z][a-z0-9_]*)(?:\|(?P<fallback>[^{}]*))?\}")
"""`{name}` or `{name|fallback}`; the name is a question id."""
AFTER_DE = re.compile(r"(?P<de>\b(?:[Dd]e|[Qq]ue) )?" + PIPE.pattern)
"""The same, with the French "de" or "que" before it, if any."""
VOWELS = frozenset("aeiouœæ")  # "d’Œuilly", "l’œuvre"
ELLIPSIS = "…"


def piped_names(text: str) -> set[str]:
    """The question ids `text` pipes."""
    return {match.group("name") for match in PIPE.finditer(text)}


def fill(text: str, value_of: Callable[[str], str | None], *, french: bool = False) -> str:
    """`text` with each piped name replaced by `value_of(name)`.

    Where that is None (no answer), the fallback is used, or nothing when there is none;
    so it is for an answer with no letter or digit ("-", "??", "🏭"), which would not read
    as a name in a sentence ("Combien de salariés compte 🏭 ?").
    In a `french` text, "de" or "que" before an answer becomes what French makes of it.
    """
    if "{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        value = value_of(match.group("name"))
        de = match.groupdict().get("de") or ""
        if value is None or not any(c.isalnum() for c in value):
            return de + (match.group("fallback") or "")
        if de:
            # The apostrophe the author typed: "d’activité" then "d’Exemple", not "d'Exemple".
            apostrophe = "’" if "’" in text else "'"
            if de.lower() == "que ":
                said = f"qu{apostrophe}{value}" if _elides(value) else f"que {value}"
            else:
                said = french_de(value, apostrophe=apostrophe)
            return said[0].upper() + said[1:] if de[0] in "DQ" else said
        return value

    return (AFTER_DE if french else PIPE).sub(replace, text)


def french_de(name: str, *, apostrophe: str = "'") -> str:
    """French "de" before a name, as it is said: "de Pithiviers", "d'Évreux", "du Creusot",
    "des Herbiers", "d'Exemple Industries"."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name.removeprefix(article)
    return f"d{apostrophe}{name}" if _elides(name) else f"de {name}"


def _elides(name: str) -> bool:
    """A name that "de" and "que" elide before: "d'Évreux", "qu'Airbus"."""
    # Read without accents: "É" elides as "E" does.
    plain = "".join(
        c for c in unicodedata.normalize("NFD", name.lower()) if not unicodedata.combining(c)
    )
    # A "y" is a vowel before a consonant ("Yvetot") and a consonant before a vowel ("Yutz");
    # an "h" is left as written: mute (Honfleur) or aspirated (Hirson) needs a list.
    return plain[:1] in VOWELS or (plain[:1] == "y" and plain[1:2] not in VOWELS)


def unpiped(text: str) -> str:
    """`text` as it reads without answers: each piped name as its fallback, or "…"."""
    return PIPE.sub(lambda match: match.group("fallback") or ELLIPSIS, text)

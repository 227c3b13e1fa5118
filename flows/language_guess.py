"""Whether a flow that does not say its language is written in English.

A flow file without `language:` is French: the bot's own words around its
questions (buttons, hints, refusals, dates) are said in French. An
organisation writing in English that leaves the line out would see them so
only once its respondents do; `validate` warns when the flow's own texts read
as English. A guess by the little words of each language, so it says nothing
unless they leave no doubt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from flows.model import Flow

# Little words of one language only: "a" and "an" are French too ("a-t-elle", "par an").
ENGLISH: Final = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "your",
        "you",
        "what",
        "which",
        "how",
        "do",
        "does",
        "is",
        "are",
        "in",
        "for",
        "with",
        "this",
        "or",
        "our",
        "we",
    ]
)
FRENCH: Final = frozenset(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "et",
        "de",
        "des",
        "du",
        "votre",
        "vos",
        "vous",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "est",
        "sont",
        "dans",
        "pour",
        "avec",
        "ce",
        "cette",
        "ou",
        "nous",
        "au",
        "aux",
    ]
)
# The sentences a flow says, not its answers' labels: a French flow offers "Internet of
# Things" or "Go to market" among its choices.
TEXT_KEYS: Final = frozenset({"title", "text", "help", "intro", "consent", "outro"})
ENOUGH: Final = 10
"""English little words needed, and three times the French ones, before saying anything."""


def unsaid_english_warnings(flow: Flow) -> list[tuple[tuple[str | int, ...], str]]:
    """`add language: en` for a flow whose plain texts read as English but say no language."""
    if "language" in flow.model_fields_set:
        return []
    words = [w for text in _plain_texts(flow.model_dump()) for w in re.findall(r"[a-zà-ÿ]+", text)]
    english = sum(w in ENGLISH for w in words)
    french = sum(w in FRENCH for w in words)
    if english < ENOUGH or english < 3 * french:
        return []
    return [
        (
            ("id",),
            "the flow's texts read as English, but it does not say its language, so surveybot's "
            "own words around them (buttons, hints, error messages, dates) are French: add "
            "'language: en' at its top",
        )
    ]


def _plain_texts(data: Any) -> Iterator[str]:
    """Every text written plainly (a mapping of languages says its own), lowercased."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in TEXT_KEYS and isinstance(value, str):
                yield value.lower()
            else:
                yield from _plain_texts(value)
    elif isinstance(data, list):
        for item in data:
            yield from _plain_texts(item)

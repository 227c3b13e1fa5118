"""What a page shows, as a screen reader is to say it, where the two differ.

A scale's answer "3/5" is heard "3 sur 5" (`said_answer`, the template's `said`).
A leading emoji of a button's words ("✅ J’accepte", read "coche verte J’accepte") is
seen but not said (`emoji_apart`, the template's `words_of`). The words are shared by
every channel (conversation/words.py): Telegram shows them as they are.
"""

from __future__ import annotations

import re
import unicodedata

from bot.web.words import web

SCALE_ANSWER = re.compile(r"(-?\d+)/(-?\d+)")
"""A scale's answer as the summary shows it, "3/5" (flows/values.py, `display_value`)."""


def said_answer(given: str, lang: str) -> str:
    """An answer as a screen reader is to say it, when it is not as written: "3 sur 5" for
    "3/5"; else "" (the text as shown is what is said)."""
    found = SCALE_ANSWER.fullmatch(given)
    return web("scale_said", lang, n=found[1], max=found[2]) if found else ""


JOINERS = frozenset("\u200d\ufe0e\ufe0f\u20e3")
"""What joins or shapes an emoji's characters (zero-width joiner, variation selectors,
the keycap)."""


def _pictured(char: str) -> bool:
    # Emoji and pictographs are "other symbols" (✅, ↩, 📊); skin tones are modifiers
    # ("Sk"). Not arrows as "←", mathematical symbols ("Sm"), nor letters or digits.
    return unicodedata.category(char) == "So" or "\U0001f3fb" <= char <= "\U0001f3ff"


def emoji_apart(words: str) -> tuple[str, str]:
    """(the leading emoji, the words after it and its space), or ("", words) when the
    words do not begin with an emoji followed by a space."""
    end = 0
    while end < len(words) and (_pictured(words[end]) or (end and words[end] in JOINERS)):
        end += 1
    if not end or end >= len(words) or not words[end].isspace():
        return "", words
    rest = words[end:].lstrip()
    return (words[:end], rest) if rest else ("", words)


POINT = "• "
"""How a questionnaire's text marks a point of a list (the notice's "• Qui : …")."""


def text_parts(text: str) -> list[tuple[str, list[str]]]:
    """A text with points ("• ") laid out as a screen reader should hear it: its
    paragraphs, ("p", [text]), and each run of points a list, ("ul", [points]), said
    "list of 5 items" rather than each bullet spoken inside one long paragraph. A text
    without points is one paragraph, as written."""
    parts: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        kind, said = ("ul", line[len(POINT) :]) if line.startswith(POINT) else ("p", line)
        if not line.strip():
            parts.append(("p", []))  # a blank line ends a paragraph
        elif parts and parts[-1][0] == kind and (kind == "ul" or parts[-1][1]):
            parts[-1][1].append(said)
        else:
            parts.append((kind, [said]))
    return [(kind, lines) for kind, lines in parts if lines]

"""A leading emoji of a button's words, apart: seen, but not said by a screen reader.

"✅ J’accepte" is read "coche verte J’accepte" (or "white heavy check mark, I agree"),
its name beginning with a picture's name. The words are shared by every channel
(conversation/words.py): Telegram shows them as they are; a page draws the picture
hidden from screen readers (templates/chat.html, `words_of`).
"""

from __future__ import annotations

import unicodedata

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

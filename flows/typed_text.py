"""Typed text made comparable: cleaned of what a paste can carry, and folded so that case,
accents and the apostrophe's form do not count ("Côte-d’Or" is "cote-d'or")."""

from __future__ import annotations

import re
import unicodedata

# Control characters but newline and tab: pasted text can carry them, exports must not.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Strip control characters and surrounding blanks; keep inner newlines."""
    return CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """The text lower-cased, without accents, with the typewriter apostrophe."""
    decomposed = unicodedata.normalize("NFKD", clean_text(text).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("’", "'")

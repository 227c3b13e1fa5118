"""Button data: the one place that writes and reads Telegram's `callback_data`.

Telegram allows 64 bytes. An `Action` travels as four fields separated by `|`:
the intent, the state's sequence number, then two slots whose meaning depends
on the intent:

    c|7|sector|industry       a question's action: step id, choice code
    a|0|en|pithiviers         agree to the notice: its language, the workshop
    l|0|pithiviers|en         change language: the workshop kept, the language
    x|0||pithiviers           start over (also X, g): the workshop
    E|0||sector               change one answer: the question id
    r|0||                     the others carry nothing

The sequence number tells a stale button (an earlier question, a double tap)
from a fresh one. Anything that does not parse as one of these shapes is
treated as forged.
"""

from __future__ import annotations

import re
from typing import Final

from conversation import QUESTION_INTENTS, Action, Intent

MAX_BYTES: Final = 64
SEPARATOR: Final = "|"
SEQUENCE: Final = re.compile(r"[0-9]{1,9}")
LANGUAGE: Final = re.compile(r"[a-z]{2}")

# Which action field goes in each of the two slots, by intent (question intents apart).
SLOTS: Final[dict[Intent, tuple[str | None, str | None]]] = {
    Intent.CONSENT: ("lang", "stage"),
    Intent.DECLINE: ("lang", "stage"),
    Intent.LANGUAGE: ("stage", "value"),
    Intent.RESTART_ASK: (None, "stage"),
    Intent.RESTART: (None, "stage"),
    Intent.STAGE: (None, "stage"),
    Intent.REVISE: (None, "value"),
}


class BadButton(ValueError):
    """Button data that this bot did not write (forged, garbled or from another version)."""


def encode(action: Action) -> str:
    """The action as `callback_data`; ValueError if it cannot fit in 64 bytes."""
    if action.intent in QUESTION_INTENTS:
        first, second = action.step, action.value
    else:
        names = SLOTS.get(action.intent, (None, None))
        first, second = (getattr(action, name) if name else "" for name in names)
    text = SEPARATOR.join((action.intent.value, str(action.seq), first, second))
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"button data too long for Telegram: {text!r}")
    return text


def decode(text: object) -> Action:
    """The action a button carries; BadButton for anything `encode` does not write."""
    if not isinstance(text, str) or len(text.encode("utf-8")) > MAX_BYTES:
        raise BadButton(repr(text))
    parts = text.split(SEPARATOR)
    if len(parts) != 4:
        raise BadButton(text)
    intent_text, seq_text, first, second = parts
    try:
        intent = Intent(intent_text)
    except ValueError:
        raise BadButton(text) from None
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not SEQUENCE.fullmatch(seq_text):
        raise BadButton(text)
    seq = int(seq_text)
    if intent in QUESTION_INTENTS:
        if not first:
            raise BadButton(text)
        return Action(intent, seq=seq, step=first, value=second)
    if seq != 0:
        raise BadButton(text)
    fields: dict[str, str] = {}
    for name, slot in zip(SLOTS.get(intent, (None, None)), (first, second), strict=True):
        if name is None and slot:
            raise BadButton(text)
        if name is not None and slot:
            fields[name] = slot
    lang = fields.get("lang", "")
    if lang and not LANGUAGE.fullmatch(lang):
        raise BadButton(text)
    return Action(intent, stage=fields.get("stage", ""), value=fields.get("value", ""), lang=lang)

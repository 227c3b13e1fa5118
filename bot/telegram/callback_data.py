"""Button data: Telegram's `callback_data` is an action's token, in 64 bytes at most.

The token's shape is `conversation.tokens`'; this module adds Telegram's limit,
so a button that could not be sent fails here, where it is built.
"""

from __future__ import annotations

from typing import Final

from conversation import Action, BadToken
from conversation import decode as decode_token
from conversation import encode as encode_token

MAX_BYTES: Final = 64


class BadButton(BadToken):
    """Button data this bot did not write (forged, garbled or from another version)."""


def encode(action: Action) -> str:
    """The action as `callback_data`; ValueError if it cannot fit in 64 bytes."""
    text = encode_token(action)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"button data too long for Telegram: {text!r}")
    return text


def decode(text: object) -> Action:
    """The action a button carries; BadButton for anything this bot does not write."""
    if not isinstance(text, str) or len(text.encode("utf-8")) > MAX_BYTES:
        raise BadButton(repr(text))
    try:
        return decode_token(text)
    except BadToken as error:
        raise BadButton(text) from error

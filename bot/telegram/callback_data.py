"""Button data: the one place that writes and reads `callback_data`.

Telegram allows 64 bytes. A question button carries the action, the step id,
the state's sequence number and the choice code: `c|7|sector|industry`. The
sequence number tells a stale button (an earlier question, a double tap) from
a fresh one. Anything that does not parse is treated as forged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 64
SEPARATOR = "|"


class Action(StrEnum):
    """What a button does."""

    CHOOSE = "c"  # single choice, yes/no, scale
    TOGGLE = "t"  # multiple choice, ranking
    CONFIRM = "v"  # "Valider" a multiple choice
    SKIP = "s"
    BACK = "b"
    NEXT = "n"  # go on from an information step
    RESUME = "r"  # continue an unfinished response
    RESTART = "x"  # start over (after confirmation)
    RESTART_ASK = "X"  # "start over?" -> confirmation
    KEEP = "k"  # cancel a restart, keep going
    STAGE = "g"  # pick the workshop from the list
    NO_STAGE = "G"  # go on without a workshop
    LANGUAGE = "l"
    REVISE_MENU = "e"  # show the questions to change after finishing
    REVISE = "E"  # change one answer after finishing
    CONSENT = "a"  # agree to the information notice (value: the stage token)
    DECLINE = "d"  # decline it
    ERASE = "z"  # erase everything about me, confirmed


# Actions about a question carry its step id and the sequence number.
QUESTION_ACTIONS = frozenset(
    {Action.CHOOSE, Action.TOGGLE, Action.CONFIRM, Action.SKIP, Action.BACK, Action.NEXT}
)
# Actions that this bot always writes without a value.
VALUELESS = frozenset(
    {
        Action.CONFIRM,
        Action.SKIP,
        Action.BACK,
        Action.NEXT,
        Action.RESUME,
        Action.KEEP,
        Action.NO_STAGE,
        Action.REVISE_MENU,
        Action.ERASE,
    }
)
SEQUENCE = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class ButtonData:
    action: Action
    seq: int = 0
    step: str = ""
    value: str = ""


class BadButton(ValueError):
    """Button data that this bot did not write (forged, garbled or from another version)."""


def encode(data: ButtonData) -> str:
    text = SEPARATOR.join((data.action.value, str(data.seq), data.step, data.value))
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"button data too long for Telegram: {text!r}")
    return text


def decode(text: object) -> ButtonData:
    if not isinstance(text, str) or len(text.encode("utf-8")) > MAX_BYTES:
        raise BadButton(repr(text))
    parts = text.split(SEPARATOR)
    if len(parts) != 4:
        raise BadButton(text)
    action_text, seq_text, step, value = parts
    try:
        action = Action(action_text)
    except ValueError:
        raise BadButton(text) from None
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not SEQUENCE.fullmatch(seq_text):
        raise BadButton(text)
    seq = int(seq_text)
    # Only the shapes `encode` writes: a question's step, nothing else on a menu button.
    if action in QUESTION_ACTIONS:
        if not step:
            raise BadButton(text)
    elif seq != 0 or step:
        raise BadButton(text)
    if action in VALUELESS and value:
        raise BadButton(text)
    return ButtonData(action, seq, step, value)


def stage_token(code: str) -> str:
    """A stage code as it fits in button data: itself, or a digest when it is too long."""
    if len(code.encode("utf-8")) <= 40:
        return code
    return "#" + hashlib.sha1(code.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]

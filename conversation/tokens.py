"""Actions as short texts: what a button or a form carries, and back.

A channel puts an `Action` wherever its buttons carry data (Telegram's 64-byte
`callback_data`, a web form's button value) and gets it back with `decode`.
Four fields separated by `|`: the intent, the sequence number, then two slots
whose meaning depends on the intent:

    c|7|sector|industry          a question's action: step id, choice code
    T|7|support|funding          tick a box (U: untick it; t: turn it over, as written
                                 before T and U); the same rank a ranking
    v|7|support|.Qm9_cX          "Valider (n)": the mark of the ticks it showed, after a
                                 dot (`actions.selection_mark`; a ranking's U too, after
                                 its code); none in tokens written before
    a|0|en.9ef32bbbf52a|pith     agree to the notice: its language and version, the workshop
    l|0|pithiviers|en            change language: the workshop kept, the language
    x|12||pithiviers             start over (also X): the workshop
    w|0|en|pithiviers__territoire  who is answering: the language shown, the entry (the
                                 workshop, `__`, the audience); g (a workshop picked
                                 from the list) alike
    O|12|fr|pithiviers__territoire  switch to the link's questionnaire, confirmed (o asks
                                 first): the language shown, the link's entry
    E|0||sector                  change one answer: the question id
    r|0||pithiviers__entreprise  go on: with several questionnaires, the person's own entry
                                 (the page's next entry on the web), or nothing
    z|12||Qm9_cX                 erase everything: the mark of the response it was
                                 offered for (`response_mark`; "-": none); empty in
                                 tokens written before (and k, e, G...: nothing more)

The sequence number, on a question's actions and on the confirmations that undo
answers, tells a stale action (an earlier question, a double tap, a
confirmation pressed after going on) from a fresh one. Ticks leave it as it is
(`flows.toggle`): a tick says what it sets, so a copy of the question's buttons
drawn before one (a quick second tap, another device) still means what it says. An erasure removes the
state and its number with it: a new start counts from the beginning again, so
"erase everything" also carries a mark of the response it was offered for. Anything
that does not parse as one of these shapes is treated as forged.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Final

from conversation.actions import (
    DECLINED,
    MARKED,
    QUESTION_INTENTS,
    SEQUENCED,
    WHOLE,
    Action,
    Intent,
)

SEPARATOR: Final = "|"
# Longer than anything `encode` writes: refused before it is even split.
MAX_LENGTH: Final = 256
SEQUENCE: Final = re.compile(r"[0-9]{1,9}")
NOTICE: Final = re.compile(r"(?P<lang>[a-z]{2})?(?:\.(?P<version>[0-9a-f]{1,16}))?")
NO_RESPONSE: Final = "-"
"""The mark of a confirmation offered while the person had no response to this flow."""
MARK: Final = re.compile(r"-|[A-Za-z0-9_-]{6}")
"""What `response_mark` writes."""
SELECTION_MARK: Final = re.compile(r"[A-Za-z0-9_-]{6}")
"""What `actions.selection_mark` writes, after `MARK_SEPARATOR` in a question's value slot."""
MARK_SEPARATOR: Final = "."

# Which action field goes in each of the two slots, by intent (question intents apart);
# "notice" is the language and version of the notice shown, as "en.9ef32bbbf52a"; for
# the pickers shown before it, the language alone (what the next screens are said in).
SLOTS: Final[dict[Intent, tuple[str | None, str | None]]] = {
    Intent.CONSENT: ("notice", "stage"),
    Intent.DECLINE: ("notice", "stage"),
    Intent.LANGUAGE: ("stage", "value"),
    Intent.RESTART_ASK: (None, "stage"),
    Intent.RESTART: (None, "stage"),
    Intent.STAGE: ("notice", "stage"),
    Intent.NO_STAGE: ("notice", None),
    Intent.AUDIENCE: ("notice", "stage"),
    Intent.REVISE: (None, "value"),
    Intent.SWITCH_ASK: ("notice", "stage"),
    Intent.SWITCH: ("notice", "stage"),
    # Empty in tokens written before the switch offer carried the person's own entry.
    Intent.RESUME: (None, "stage"),
    Intent.ERASE: (None, "value"),
    Intent.SUMMARY: (None, "value"),
    Intent.KEEP: (None, "value"),
}

VALUES: Final[dict[Intent, str]] = {Intent.SUMMARY: WHOLE, Intent.KEEP: DECLINED}
"""The one value besides none that these intents carry."""


def response_mark(key: str | None) -> str:
    """What an erasure's confirmation says it was offered for: 6 characters of a hash of
    the response's key (never the key itself, which names it to the organisers), or
    `NO_RESPONSE`. A person who erased everything and started again has another key."""
    if key is None:
        return NO_RESPONSE
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest)[:6].decode("ascii")


class BadToken(ValueError):
    """A token this conversation did not write (forged, garbled or from another version)."""


def encode(action: Action) -> str:
    """The action as a short text."""
    if action.intent in QUESTION_INTENTS:
        marked = f"{MARK_SEPARATOR}{action.mark}" if action.mark else ""
        slots = [action.step, action.value + marked]
    else:
        slots = [_field(action, name) for name in SLOTS.get(action.intent, (None, None))]
    return SEPARATOR.join((action.intent.value, str(action.seq), *slots))


def _field(action: Action, name: str | None) -> str:
    if name is None:
        return ""
    if name == "notice":
        return f"{action.lang}.{action.version}" if action.version else action.lang
    value: str = getattr(action, name)
    return value


def decode(text: object) -> Action:
    """The action a token carries; BadToken for anything `encode` does not write."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        raise BadToken(repr(text))
    parts = text.split(SEPARATOR)
    if len(parts) != 4:
        raise BadToken(text)
    intent_text, seq_text, first, second = parts
    try:
        intent = Intent(intent_text)
    except ValueError:
        raise BadToken(text) from None
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not SEQUENCE.fullmatch(seq_text):
        raise BadToken(text)
    seq = int(seq_text)
    if intent in QUESTION_INTENTS:
        value, dot, mark = second.partition(MARK_SEPARATOR)
        if not first or (dot and (intent not in MARKED or not SELECTION_MARK.fullmatch(mark))):
            raise BadToken(text)
        return Action(intent, seq=seq, step=first, value=value, mark=mark)
    if seq != 0 and intent not in SEQUENCED:
        raise BadToken(text)
    fields: dict[str, str] = {}
    for name, slot in zip(SLOTS.get(intent, (None, None)), (first, second), strict=True):
        if name is None and slot:
            raise BadToken(text)
        if name is not None and slot:
            fields[name] = slot
    notice = NOTICE.fullmatch(fields.get("notice", ""))
    if notice is None:
        raise BadToken(text)
    if intent == Intent.ERASE and "value" in fields and not MARK.fullmatch(fields["value"]):
        raise BadToken(text)
    if intent in VALUES and fields.get("value", VALUES[intent]) != VALUES[intent]:
        raise BadToken(text)
    return Action(
        intent,
        seq=seq,
        stage=fields.get("stage", ""),
        value=fields.get("value", ""),
        lang=notice["lang"] or "",
        version=notice["version"] or "",
    )

"""Actions: what a respondent can choose on a screen, as channel-neutral values.

Every choice a screen offers (an answer, "back", "I agree", a workshop, a
language) is an `Action`. A channel puts it in whatever its buttons carry
(Telegram's 64-byte `callback_data`, a web form's fields, a number typed in
the terminal) and hands it back unchanged when the respondent picks it. A
question's actions carry the step and the state's sequence number, so a stale
one (an earlier question, a double tap) is told apart from a fresh one.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from flows import Kind, Prompt


class Intent(StrEnum):
    """What an action does. The values are short: they travel in button data."""

    CHOOSE = "c"  # one answer of a single choice, yes/no or scale question
    TOGGLE = "t"  # turn a box over (next rank or undo): buttons drawn before TICK/UNTICK
    TICK = "T"  # tick a box of a multiple choice (already ticked: so be it); next rank
    UNTICK = "U"  # untick a box (already unticked: so be it); take a rank back
    CONFIRM = "v"  # validate the ticks of a multiple choice
    SKIP = "s"  # leave an optional question blank
    BACK = "b"  # the previous question
    NEXT = "n"  # go on from an information step
    SAME = "="  # give the earlier typed answer again, as it was (a chat has no field to refill)
    RESUME = "r"  # continue an unfinished response
    RESTART_ASK = "X"  # "start over?": asks for confirmation
    RESTART = "x"  # start over, confirmed
    KEEP = "k"  # cancel a restart or an erasure, keep going
    SUMMARY = "y"  # leave "which answer to change?" for the summary, changing nothing
    STAGE = "g"  # pick the workshop from a list
    NO_STAGE = "G"  # go on without a workshop
    AUDIENCE = "w"  # who is answering (a company, a local actor): its flow, in the entry
    LANGUAGE = "l"  # value: the language code
    REVISE_MENU = "e"  # "change an answer" after finishing: which one?
    REVISE = "E"  # change one answer after finishing (value: the question id)
    CONSENT = "a"  # agree to the information notice
    DECLINE = "d"  # decline it
    ERASE = "z"  # erase everything about me, confirmed
    SWITCH_ASK = "o"  # the link's other questionnaire instead of mine? asks for confirmation
    SWITCH = "O"  # erase my answers to one questionnaire and begin the link's, confirmed


WHOLE: Final = "all"
"""The value of `Intent.SUMMARY` that asks for the summary in full: without it (the picker's
"Cancel"), a chat comes back to the brief end it came from (`Summary.whole`)."""

DECLINED: Final = "no"
"""The value of `Intent.KEEP` under "No" to erasing or starting over: said so ("nothing was
erased"). Without it (buttons drawn before, a page's "where am I"), it only goes on."""

QUESTION_INTENTS = frozenset(
    {
        Intent.CHOOSE,
        Intent.TOGGLE,
        Intent.TICK,
        Intent.UNTICK,
        Intent.CONFIRM,
        Intent.SKIP,
        Intent.BACK,
        Intent.NEXT,
        Intent.SAME,
    }
)
"""Intents about the question on screen: they carry its step id and sequence number."""

SEQUENCED = frozenset({Intent.RESTART, Intent.ERASE, Intent.SWITCH})
"""Confirmations that undo answers: they carry the sequence number of the state they were
offered for, so one pressed after the person went on is stale, not obeyed."""
ENTRY_INTENTS = frozenset(
    {
        Intent.CONSENT,
        Intent.DECLINE,
        Intent.STAGE,
        Intent.NO_STAGE,
        Intent.AUDIENCE,
        Intent.LANGUAGE,
    }
)
"""Menu intents of the way in: the notice, the workshop or audience, the language."""
REVISION_INTENTS = frozenset({Intent.REVISE_MENU, Intent.REVISE, Intent.ERASE})
"""Menu intents of a finished response: change an answer, or erase everything.
The other menu intents go on: resume, keep, restart, switch questionnaires."""


@dataclass(frozen=True, slots=True)
class Action:
    """One choice offered on a screen."""

    intent: Intent
    seq: int = 0
    """The response state's sequence number when offered (question intents only)."""
    step: str = ""
    """The question it answers (question intents only)."""
    value: str = ""
    """A choice code (question intents), a language (LANGUAGE), a question id (REVISE)."""
    stage: str = ""
    """The workshop it keeps, as `flows.stage_ref` writes it: STAGE, RESTART, CONSENT…"""
    lang: str = ""
    """The language the screen was shown in ('' for the default): the notice (CONSENT, DECLINE)
    or a picker before it (STAGE, NO_STAGE, AUDIENCE), so the next screens are said in it."""
    version: str = ""
    """For CONSENT and DECLINE: the version of the notice shown, as `Flow.consent_version`."""
    mark: str = ""
    """The mark of the ticks or ranks it was drawn with (`selection_mark`), where obeying it
    on others would do what the person did not see: "Valider (n)", a ranking's undo. Empty
    on the other actions, and in tokens written before it (their `seq` vouches instead)."""

    @property
    def about_question(self) -> bool:
        """Whether it acts on the question on screen (and may be stale)."""
        return self.intent in QUESTION_INTENTS


MARKED: Final = frozenset({Intent.CONFIRM, Intent.UNTICK})
"""Question intents that may carry the mark of the selection they were drawn with."""


def on_question(shown: Prompt, intent: Intent, code: str = "") -> Action:
    """An action on the question `shown`, stamped so that a later use can tell it is stale.

    Ticks keep the question's `seq` (`flows.toggle`), so every copy of its buttons stays
    valid for them; "Valider" and a ranking's undo carry the selection they showed.
    """
    marked = intent == Intent.CONFIRM or (intent == Intent.UNTICK and shown.kind == Kind.RANKING)
    mark = selection_mark(shown.kind, shown.selected) if marked else ""
    return Action(intent, seq=shown.seq, step=shown.step_id, value=code, mark=mark)


def selection_mark(kind: Kind, selected: Sequence[str]) -> str:
    """Six characters of a hash of the ticks (in any order) or ranks (in order) on screen."""
    codes = selected if kind == Kind.RANKING else sorted(selected)
    digest = hashlib.sha256(" ".join(codes).encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest)[:6].decode("ascii")

"""Screens: what to show the respondent, as channel-neutral values.

The conversation service answers every event with a `Reply`: its screens, in
order. Texts are plain (channels escape them for HTML); each screen says what
it is, so each channel can show it its own way: Telegram sends a message or
edits the question on screen, the terminal prints, the web page renders a chat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from conversation.actions import Action
from conversation.events import HELP_ORDER
from flows import Prompt


@dataclass(frozen=True, slots=True)
class Message:
    """Something to read: a confirmation, an explanation, the outro."""

    text: str
    warning: bool = False
    """An answer was refused: the text says why."""
    reason: str | None = field(default=None, compare=False)
    """The refusal's key in `flows.MESSAGES` ("use_buttons"), for a channel that words
    some its own way; not part of what the screen says, so not compared."""


@dataclass(frozen=True, slots=True)
class Welcome:
    """The opening: the workshop the answers are linked to, the title and the introduction."""

    title: str
    intro: str
    workshop: str | None = None
    """"Vos réponses seront rattachées à l'atelier de …", when a stage came with the link."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a menu."""

    label: str
    action: Action


@dataclass(frozen=True, slots=True)
class Menu:
    """A text with choices: the notice to agree to, "resume or start over?", workshops…"""

    text: str
    choices: tuple[Choice, ...]
    columns: int = 2
    """How many choices sit side by side, where a channel lays them out in rows."""
    default: Action | None = None
    """What a channel without buttons does on a bare Enter, if anything."""


@dataclass(frozen=True, slots=True)
class Question:
    """The question waiting for an answer; it replaces the previous live question."""

    prompt: Prompt
    offered: tuple[tuple[str, str], ...] = ()
    """Answers a refused reply may have meant, (code, as read back): "Corse" offers 2A and
    2B. A channel with buttons shows them; one without asks as it always does."""


@dataclass(frozen=True, slots=True)
class Selection:
    """The question on screen, changed in place: a tick added or removed, the next rank."""

    prompt: Prompt


@dataclass(frozen=True, slots=True)
class Answered:
    """The question just left, as it now reads in the transcript."""

    prompt: Prompt
    answer: str | None
    """The answer as read back; None when the person went back, or it was a text to read."""
    skipped: bool = False
    """Left without an answer: a channel marks it apart from one answered (no ✅)."""


@dataclass(frozen=True, slots=True)
class Transcript:
    """The questions asked so far and their answers, for a channel that shows them again."""

    entries: tuple[tuple[str, str], ...]
    """(question as asked, answer as read back), in order."""


@dataclass(frozen=True, slots=True)
class Summary:
    """Every question shown and its answer, with "change an answer"."""

    title: str
    entries: tuple[tuple[str, str], ...]
    """(question as asked, answer as read back), in order."""
    revise: Choice | None
    """"Change an answer"; None for a response kept as it was given."""
    edits: tuple[Choice, ...] = ()
    """"Change" for each entry, in order, for a page that puts one beside each answer
    (a chat offers `revise`, then the entries by number); none when kept as given."""
    whole: Choice | None = None
    """Set when the person saw these very lines just before (an answer changed alone, a
    cancel): a chat short of room may say `summary_brief` with `revise` and this, the
    summary again in full, instead of every entry. A page shows it all anyway."""


@dataclass(frozen=True, slots=True)
class DataCopy:
    """Everything stored about the person: a readable summary and the whole as JSON."""

    text: str
    data: dict[str, Any]
    filename: str
    caption: str
    """What the whole is, where it comes with the text (a file, a listing)."""
    typed_hint: str = ""
    """How to erase it all, for a channel where commands are typed ("/delete")."""
    responses: tuple[str, ...] = ()
    """Each response stored, as a line of `text` ("• Questionnaire commencé le …")."""
    finished: bool = False
    """Every response stored is completed: nothing left to resume, only to see or change."""
    intro: str = ""
    """The text's first line ("Voici les données…"), for a page laying out the rest itself."""
    answers: tuple[tuple[tuple[str, str], ...], ...] = ()
    """Each response's answers beside `responses`: (question as asked, answer as read back),
    in the questionnaire's order, as `text` lists them under its line."""


class HelpTopic(StrEnum):
    USAGE = "usage"
    UNKNOWN_COMMAND = "unknown_command"


@dataclass(frozen=True, slots=True)
class Help:
    """How to use the chat; each channel explains its own way of answering."""

    topic: HelpTopic = HelpTopic.USAGE
    commands: tuple[str, ...] = HELP_ORDER
    """The commands to list (`commands_help`): no /language where there is none to change to."""


@dataclass(frozen=True, slots=True)
class Goodbye:
    """The conversation ends here: declined, or erased. Nothing is live any more."""

    text: str
    typed_hint: str = ""
    """How to come back, for a channel where commands are typed ("/start"); a page
    shows a button instead."""
    entry: str = ""
    """The link's entry declined at ("" without one): a chat whose /start alone would lose it
    gives the link back instead, so that a change of mind keeps its workshop. Nothing of who
    declined is remembered to keep it."""


Screen = (
    Message
    | Welcome
    | Menu
    | Question
    | Selection
    | Answered
    | Transcript
    | Summary
    | DataCopy
    | Help
    | Goodbye
)


class Status(StrEnum):
    """How the service took the event."""

    DONE = "done"
    REFUSED = "refused"
    """An answer was not accepted; `note` says why and the question comes again."""
    STALE = "stale"
    """A button of an earlier screen (or pressed twice): nothing changed."""
    FORGED = "forged"
    """An action this conversation never offered: nothing changed."""
    REDELIVERED = "redelivered"
    """An input already applied, delivered again after a crash: not applied twice."""
    NOTICE_FIRST = "notice_first"
    """A question's button pressed while the notice waits for an answer."""


@dataclass(frozen=True, slots=True)
class Reply:
    """What to show after an event, and what a channel needs to show it."""

    screens: tuple[Screen, ...] = ()
    status: Status = Status.DONE
    note: str | None = None
    """A short text for the status (why a refusal, "this button is no longer active"…)."""
    language: str = "fr"
    response_id: int | None = None
    """The response the conversation is about, once one exists."""
    live_message: int | None = None
    """The channel's message that showed the live question before the event, if it keeps one."""
    finished: bool = False
    """The response is complete (changing an answer after finishing keeps it so)."""
    flow_id: str = ""
    """The flow the person answers ('' when the bot runs several and they have not chosen)."""
    kept: bool = False
    """Something of the person's is stored (their respondent: a response to any questionnaire,
    one no longer run too): their data and its erasure are theirs to reach, response or not."""

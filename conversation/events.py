"""Events: what a respondent did, as a channel parsed it.

A channel turns its input (a Telegram update, a line typed in the terminal, a
web form) into one of these and hands it to the conversation service, with
the respondent it came from (`Person`) and, when the channel redelivers input
after a crash, the id that tells a redelivery from a new input.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from conversation.actions import Action
from flows import AnswerValue, Flow
from storage import Channel


@dataclass(frozen=True, slots=True)
class Person:
    """Who is talking: the channel, its own id for them, and the language it suggests."""

    channel: Channel
    external_id: str
    language_hint: str | None = None
    """E.g. Telegram's `language_code` ("fr", "en-GB"); used until they choose one."""


class CommandName(StrEnum):
    """The commands every channel understands (typed `/help`, `/back`… in a chat)."""

    HELP = "help"
    BACK = "back"
    SKIP = "skip"
    RESTART = "restart"
    LANGUAGE = "language"
    MYDATA = "mydata"
    DELETE = "delete"
    UNKNOWN = "unknown"


COMMAND_WORDS: Final[dict[CommandName, tuple[str, ...]]] = {
    # "/menu": what people type looking for the commands, which the help lists.
    CommandName.HELP: ("help", "aide", "menu"),
    CommandName.BACK: ("back", "retour"),
    CommandName.SKIP: ("skip", "passer"),
    CommandName.RESTART: ("restart", "recommencer"),
    CommandName.LANGUAGE: ("language", "langue"),
    CommandName.MYDATA: ("mydata", "mes_donnees"),
    # The notice and the thanks name « Effacer mes réponses »: its verb is typed too.
    CommandName.DELETE: ("delete", "supprimer", "effacer", "erase"),
}
"""What a person may type for each command (after a "/"), in English and in French."""

MENU_ORDER: Final = ("start", "back", "skip", "restart", "language", "mydata", "delete", "help")
"""The commands in a chat's menu, in order (`start` opens the conversation)."""
HELP_ORDER: Final = ("back", "skip", "restart", "language", "mydata", "delete", "start")
"""The commands the help lists, in order."""


def languages_offered(flows: Iterable[Flow]) -> tuple[str, ...]:
    """Every language the bot's questionnaires are in, each once: the first flow's first."""
    return tuple(dict.fromkeys(lang for flow in flows for lang in flow.languages))


def commands_offered(order: Sequence[str], languages: Collection[str]) -> tuple[str, ...]:
    """The commands of `order` (`MENU_ORDER`, `HELP_ORDER`) a bot whose questionnaires are in
    `languages` offers: /language only when there is another language to change to."""
    if len(set(languages)) > 1:
        return tuple(order)
    return tuple(name for name in order if name != CommandName.LANGUAGE)


def help_commands(flows: Iterable[Flow]) -> tuple[str, ...]:
    """The commands a help lists for a bot running `flows`."""
    return commands_offered(HELP_ORDER, languages_offered(flows))


@dataclass(frozen=True, slots=True)
class Start:
    """Opening the conversation: a Telegram `/start` (from a link), launching the terminal chat."""

    stage: str | None = None
    """What the link carried (a stage code), if anything."""
    language: str | None = None
    """A language chosen up front (the terminal's `--lang`), kept like a `/language` choice."""


@dataclass(frozen=True, slots=True)
class Look:
    """Showing where the person is: a web page opened or reloaded. Nothing the person
    did changes; as at `/start`, a questionnaire without a notice begins (that is where
    they are), and a response under an older version of the flow is carried onto it."""

    stage: str | None = None
    """What the link carried, for a person who has not started yet."""


@dataclass(frozen=True, slots=True)
class Typed:
    """A typed message: an answer to a text question, an "Other" text, a choice by its name."""

    text: str
    step: str | None = None
    """The question it was typed for, where the channel knows (a web form): a text meant
    for another question, or typed twice, is then stale rather than taken."""
    seq: int | None = None
    again: str | None = None
    """An earlier question this text answers anew, where the channel knows (a chat's reply
    quoting it): its answer changes, and the person stays at the question waiting."""


@dataclass(frozen=True, slots=True)
class Pressed:
    """A button pressed (or a menu entry picked): one of the actions a screen offered."""

    action: Action


@dataclass(frozen=True, slots=True)
class Submitted:
    """A whole answer to a question at once (the terminal's "1 3 4", a web form)."""

    step: str
    seq: int
    value: AnswerValue


@dataclass(frozen=True, slots=True)
class Command:
    """A command: `/help`, `/back`, `/delete`…"""

    name: CommandName


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Something that is not text: a sticker, a photo, a voice note."""


Event = Start | Look | Typed | Pressed | Submitted | Command | Unreadable


def entry_of(event: Event) -> str | None:
    """What brought the person, as an entry (a stage code, maybe `__` and an audience)."""
    if isinstance(event, Start | Look):
        return event.stage
    if isinstance(event, Pressed):
        return event.action.stage or None
    return None

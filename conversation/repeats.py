"""The welcome, the notice and the summary once in a short while, not at every message.

Someone who has not agreed to the notice yet gets the welcome and the notice
in reply to whatever they write, and someone who has finished gets their
summary: the right answer once, but sent again at every message it fills the
chat (and, from a person writing a lot, spends the bot's sending allowance).
So when a reply would show nothing but these long screens (messages aside),
each of them already shown by the person's previous reply within `WINDOW`, it
is sent again once (the first copy may never have arrived: Telegram was
unreachable, the person had blocked the bot), then replaced by a one-line
pointer to the copy just above: every input still gets a word back, a short one.

Only what the person merely wrote (a text, a sticker, a /back or /skip once
finished) is answered so: what they asked for (a command such as
/start, a button) is shown in full, as the count starts again. A copy sent
again is the one just above from then on: the window starts again with it. Only a repeat of the previous reply is thinned: any other
reply in between (a refusal, another language, a tapped button that used the copy's
buttons up) makes the next one show in full, so the copy pointed to is always
there and still works. A page (`with_transcript`) keeps no chat log and always
shows everything.

What was shown is kept in the conversation service's memory, per person (a
restart forgets it: the next reply is shown in full).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from conversation.actions import Intent
from conversation.events import Command, CommandName, Event, Typed, Unreadable
from conversation.memory import Recent
from conversation.screens import Menu, Message, Screen, Summary, Welcome
from conversation.words import Words

if TYPE_CHECKING:
    from conversation.showing import Showing

WINDOW: Final = timedelta(minutes=1)
"""How long a long screen shown stays "just above" (a person scrolls, a chat moves on)."""

RESENT: Final = 1
"""How many times a long screen is sent again within `WINDOW` before the pointer."""

KEPT: Final = 10_000
"""People remembered at most: the oldest are forgotten first (their next reply shows in full)."""

WORDS: dict[str, dict[str, str]] = {
    "repeat_notice": {
        "fr": "L’information sur vos données est juste au-dessus : choisissez « J’accepte » "
        "pour commencer, ou « Je refuse ».",
        "en": "The information about your data is just above: choose “I agree” to begin, "
        "or “I decline”.",
    },
    "repeat_summary": {
        "fr": "Vous avez déjà répondu à ce questionnaire, merci ! Vos réponses sont juste "
        "au-dessus.",
        "en": "You have already answered this questionnaire, thank you! Your answers are "
        "just above.",
    },
    "repeat_other": {
        "fr": "Tout est dans le message juste au-dessus.",
        "en": "Everything is in the message just above.",
    },
}

say_repeat = Words(WORDS)


@dataclass(frozen=True)
class Shown:
    """A person's previous reply: when, its screens other than messages, repeated how often."""

    at: datetime
    screens: tuple[Screen, ...]
    repeats: int = 0


class RecentScreens:
    """Each person's previous reply, to tell a repeat of a long screen from a new one."""

    def __init__(self, window: timedelta = WINDOW, kept: int = KEPT) -> None:
        self.window = window
        # Past the window a reply repeats nothing, and a summary kept for each of 10,000
        # people was tens of megabytes for nothing: forgotten then.
        self._shown: Recent[object, Shown] = Recent(window, kept)

    def thin(
        self, person: object, screens: list[Screen], now: datetime, lang: str, *, asked: bool
    ) -> list[Screen]:
        """`screens`, or a pointer (or nothing) if they repeat the previous reply's long ones.

        `asked`: the person asked for this reply (a command, a button): it is shown in full.
        """
        body = tuple(screen for screen in screens if not isinstance(screen, Message))
        last = self._shown.pop(person, now)
        if (
            not asked
            and last is not None
            and now - last.at < self.window
            and _repeats(body, last.screens)
        ):
            repeats = last.repeats + 1
            if repeats == RESENT:
                # Sent again: the copy just above is this one, its window starts now.
                self._shown.put(person, Shown(now, last.screens, repeats), now)
                return screens
            self._shown.put(person, Shown(last.at, last.screens, repeats), now)
            return [Message(_pointer(body, lang))]
        self._shown.put(person, Shown(now, body), now)
        return screens

    def __len__(self) -> int:
        """People remembered now."""
        return len(self._shown)

    def thinned(self, turn: Showing, event: Event) -> list[Screen]:
        """The turn's screens, a repeat of its person's previous long reply replaced by a
        pointer."""
        if turn.with_transcript:
            return turn.screens
        person = turn.session.person
        key = (turn.flow.id, person.channel, person.external_id)
        asked = _asked(event, finished=turn.session.finished)
        return self.thin(key, turn.screens, turn.clock(), turn.lang, asked=asked)


def _asked(event: Event, *, finished: bool) -> bool:
    """Whether the person asked for the reply, rather than merely wrote something.

    /back and /skip ask for a move: once finished there is none (the summary says how to
    change an answer), so they get the end again as a text would, and as strays as a text.
    """
    if isinstance(event, Command) and finished:
        return event.name not in (CommandName.BACK, CommandName.SKIP)
    return not isinstance(event, Typed | Unreadable)


def _repeats(body: tuple[Screen, ...], before: tuple[Screen, ...]) -> bool:
    """Only long screens, each shown in the previous reply (after the answer that ended, say)."""
    return bool(body) and all(_long(screen) and screen in before for screen in body)


def _long(screen: Screen) -> bool:
    return isinstance(screen, Welcome | Summary) or _notice(screen)


def _notice(screen: Screen) -> bool:
    return isinstance(screen, Menu) and any(
        choice.action.intent == Intent.CONSENT for choice in screen.choices
    )


def _pointer(body: tuple[Screen, ...], lang: str) -> str:
    if any(_notice(screen) for screen in body):
        return say_repeat("repeat_notice", lang)
    if any(isinstance(screen, Summary) for screen in body):
        return say_repeat("repeat_summary", lang)
    return say_repeat("repeat_other", lang)

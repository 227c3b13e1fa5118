"""Flood control: one person's burst is cut short, with one polite word, and never a fast tapper.

A person sending hundreds of messages at once (a script, a stuck key, a paste
split into lines) would otherwise be answered hundreds of times, each answer a
turn in the database and two or three messages out of the 30 a second Telegram
allows the whole bot, while other people's replies wait in the same line.
So updates are counted per person *while they wait behind that
person's own earlier ones* (the processor runs one person's updates one at a
time): a backlog of `MAX_WAITING` is more than a human makes, even tapping
fast, since each tap waits for the screen it answers, and a double tap is two.
An update beyond it is dropped: it is marked handled (done in the poller's
inbox, so it is not applied after a restart either), logged at info by its id (never its
text), a dropped button press is answered so that its spinner stops, and the
person is told once, after the updates kept have been answered, that the rest
were not read.

The measure is a backlog, not a rate: a person answering quickly, one screen
after the other, never waits behind themselves, however fast the bot is; a
stream that outpaces the bot does. What one person may still send is served in
turn with everybody else's (`bot/telegram/fairness.py`).

Updates applied again at a start (left in the poller's inbox by a stop), as
many per person as the gate holds at once, are not counted: those were most
likely held by it before the stop, applied already, and only show a screen
again. Counted, they would crowd out what the person sent while the bot was
down. The rest of a burst left in the inbox meets the gate as usual.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Final

from telegram import Update
from telegram.error import TelegramError

from conversation import Words

log = logging.getLogger(__name__)

MAX_WAITING: Final = 6
"""A person's updates held at once (the one being handled and those waiting behind it)."""

NOTICE_EVERY: Final = 60.0
"""Seconds between two "too many messages" notices to one person: one per burst."""

WORDS: dict[str, dict[str, str]] = {
    "tg_flood": {
        "fr": (
            "Vous avez envoyé beaucoup de messages à la fois : j’ai répondu aux premiers et "
            "laissé les autres de côté. Prenez votre temps, un message à la fois suffit."
        ),
        "en": (
            "You sent many messages at once: I answered the first ones and set the rest "
            "aside. Take your time, one message at a time is enough."
        ),
    },
}

flood_words = Words(WORDS)
"""The flood notice in a language, like `bot.telegram.words.tg`."""


class FloodGate:
    """Counts each person's held updates; says which to drop and when to tell them."""

    def __init__(
        self,
        max_waiting: int = MAX_WAITING,
        notice_every: float = NOTICE_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_waiting = max_waiting
        self.notice_every = notice_every
        self._clock = clock
        self._held: dict[int, int] = {}
        self._told: dict[int, float] = {}
        self._met_before: set[int] = set()

    def met_before(self, update_ids: Iterable[int]) -> None:
        """Updates applied again at a start, held before the stop: not counted again."""
        self._met_before.update(update_ids)

    def forget(self, update_id: int) -> None:
        """The update is done with (handled, dropped, or of nobody's)."""
        self._met_before.discard(update_id)

    def admit(self, person: int, update: object) -> bool:
        """True if this update is kept (and then held until `release`); False: drop it."""
        if not _counted(update) or _id(update) in self._met_before:
            return True
        held = self._held.get(person, 0)
        if held >= self.max_waiting:
            return False
        self._held[person] = held + 1
        return True

    def release(self, person: int, update: object) -> None:
        """A kept update has been handled."""
        if not _counted(update):
            return
        if _id(update) in self._met_before:
            return  # never counted, so nothing to give back
        left = self._held.get(person, 1) - 1
        if left > 0:
            self._held[person] = left
        else:
            self._held.pop(person, None)  # nothing held: nothing kept, memory stays flat

    def notice_due(self, person: int) -> bool:
        """Whether to tell this person now (once a burst), noting that they were told."""
        now = self._clock()
        # Forget those told long ago, so a long run does not keep everybody who ever flooded.
        for old in [p for p, at in self._told.items() if now - at >= self.notice_every]:
            del self._told[old]
        if person in self._told:
            return False
        self._told[person] = now
        return True


def _counted(update: object) -> bool:
    """Messages and button presses are what a person sends; the rest is Telegram's news."""
    return isinstance(update, Update) and (
        update.message is not None
        or update.edited_message is not None
        or update.callback_query is not None
    )


def _id(update: object) -> int | None:
    return update.update_id if isinstance(update, Update) else None


def describe(update: object) -> str:
    """What a dropped update was, for the log: its id and kind, never what it says."""
    if not isinstance(update, Update):
        return "an update"
    kind = "a button press" if update.callback_query is not None else "a message"
    return f"update {update.update_id} ({kind})"


async def app_language(update: Update) -> str:
    """French unless the person's Telegram app says English: what is known without a read."""
    user = update.effective_user
    code = (user.language_code or "") if user is not None else ""
    return "en" if code.lower().startswith("en") else "fr"


async def tell(update: Update, lang: str) -> None:
    """The flood notice, plain, in `lang`."""
    chat = update.effective_chat
    if chat is None:
        return
    try:
        await update.get_bot().send_message(chat.id, flood_words("tg_flood", lang), parse_mode=None)
    except TelegramError as error:
        # Blocked, unreachable: they will not read it; the flood is handled all the same.
        log.info("could not send the flood notice: %s", error)

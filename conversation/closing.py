"""The questionnaire closed (SURVEYBOT_CLOSED): the tour is over, no answer is taken any more.

Every event of a respondent is answered with one polite sentence, in their language,
that the questionnaire is closed, and changes nothing: no respondent is created, no
answer stored, no response started over. Their rights stay: `/mydata` still gives
a copy of what is kept, and `/delete` (with its "yes, erase everything") still erases it;
neither carries a response onto a changed flow, nor shows a question after (`Showing.closed`).
The service asks here before the turn (`Conversation.handle`); the reminders' round
asks `Policy.closed` (`Housekeeping.due_reminders`).
"""

from __future__ import annotations

from conversation.actions import Intent
from conversation.events import Command, CommandName, Event, Pressed
from conversation.screens import Message
from conversation.words import say

KEPT_COMMANDS = frozenset({CommandName.MYDATA, CommandName.DELETE})
"""The commands a closed questionnaire still obeys: the respondent's rights."""
KEPT_INTENTS = frozenset({Intent.ERASE})
"""The buttons it still obeys: erasing everything, confirmed after `/delete`."""


def still_served(event: Event) -> bool:
    """Whether a closed questionnaire still takes `event` through the turn: a copy of one's
    data, erasing it. Anything else (a start, an answer, a button, /back…) is told it is closed."""
    if isinstance(event, Command):
        return event.name in KEPT_COMMANDS
    if isinstance(event, Pressed):
        return event.action.intent in KEPT_INTENTS
    return False


def closed_notice(lang: str) -> Message:
    """What a respondent is told of a closed questionnaire, in their language: closed, and
    their data still to see (/mydata) and erase (/delete), which /help no longer lists. A
    page says the sentence alone (bot/web/pages.py), with its own buttons for those two."""
    return Message(f"{say('closed', lang)} {say('closed_rights', lang)}")

"""The conversation: the rules every channel shares, returning channel-neutral screens.

Channels (Telegram, the terminal, the web) parse their input into an `Event`,
call `Conversation.handle`, and show the `Reply`. Nothing here knows a channel's
objects; the flow engine (`flows`) and the store (`storage`) sit below.
"""

from conversation.actions import QUESTION_INTENTS, SEQUENCED, Action, Intent, on_question
from conversation.events import (
    COMMAND_WORDS,
    MENU_ORDER,
    Command,
    CommandName,
    Event,
    Look,
    Person,
    Pressed,
    Start,
    Submitted,
    Typed,
    Unreadable,
    commands_offered,
    languages_offered,
)
from conversation.housekeeping import REMINDERS, Housekeeping, Reminder
from conversation.policy import Policy
from conversation.progress import save_state
from conversation.queues import PersonQueues
from conversation.screens import (
    Answered,
    Choice,
    DataCopy,
    Goodbye,
    Help,
    HelpTopic,
    Menu,
    Message,
    Question,
    Reply,
    Screen,
    Selection,
    Status,
    Summary,
    Transcript,
    Welcome,
)
from conversation.service import AtCard, Conversation, Situation, utc_now
from conversation.session import language_for
from conversation.tokens import BadToken, decode, encode
from conversation.versions import (
    FlowVersionChanged,
    canonical_content,
    keep_flow_versions,
    version_changed,
)
from conversation.views import data_copy, offered, picker_labels, says_most
from conversation.words import (
    LANGUAGE_NAMES,
    Words,
    answers_count,
    commands_help,
    of_place,
    say,
    stage_words,
    town,
)

__all__ = [
    "COMMAND_WORDS",
    "LANGUAGE_NAMES",
    "MENU_ORDER",
    "QUESTION_INTENTS",
    "REMINDERS",
    "SEQUENCED",
    "Action",
    "Answered",
    "AtCard",
    "BadToken",
    "Choice",
    "Command",
    "CommandName",
    "Conversation",
    "DataCopy",
    "Event",
    "FlowVersionChanged",
    "Goodbye",
    "Help",
    "HelpTopic",
    "Housekeeping",
    "Intent",
    "Look",
    "Menu",
    "Message",
    "Person",
    "PersonQueues",
    "Policy",
    "Pressed",
    "Question",
    "Reminder",
    "Reply",
    "Screen",
    "Selection",
    "Situation",
    "Start",
    "Status",
    "Submitted",
    "Summary",
    "Transcript",
    "Typed",
    "Unreadable",
    "Welcome",
    "Words",
    "answers_count",
    "canonical_content",
    "commands_help",
    "commands_offered",
    "data_copy",
    "decode",
    "encode",
    "keep_flow_versions",
    "language_for",
    "languages_offered",
    "of_place",
    "offered",
    "on_question",
    "picker_labels",
    "save_state",
    "say",
    "says_most",
    "stage_words",
    "town",
    "utc_now",
    "version_changed",
]

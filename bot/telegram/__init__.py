"""The Telegram channel: updates to events for the conversation, replies to messages and buttons."""

from bot.telegram.app import build_application, describe_start_error, run_polling, running
from bot.telegram.context import BotApplication, BotContext, Services

__all__ = [
    "BotApplication",
    "BotContext",
    "Services",
    "build_application",
    "describe_start_error",
    "run_polling",
    "running",
]

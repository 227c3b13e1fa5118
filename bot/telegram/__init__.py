"""The Telegram transport: handlers, keyboards, button data, ordering and polling."""

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

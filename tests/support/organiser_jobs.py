"""Driving organiser commands that run as background jobs (bot/telegram/background.py)."""

from __future__ import annotations

from bot.telegram.background import organiser_jobs
from tests.support.fake_bot_api import Person


async def ask_and_wait(organiser: Person, command: str) -> None:
    """Send `command` and wait until the jobs it started have ended (their files sent)."""
    await organiser.send(command)
    await organiser_jobs(organiser.updates.application).idle()

"""What every handler needs, reached through a typed context rather than loose keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.telegram.policy import Policy
from flows import Flow, StageDef
from storage import Store


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """The bot's dependencies, filled in before the application starts."""

    flow: Flow | None = None
    stages: list[StageDef] = field(default_factory=list)
    store: Store | None = None
    admins: frozenset[int] = frozenset()
    clock: Callable[[], datetime] = _now
    policy: Policy = field(default_factory=Policy)
    # Respondents whose prompt was re-sent after a redelivered update, this process.
    resent: set[int] = field(default_factory=set)

    def ready(self) -> tuple[Flow, Store]:
        if self.flow is None or self.store is None:
            raise RuntimeError("the bot's services are used before start-up finished")
        return self.flow, self.store


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Services]):
    """The handlers' context: `context.services` holds the flow, stages and store."""

    @property
    def services(self) -> Services:
        return self.bot_data


BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], Services, Any
]

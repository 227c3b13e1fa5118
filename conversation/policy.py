"""When respondents are reminded, when the bot keeps quiet, and how long answers are kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Policy:
    """When to remind, when to keep quiet, and how long to keep answers."""

    reminder_after: dt.timedelta | None = dt.timedelta(hours=24)
    quiet_from: dt.time = dt.time(20, 0)
    quiet_until: dt.time = dt.time(9, 0)
    timezone: str = "Europe/Paris"
    abandon_after: dt.timedelta | None = dt.timedelta(days=14)
    retention: dt.timedelta | None = None
    every_seconds: float = 60.0
    """How often due reminders are looked for."""
    closed: bool = False
    """The questionnaire is closed (SURVEYBOT_CLOSED): no reminder goes out, respondents are
    told it is closed (`conversation/closing.py`); retention and abandonment still run."""

    def quiet(self, now: dt.datetime) -> bool:
        """Night hours in the respondents' time zone: no reminder then."""
        local = now.astimezone(ZoneInfo(self.timezone)).time()
        if self.quiet_from > self.quiet_until:
            return local >= self.quiet_from or local < self.quiet_until
        return self.quiet_from <= local < self.quiet_until

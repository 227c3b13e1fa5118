"""/mydata says the day a response was started as it was for the respondents: in the bot's
time zone (SURVEYBOT_TIMEZONE, Europe/Paris unless told), not the day of the UTC time stored.

Someone answering after an evening workshop, at 00:30 in Paris on 6 June, has a response
stored as started at 22:30 UTC on the 5th: they started on the 6th."""

from __future__ import annotations

import datetime as dt

from conversation import Conversation, DataCopy
from flows import Flow, StageDef
from storage import Store
from tests.conftest import Clock
from tests.conversation.conftest import ChatFactory, agree

AFTER_MIDNIGHT_IN_PARIS = dt.datetime(2019, 6, 5, 22, 30, tzinfo=dt.UTC)
"""6 June 2019, 00:30 in Paris (summer time, UTC+2)."""


async def _started_after_midnight(chat: ChatFactory, talk: Conversation, clock: Clock) -> str:
    """The line /mydata says about a response started at 00:30 in Paris, one answer given."""
    clock.now = AFTER_MIDNIGHT_IN_PARIS
    ana = chat(talk)
    await agree(ana, "pithiviers")
    await ana.write("Acme")
    await ana.command("mydata")
    copy = ana.only(DataCopy)
    assert isinstance(copy, DataCopy)
    assert copy.data["responses"][0]["started_at"].startswith("2019-06-05T22:30")  # stored in UTC
    [line] = copy.responses
    return line


async def test_mydata_says_the_day_it_was_in_paris(
    chat: ChatFactory, bundled: Conversation, clock: Clock
) -> None:
    line = await _started_after_midnight(chat, bundled, clock)

    assert line.startswith("• Questionnaire commencé le 6\u00a0juin\u00a02019 (Pithiviers)\u00a0:")
    assert "en cours, 1\u00a0réponse " in line


async def test_mydata_says_the_day_in_the_zone_the_bot_is_told(
    chat: ChatFactory, store: Store, bundled_flow: Flow, stages: list[StageDef], clock: Clock
) -> None:
    in_utc = Conversation(store, bundled_flow, stages, clock=clock, timezone="UTC")

    line = await _started_after_midnight(chat, in_utc, clock)

    assert line.startswith("• Questionnaire commencé le 5\u00a0juin\u00a02019 (Pithiviers)\u00a0:")


async def test_mydata_in_english_says_the_day_in_paris(
    chat: ChatFactory, bundled: Conversation, clock: Clock
) -> None:
    clock.now = AFTER_MIDNIGHT_IN_PARIS
    ben = chat(bundled, "ben", hint="en")
    await ben.start("pithiviers")
    await ben.press("✅ I agree")
    await ben.command("mydata")
    copy = ben.only(DataCopy)
    assert isinstance(copy, DataCopy)

    [line] = copy.responses
    assert "6 June 2019" in line.replace("\u00a0", " ")

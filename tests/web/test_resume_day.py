"""The resume-link page says the day the questionnaire was started as it was for the
respondent, in the bot's time zone (Europe/Paris unless told): it is there to help them
recognise their questionnaire, and someone who began at 00:30 in Paris began on the 6th,
though it is stored as 22:30 UTC on the 5th."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from conversation import Conversation
from flows import Flow, StageDef
from storage import Store
from tests.conftest import Clock
from tests.web.conftest import VisitorFactory

AFTER_MIDNIGHT_IN_PARIS = dt.datetime(2019, 6, 5, 22, 30, tzinfo=dt.UTC)
"""6 June 2019, 00:30 in Paris (summer time, UTC+2)."""


@pytest.fixture
async def conversation(store: Store, flow: Flow, stages: list[StageDef]) -> Conversation:
    """The web chat's conversation, its clock just after midnight in Paris."""
    talk = Conversation(store, flow, stages, clock=Clock(AFTER_MIDNIGHT_IN_PARIS))
    await talk.sync_with_files()
    return talk


async def test_the_resume_page_says_the_day_it_was_in_paris(visitor: VisitorFactory) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    await ana.press("✅ J’accepte")
    page = await ana.type("ACME")
    link = page.field("resume-link")["value"]

    opened = await visitor().get(httpx.URL(link).path)  # another browser

    assert opened.status == 200
    said = opened.text.replace("\u00a0", " ")
    assert "Questionnaire commencé le 6 juin 2019 (Pithiviers) : en cours, 1 réponse" in said
    assert "5 juin" not in said

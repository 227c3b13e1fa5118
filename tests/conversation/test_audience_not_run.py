"""A link for an audience whose questionnaire the bot does not run is said in the log, once.

The cards print one link per workshop and audience (`pithiviers__territoire`)
when the bot runs both bundled questionnaires. Started without SURVEYBOT_FLOWS,
it runs only the companies' one, and gives it to the territory's actors who scan
their card: nobody would know before the export came back with actors' answers
among the companies'. The person still gets the questionnaire running (nothing
better can be offered); the operator reads, once per audience, what to set.
"""

from __future__ import annotations

import logging

import pytest

from conversation import Conversation
from tests.conftest import Peek
from tests.conversation.conftest import ChatFactory, agree

SET_FLOWS = "set SURVEYBOT_FLOWS (bundled, a folder, or the flow files)"


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


async def test_an_actors_link_to_the_companies_bot_is_warned_of_once(
    bundled: Conversation, chat: ChatFactory, peek: Peek, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    ana, bea = chat(bundled, "1"), chat(bundled, "2")

    await agree(ana, "pithiviers__territoire")
    await bea.start("evreux__territoire")

    assert warnings(caplog) == [
        "a link for audience 'territoire' was opened (pithiviers__territoire), but the only "
        f"questionnaire running is '{bundled.flow.id}' (audience 'entreprise'), which those "
        f"who open it are given: to run each audience's questionnaire, {SET_FLOWS}"
    ]
    # Ana answers the one running, tagged with her workshop, as before.
    assert peek.query("SELECT flow_id, stage_code FROM responses") == [
        (bundled.flow.id, "pithiviers")
    ]


@pytest.mark.parametrize(
    "entry", ["pithiviers", "pithiviers__entreprise", "pithiviers__ENTREPRISE", None]
)
async def test_a_link_for_the_questionnaire_running_is_not_warned_of(
    bundled: Conversation, chat: ChatFactory, caplog: pytest.LogCaptureFixture, entry: str | None
) -> None:
    caplog.set_level(logging.WARNING)
    await chat(bundled).start(entry)
    assert warnings(caplog) == []


async def test_with_both_questionnaires_an_unknown_audience_asks_and_is_not_warned_of(
    both: Conversation, chat: ChatFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    ana = chat(both)
    await ana.start("pithiviers__territoire")
    await chat(both, "2").start("pithiviers__bogus")
    assert warnings(caplog) == []


@pytest.mark.parametrize(
    "entry",
    [
        "nosuchstage__territoire",  # no workshop of the file: the list is offered, as before
        "pithiviers__ter ritoire!",  # no audience code links would write
        "pithiviers__entreprise__territoire",
    ],
)
async def test_words_typed_after_start_are_not_taken_for_an_audience_link(
    bundled: Conversation, chat: ChatFactory, caplog: pytest.LogCaptureFixture, entry: str
) -> None:
    # Anyone can type /start with anything: the log is not theirs to fill.
    caplog.set_level(logging.WARNING)
    await chat(bundled).start(entry)
    assert warnings(caplog) == []


async def test_at_most_ten_audiences_are_said(
    bundled: Conversation, chat: ChatFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for n in range(15):
        await chat(bundled, str(n)).start(f"pithiviers__aud{n}")
    assert len(warnings(caplog)) == 10

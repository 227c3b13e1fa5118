"""An erasure a person makes leaves one log line naming the response keys erased, nothing else.

/delete on Telegram, the web chat's button and the terminal's left no trace at
all, while docs/operators.md's Backups and docs/privacy.md tell the operator to erase
again whoever an older backup brings back: after a restore, nobody could know
whom. Each erasure now logs, at INFO, the pseudonymous keys of the responses
erased (those `/mydata` shows and `surveybot erase --response` takes), never a
name, an id or an answer. So do the other erasures a person causes: declining a
changed notice, switching to the link's other questionnaire, going back to the
list of questionnaires before answering (`Showing._erase_response` logs them,
as `Showing._erase_person` logs /delete's). Real SQLite (the `store` fixture).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from conversation import Conversation
from flows import Flow
from storage import Channel
from tests.conftest import Peek
from tests.conversation.conftest import AGREE, DECLINE, ERASE_YES, ChatFactory, agree
from tests.conversation.test_consent import new_notice  # noqa: F401 (a fixture)

SECRET_ANSWER = "Acme Confidentiel"
AFTER = "after restoring an older backup, erase them again with surveybot erase --response"


def again(key: str, *, whole: bool = True) -> str:
    """The end of the line: the command to run again, with the key to run it with."""
    return f"{AFTER} {key}" + ("" if whole else " --response-only")


def erasure_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith("erasure:")]


@pytest.mark.parametrize("channel", [Channel.TELEGRAM, Channel.WEB, Channel.TERMINAL])
async def test_an_erasure_logs_the_keys_it_erased_and_nothing_personal(
    chat: ChatFactory,
    bundled: Conversation,
    peek: Peek,
    caplog: pytest.LogCaptureFixture,
    channel: Channel,
) -> None:
    ana = chat(bundled, "4242007", channel=channel)
    await agree(ana, "pithiviers")
    await ana.write(SECRET_ANSWER)
    keys = [row[0] for row in peek.query("SELECT key FROM responses")]
    assert len(keys) == 1

    caplog.set_level(logging.INFO)
    await ana.command("delete")
    assert erasure_lines(caplog) == []  # asked, not done yet
    await ana.press(ERASE_YES)

    [record] = erasure_lines(caplog)
    line = record.getMessage()
    assert record.levelno == logging.INFO
    assert (
        line
        == f"erasure: a {channel} respondent erased their data (responses {keys[0]}): "
        + again(keys[0])
    )
    assert "4242007" not in line
    assert SECRET_ANSWER not in line
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]


async def test_a_second_tap_on_erase_logs_nothing_more(
    chat: ChatFactory, bundled: Conversation, caplog: pytest.LogCaptureFixture
) -> None:
    ana = chat(bundled)
    await agree(ana)
    await ana.command("delete")
    tap = ana.action(ERASE_YES)
    caplog.set_level(logging.INFO)

    await ana.tap(tap)
    await ana.tap(tap)

    assert len(erasure_lines(caplog)) == 1


async def test_every_response_of_the_person_is_named(
    chat: ChatFactory, bundled: Conversation, peek: Peek, caplog: pytest.LogCaptureFixture
) -> None:
    ana, bob = chat(bundled, "ana"), chat(bundled, "bob")
    await agree(ana, "pithiviers")
    await agree(bob)
    ana_keys = [
        row[0]
        for row in peek.query(
            "SELECT r.key FROM responses r JOIN respondents p ON p.id = r.respondent_id "
            "WHERE p.external_id = 'ana' ORDER BY r.id"
        )
    ]
    caplog.set_level(logging.INFO)

    await ana.command("delete")
    await ana.press(ERASE_YES)

    [record] = erasure_lines(caplog)
    assert f"(responses {', '.join(ana_keys)})" in record.getMessage()
    # One key erases the person whole: the oldest, which an older backup holds if any does.
    assert record.getMessage().endswith(again(ana_keys[0]))
    assert peek.query("SELECT COUNT(*) FROM responses") == [(1,)]  # bob's stays


def _keys(peek: Peek) -> list[str]:
    return [row[0] for row in peek.query("SELECT key FROM responses")]


async def test_declining_a_changed_notice_logs_the_erasure(
    chat: ChatFactory,
    bundled: Conversation,
    converse: Callable[[Flow], Conversation],
    new_notice: Flow,  # noqa: F811 (the fixture imported)
    peek: Peek,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ana = chat(bundled, "4242007")
    await agree(ana, "pithiviers")
    await ana.write(SECRET_ANSWER)
    [key] = _keys(peek)
    ana.conversation = converse(new_notice)
    await ana.start()
    caplog.set_level(logging.INFO)

    await ana.press(DECLINE)

    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]
    [record] = erasure_lines(caplog)
    line = record.getMessage()
    assert record.levelno == logging.INFO
    assert (
        line
        == f"erasure: a telegram respondent withdrew their consent (responses {key}): "
        + again(key, whole=False)
    )
    assert "4242007" not in line
    assert SECRET_ANSWER not in line


COMPANY, ACTOR = "Une entreprise", "Un acteur du territoire"
SWITCH = f"Passer à «\u00a0{ACTOR}\u00a0»"
SWITCH_YES = "Oui, changer de questionnaire"


async def test_switching_to_the_links_other_questionnaire_logs_the_erasure(
    both: Conversation, chat: ChatFactory, peek: Peek, caplog: pytest.LogCaptureFixture
) -> None:
    ana = chat(both, "4242007", channel=Channel.WEB)
    await ana.start("pithiviers__entreprise")
    await ana.press(AGREE)
    await ana.write(SECRET_ANSWER)
    [key] = _keys(peek)
    await ana.start("pithiviers__territoire")
    caplog.set_level(logging.INFO)
    await ana.press(SWITCH)
    assert erasure_lines(caplog) == []  # asked, not done yet

    await ana.press(SWITCH_YES)

    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]
    [record] = erasure_lines(caplog)
    line = record.getMessage()
    assert line == f"erasure: a web respondent switched questionnaire (responses {key}): " + again(
        key, whole=False
    )
    assert "4242007" not in line
    assert SECRET_ANSWER not in line


async def test_going_back_to_the_list_before_answering_logs_the_erasure(
    both: Conversation, chat: ChatFactory, peek: Peek, caplog: pytest.LogCaptureFixture
) -> None:
    ana = chat(both)
    await ana.start("pithiviers")
    await ana.press(COMPANY)
    await ana.press(AGREE)
    [key] = _keys(peek)
    caplog.set_level(logging.INFO)

    await ana.command("back")  # nothing answered: the response and its agreement go

    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]
    [record] = erasure_lines(caplog)
    assert record.getMessage() == (
        f"erasure: a telegram respondent went back to the list of questionnaires "
        f"(responses {key}): " + again(key, whole=False)
    )

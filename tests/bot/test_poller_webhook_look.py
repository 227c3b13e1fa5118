"""The look for a webhook before polling never stops polling.

A Bot API server of one's own, or a stand-in (the benchmarks' had no getWebhookInfo
and answered `true`), may answer what python-telegram-bot cannot read: the look is
advice, so polling goes on. It once stopped the poller before its first getUpdates.
"""

from __future__ import annotations

import logging

import pytest
from telegram import Bot

from bot.telegram.poller import _warn_of_webhook
from tests.support.fake_bot_api import TOKEN, FakeBotAPI


@pytest.mark.parametrize(
    "answer",
    [
        b'{"ok": true, "result": true}',  # not a WebhookInfo
        b'{"ok": false, "error_code": 500, "description": "Internal Server Error"}',
    ],
)
async def test_an_answer_it_cannot_read_is_no_reason_to_stop(
    answer: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeBotAPI()
    api.failing["getWebhookInfo"] = (200 if b'"ok": true' in answer else 500, answer)
    bot = Bot(TOKEN, request=api)
    with caplog.at_level(logging.DEBUG, logger="bot.telegram.poller"):
        await _warn_of_webhook(bot)  # returns: the poller goes on to deleteWebhook
    assert "could not ask Telegram whether a webhook is set" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

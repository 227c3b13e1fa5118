"""The webhook address is logged without the secrets it may hold, on success as on refusal.

A refused address was logged through `shown_url` (no user or password, no query,
the bot token hidden), but an accepted one was logged as given: a token in its
path, a password before its host, went to the journal.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.telegram import build_application, running
from bot.telegram.webhook import register_webhook
from flows import bundled_path, load_flow, load_stages
from tests.support.fake_bot_api import TOKEN, FakeBotAPI

PASSWORD = "never-logged-password"
URL = f"https://proxy:{PASSWORD}@enquete.example.org/hook/{TOKEN}?key={PASSWORD}"


async def test_an_accepted_webhook_is_logged_without_its_secrets(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeBotAPI()
    application = build_application(
        token=TOKEN,
        flow=load_flow(bundled_path("questionnaire.yaml")),
        stages=load_stages(bundled_path("stages.yaml")),
        request=api,
        rate_limit=False,
    )
    caplog.set_level(logging.INFO)
    async with running(application, tmp_path / "hook.sqlite3"):
        await register_webhook(application, url=URL, secret="s3cret-token_for-webhook")

    assert [call.params["url"] for call in api.calls_to("setWebhook")] == [URL]
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Telegram posts")]
    assert said == ["Telegram posts updates to https://enquete.example.org/hook/<token>"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PASSWORD not in logged
    assert TOKEN.split(":", 1)[-1] not in logged

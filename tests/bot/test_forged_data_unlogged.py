"""A button's data the bot cannot read is logged by its length only.

A client can send any callback data: a name or an answer in it must not reach the log,
which the docs say names no one (the verbose log hides `data='…'`, not this line).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from tests.bot.test_telegram_robustness import at_sector
from tests.support.fake_bot_api import Person

PersonFactory = Callable[..., Person]


async def test_unreadable_button_data_is_logged_without_its_content(
    person: PersonFactory, caplog: pytest.LogCaptureFixture
) -> None:
    ana = person()
    await at_sector(ana)

    forged = "c|Zéphyrine Testvalue|zz"
    with caplog.at_level(logging.INFO, logger="bot.telegram.handlers"):
        await ana.tap_data(forged)

    said = [r.getMessage() for r in caplog.records if "unrecognised button data" in r.getMessage()]
    assert said == [f"unrecognised button data ({len(forged)} characters)"]
    assert "Zéphyrine" not in caplog.text

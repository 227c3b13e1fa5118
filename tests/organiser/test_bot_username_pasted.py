"""The bot's address, pasted from BotFather whole, gives its username.

BotFather shows a new bot as "t.me/tour_innovation_bot"; an organiser pasting
that into `--bot-username` (or SURVEYBOT_BOT_USERNAME) was refused ("must be 5
to 32 letters"). The name is read from it now; anything else still is refused.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import main

BOT = "tour_innovation_bot"


@pytest.mark.parametrize(
    "given",
    [
        "https://t.me/tour_innovation_bot",
        "t.me/tour_innovation_bot",
        "http://telegram.me/tour_innovation_bot/",
        "@tour_innovation_bot",
        "T.me/tour_innovation_bot",  # as a phone's keyboard capitalises it
        "https://t.me/tour_innovation_bot?start=vitre",  # a stage's link, from last year
    ],
)
def test_the_links_name_the_bot_whatever_form_its_name_was_pasted_in(given: str) -> None:
    result = CliRunner().invoke(main, ["links", "--bot-username", given])
    assert result.exit_code == 0, result.output
    assert f"https://t.me/{BOT}?start=pithiviers" in result.stdout
    assert "t.me/https" not in result.stdout and "t.me/t.me" not in result.stdout


def test_an_address_that_names_no_bot_is_still_refused() -> None:
    result = CliRunner().invoke(main, ["links", "--bot-username", "https://t.me/joinchat/x"])
    assert result.exit_code == 2
    assert "must be 5 to 32 letters, digits or '_'" in result.stderr

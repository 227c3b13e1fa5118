"""What Telegram refuses: the respondent still gets a word, and long menus fit in pages.

The fake Bot API refuses a keyboard beyond Telegram's limits (100 buttons, 8 to a
row, 64 bytes of button data) with a 400 Bad Request, as Telegram does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from bot.telegram.context import BotApplication
from flows import StageDef
from tests.conftest import LoggedErrors
from tests.support import telegram_rules
from tests.support.fake_bot_api import FakeBotAPI, Person

PersonFactory = Callable[..., Person]
PICKER = "Ce lien d’invitation ne correspond à aucun atelier connu."
REFUSED = (
    "Désolé, Telegram n’a pas accepté ce message. Vos réponses sont enregistrées\u00a0; "
    "envoyez /start pour reprendre."
)


def many_stages(count: int) -> list[StageDef]:
    return [StageDef(code=f"etape-{n:04d}", city=f"Ville {n:04d}") for n in range(1, count + 1)]


async def test_a_refused_keyboard_leaves_the_respondent_a_text_and_the_log_says_why(
    person: PersonFactory,
    api: FakeBotAPI,
    logged_errors: LoggedErrors,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Telegram tightens its limit: the notice's three buttons are now too many.
    monkeypatch.setattr(telegram_rules, "MAX_BUTTONS", 2)
    logged_errors.expect("Telegram refused a request")
    ana = person()
    with caplog.at_level(logging.WARNING):
        await ana.send("/start pithiviers")

    assert ana.last_text == REFUSED
    assert ana.last.keyboard is None
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refusals == [
        "Telegram refused a request while handling an update: "
        "sendMessage with 3 buttons: Reply markup is too long"
    ]
    assert "could not be reached" not in caplog.text


class TestManyStages:
    @pytest.fixture
    def stages(self) -> list[StageDef]:
        return many_stages(60)

    async def test_the_stage_picker_with_60_stages_is_accepted_in_pages(
        self, person: PersonFactory, api: FakeBotAPI
    ) -> None:
        ana = person()
        await ana.send("/start atlantis")

        picker = ana.last_with_buttons()
        assert picker.text.startswith(PICKER)
        labels = picker.labels()
        assert labels[:2] == ["Ville 0001", "Ville 0002"]
        assert "Suite ▶ 2/3" in labels and "Continuer sans atelier" in labels
        assert len(labels) == 24 + 2

        await ana.tap("Suite ▶ 2/3", message=picker)
        assert picker.labels()[:2] == ["Ville 0025", "Ville 0026"]
        assert "◀ Précédents 1/3" in picker.labels()
        await ana.tap("Suite ▶ 3/3", message=picker)
        assert picker.labels()[-3:] == ["Ville 0060", "◀ Précédents 2/3", "Continuer sans atelier"]

        await ana.tap("Ville 0060", message=picker)
        assert "Ville 0060" in " ".join(m.text for m in ana.chat)
        assert ana.last.keyboard is not None and "J’accepte" in " ".join(ana.last.labels())
        assert picker.keyboard is None, "a menu, once answered, is used up"

    async def test_only_chats_shown_pages_are_remembered_between_updates(
        self, person: PersonFactory, app: BotApplication
    ) -> None:
        ana, bob = person(), person()
        await bob.send("/start etape-0001")
        await bob.tap("J’accepte")
        await ana.send("/start atlantis")

        # Only the chat that may turn a menu's pages is remembered, and the library's
        # memory for chats (kept for the life of the process) is not used at all.
        chats = app.bot_data.chats
        assert ana.user_id in chats and bob.user_id not in chats and len(chats) == 1
        assert not app.chat_data


class TestAThousandStages:
    @pytest.fixture
    def stages(self) -> list[StageDef]:
        return many_stages(1000)

    async def test_a_thousand_stages_give_a_paginated_picker_to_the_last_page(
        self, person: PersonFactory
    ) -> None:
        ana = person()
        await ana.send("/start atlantis")
        picker = ana.last_with_buttons()
        assert "Suite ▶ 2/42" in picker.labels()
        for page in range(2, 43):
            await ana.tap(f"Suite ▶ {page}/42", message=picker)
        assert picker.labels()[-3:] == [
            "Ville 1000",
            "◀ Précédents 41/42",
            "Continuer sans atelier",
        ]
        await ana.tap("Continuer sans atelier", message=picker)
        assert "J’accepte" in " ".join(ana.last.labels())


# python-telegram-bot's own warning as it builds its RetryAfter from Telegram's answer.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_is_a_warning_and_no_apology_then_the_respondent_goes_on(
    person: PersonFactory, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    # Past the rate limiter's retries Telegram still says "retry after": an apology would
    # meet the same refusal, and the log would call Telegram's limit a fault of the code
    # (the test's `logged_errors` fails on any error logged).
    ana = person()
    api.flooded_chats.add(ana.user_id)
    with caplog.at_level(logging.WARNING):
        await ana.send("/start pithiviers")

    assert len(api.calls_to("sendMessage", ana.user_id)) == 1, "an apology was tried"
    held = [r for r in caplog.records if "flood control" in r.getMessage()]
    assert [(r.levelname, r.getMessage()) for r in held] == [
        (
            "WARNING",
            "Telegram's flood control held back a reply: Flood control exceeded. "
            "Retry in 5 seconds",
        )
    ]
    assert held[0].exc_info is None

    api.flooded_chats.clear()
    await ana.send("/start pithiviers")
    assert "✅ J’accepte" in ana.last.labels()


async def test_a_press_telegram_does_not_let_us_acknowledge_still_gets_its_next_question(
    person: PersonFactory, api: FakeBotAPI
) -> None:
    # Acknowledging a press (the button's spinner) is a courtesy, made before the reply:
    # a network hiccup there must not cost the person the next question.
    ana = person()
    await ana.send("/start pithiviers")
    api.fail("answerCallbackQuery", 502, "Bad Gateway")

    await ana.tap("✅ J’accepte")

    assert ana.last_text.startswith("Question 1/")

"""A questionnaire in one language offers no change of language.

An English-only survey (tests/support/one_language.py): /help lists no /language, a
typed /language says in a sentence that the questionnaire is only in English (no menu
of one button), whatever the app's language; in Telegram (the real application, the
Bot API faked at the HTTP boundary, a real SQLite file) and in the terminal (a real
`surveybot chat` process). The bundled tour, in French and English, still offers it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from flows import Flow, StageDef, load_flow, load_stages
from tests.bot.test_terminal import chat
from tests.support.fake_bot_api import Person
from tests.support.one_language import write_flow, write_stages

PersonFactory = Callable[..., Person]
ONLY_ENGLISH = "This questionnaire is only in English."


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    return load_flow(write_flow(tmp_path, "en"))


@pytest.fixture
def stages(tmp_path: Path) -> list[StageDef]:
    return load_stages(write_stages(tmp_path))


@pytest.mark.parametrize("app_language", ["fr", "en", "de"])
async def test_telegram_help_and_language_in_an_english_only_survey(
    person: PersonFactory, app_language: str
) -> None:
    ana = person(700_001, language_code=app_language)
    await ana.send("/start leeds_spring")
    await ana.send("/help")
    shown = ana.last_text
    assert "/back: go back to the previous question" in shown
    assert "/language" not in shown and "French" not in shown

    before = len(ana.chat)
    await ana.send("/language")
    assert ana.chat[before].text == ONLY_ENGLISH
    assert not ana.chat[before].keyboard  # no menu of one button
    await ana.send("/langue")  # the French word of the command, the same answer
    assert ONLY_ENGLISH in [m.text for m in ana.chat[before + 1 :]]


class TestTheBundledTour:
    @pytest.fixture
    def flow(self, bundled_flow: Flow) -> Flow:
        return bundled_flow

    @pytest.fixture
    def stages(self, bundled_stages: list[StageDef]) -> list[StageDef]:
        return bundled_stages

    async def test_still_offers_its_two_languages(self, person: PersonFactory) -> None:
        ana = person(700_002, language_code="fr")
        await ana.send("/help")
        assert "/language\u00a0: changer de langue (français / anglais)" in ana.last_text
        await ana.send("/language")
        assert ana.last_with_buttons().labels() == ["• Français", "English"]


def test_the_terminal_help_and_language_in_an_english_only_survey(tmp_path: Path) -> None:
    flow, stages = write_flow(tmp_path, "en"), write_stages(tmp_path)
    lines = ["/help", "/language", "quit"]
    result = chat(tmp_path / "s.sqlite3", lines, "--flow", str(flow), "--stages", str(stages))

    assert result.returncode == 0, result.stderr
    helped = result.stdout.split("> /help")[1].split("> /language")[0]
    assert "/back: go back to the previous question" in helped
    assert "/language" not in helped
    answered = result.stdout.split("> /language")[1]
    assert answered.lstrip().startswith(ONLY_ENGLISH)
    assert "1. English" not in answered


def test_a_french_only_survey_says_so_in_french(tmp_path: Path) -> None:
    english = write_flow(tmp_path, "en").read_text(encoding="utf-8")
    french = tmp_path / "french.yaml"
    french.write_text(
        english.replace("language: en\nlanguages: [en]", "language: fr\nlanguages: [fr]")
    )
    result = chat(tmp_path / "s.sqlite3", ["/language", "quit"], "--flow", str(french))

    assert result.returncode == 0, result.stderr
    assert "Ce questionnaire n’existe qu’en français." in result.stdout

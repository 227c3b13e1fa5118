"""A questionnaire in one language, on the web: a typed /language says so in a sentence.

The made-up Example Makers Network asks in English alone (tests/support/one_language.py).
Typed on the web chat, /language showed a menu of one button; then, once the
conversation said "only in English", the page dropped the sentence (a text with a value
crosses the redirect only when its key is known to be safe to carry).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, StageDef, load_flow, load_stages
from tests.support.one_language import write_flow, write_stages
from tests.web.conftest import VisitorFactory


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    return load_flow(write_flow(tmp_path))


@pytest.fixture
def stages(tmp_path: Path) -> list[StageDef]:
    return load_stages(write_stages(tmp_path))


@pytest.mark.parametrize("browser_language", ["en-GB,en;q=0.9", "fr-FR,fr;q=0.9"])
async def test_a_typed_language_command_says_the_only_language(
    visitor: VisitorFactory, browser_language: str
) -> None:
    member = visitor(headers={"accept-language": browser_language})
    await member.get("/chat?stage=leeds_spring")
    await member.press("✅ I agree")
    page = await member.type("/language")
    assert "This questionnaire is only in English." in page
    assert "What is the name of your business?" in page
    assert "English" not in page.labels()

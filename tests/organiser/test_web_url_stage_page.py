"""`surveybot links --web-url` (and SURVEYBOT_PUBLIC_URL) given a stage's page, or its /s folder.

The web chat serves a stage's page at <address>/s/<code>, and `links` adds that path
itself: an address ending in /s, or holding /s/<code> (copied from a card or a
browser), made every QR code open …/s/s/<code>, which the web chat answers 404.
It is refused before anything is written, saying which address to give.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from tests.organiser.codes import BOT
from tests.organiser.survey import STAGES


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize(
    ("given", "chat"),
    [
        ("https://enquete.example.org/s/", "https://enquete.example.org"),
        ("https://enquete.example.org/s", "https://enquete.example.org"),
        ("https://enquete.example.org/s/pithiviers", "https://enquete.example.org"),
        ("https://example.org/enquete/s/pithiviers__entreprise", "https://example.org/enquete"),
    ],
)
def test_a_stage_page_is_refused_with_the_chat_s_address(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, given: str, chat: str
) -> None:
    flag = invoke(
        "links", "--bot-username", BOT, "--stages", STAGES, "--web-url", given, "--out", "kit"
    )
    assert flag.exit_code == 2
    assert "invalid value for '--web-url'" in flag.stderr
    assert f"web address '{given}' holds /s/" in flag.stderr
    assert f"give the web chat's own address, like {chat}\n" in flag.stderr
    assert not (clean_env / "kit").exists()

    monkeypatch.setenv("SURVEYBOT_PUBLIC_URL", given)
    variable = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--out", "kit")
    assert variable.exit_code == 2
    assert variable.stderr.startswith(f"error: SURVEYBOT_PUBLIC_URL: web address '{given}'")
    assert f"like {chat}\n" in variable.stderr
    assert not (clean_env / "kit").exists()


@pytest.mark.parametrize(
    "given",
    ["https://enquete.example.org", "https://example.org/sondage", "https://example.org/s-x/"],
)
def test_a_path_of_the_chat_s_own_is_kept(clean_env: Path, given: str) -> None:
    result = invoke("links", "--bot-username", BOT, "--stages", STAGES, "--web-url", given)
    assert result.exit_code == 0, result.output
    assert f",{given.rstrip('/')}/s/pithiviers\n" in result.stdout

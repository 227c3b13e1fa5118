"""The `[y/N]` questions of the command line take French answers: o, oui, non.

Asked by `erase` before it erases, and by `export` (`stats --plot`, `links --out`)
before replacing a file, at a terminal.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path, load_flow
from tests.support.scripts import script_for
from tests.support.sqlite import open_sqlite

QUESTION_END = "This cannot be undone. [y/N]: "


@pytest.fixture
def key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The response key of one respondent who answered a few questions in the terminal."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    lines, _ = script_for(load_flow(bundled_path("questionnaire.yaml")), "fr", limit=3)
    chatted = CliRunner().invoke(main, ["chat"], input="\n".join(lines) + "\n")
    assert chatted.exit_code == 0, chatted.stderr
    (found,) = response_keys()
    yield found


def response_keys() -> list[str]:
    with open_sqlite("surveybot.sqlite3") as connection:
        return [key for (key,) in connection.execute("SELECT key FROM responses")]


def erase(key: str, typed: str, *more: str) -> Result:
    return CliRunner().invoke(main, ["erase", "--response", key, *more], input=typed)


@pytest.mark.parametrize("answer", ["oui", "OUI", "  Oui  ", "o", "O", "y", "yes"])
def test_oui_confirms_an_erasure(key: str, answer: str) -> None:
    result = erase(key, f"{answer}\n")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(QUESTION_END) == 1
    assert result.stdout.startswith("responses: 1\n")
    assert response_keys() == []


@pytest.mark.parametrize("answer", ["non", "NON ", "Non", "n", "no", ""])
def test_non_cancels_it(key: str, answer: str) -> None:
    result = erase(key, f"{answer}\n")

    # Answering no is the organiser's choice, not a failure: a plain note, exit 0.
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(QUESTION_END) == 1
    assert result.stderr.endswith("\nnothing was erased\n")
    assert response_keys() == [key]


def test_another_answer_is_asked_again_politely(key: str) -> None:
    result = erase(key, "peut-être\noui\n")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(QUESTION_END) == 2
    assert "Error: please answer y or n (o, oui and non work too)\n" in result.stderr
    assert response_keys() == []


def test_end_of_input_aborts_and_erases_nothing(key: str) -> None:
    result = erase(key, "peut-être\n")

    assert result.exit_code == 1
    assert "Aborted!" not in result.stderr
    assert result.stderr.endswith(
        "\nno answer (input ended); add --yes to erase without being asked\n"
        "error: nothing was erased\n"
    )
    assert response_keys() == [key]


def test_yes_still_skips_the_question(key: str) -> None:
    result = erase(key, "", "--yes")

    assert result.exit_code == 0, result.stderr
    assert "[y/N]" not in result.stderr
    assert response_keys() == []


@pytest.mark.parametrize(("answer", "replaced"), [("oui", True), ("Non", False)])
def test_replacing_a_file_at_a_terminal_takes_french(
    key: str, tmp_path: Path, answer: str, replaced: bool
) -> None:
    out = tmp_path / "responses.csv"
    out.write_text("an earlier analysis\n", encoding="utf-8")
    leader, follower = pty.openpty()
    try:
        os.write(leader, f"{answer}\n".encode())
        done = subprocess.run(
            [sys.executable, "-m", "bot", "export", "--status", "all", "-o", str(out)],
            cwd=tmp_path,
            stdin=follower,
            capture_output=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(leader)
        os.close(follower)

    stderr = done.stderr.decode()
    assert f"{out} already exists: replace it? [y/N]: " in stderr
    if replaced:
        assert done.returncode == 0, stderr
        assert out.read_text(encoding="utf-8").startswith("response_key,")
    else:  # declined: a choice, not a failure (exit 0), and said in plain English
        assert done.returncode == 0, stderr
        assert stderr.endswith(f"nothing written; {out} left as it was\n")
        assert out.read_text(encoding="utf-8") == "an earlier analysis\n"

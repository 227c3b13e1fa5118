"""Back at a multiple choice in the terminal: the ticks shown, and what Enter and numbers do.

Typed numbers are the whole new answer, as at the first asking; going back at "1 2" and
typing "3" stored "Amériques" alone, with nothing on screen to say the ticks would go.
The hint now says it: Enter keeps the ticked boxes, numbers replace them all.
"""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_terminal import MINI, chat, stored

KEPT = "Entrée garde les cases cochées\u00a0; des numéros les remplacent toutes"
# mini.yaml up to its markets: the welcome, a name, a headcount, a sector, exports "yes".
TO_MARKETS = ["", "ACME", "12", "1", "1"]


def test_back_at_ticks_says_enter_keeps_them_and_it_does(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = chat(db, [*TO_MARKETS, "1 2", "retour", "", "quit"], "--flow", str(MINI))

    assert result.returncode == 0, result.stderr
    first, again = result.stdout.split("Marchés")[1:3]
    assert KEPT not in first  # nothing ticked yet: nothing to keep
    assert "[x] Europe" in again and "[x] Asie" in again and KEPT in again
    assert stored(db)[1]["markets"] == ["eu", "asia"]


def test_numbers_typed_back_at_ticks_replace_them_as_the_hint_said(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = chat(db, [*TO_MARKETS, "1 2", "retour", "3", "quit"], "--flow", str(MINI))

    assert result.returncode == 0, result.stderr
    assert KEPT in result.stdout
    assert stored(db)[1]["markets"] == ["americas"]

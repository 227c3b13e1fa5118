"""`surveybot links --out`: an earlier kit is replaced only with --force, every file is 600,
and a symbolic link in the folder is followed, not replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.organiser import links
from tests.organiser.survey import STAGES

BOT = "tour_innovation_bot"
# links.csv, links.html, and a PNG and an SVG for each of the four stages.
KIT = 2 + 2 * 4


@pytest.fixture(autouse=True)
def _isolated(clean_env: Path) -> None:
    """Every test runs from an empty folder, with no SURVEYBOT_* variable."""


def write_kit(out: Path, *extra: str) -> Result:
    return CliRunner().invoke(
        links, ["--bot-username", BOT, "--stages", str(STAGES), "--out", str(out), *extra]
    )


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_every_file_of_the_kit_is_600(clean_env: Path) -> None:
    os.umask(old := os.umask(0o022))
    try:
        result = write_kit(clean_env / "kit")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    written = [path for path in (clean_env / "kit").rglob("*") if path.is_file()]
    assert len(written) == KIT
    assert {stat.S_IMODE(path.stat().st_mode) for path in written} == {0o600}


def test_an_earlier_kit_is_replaced_only_with_force(clean_env: Path) -> None:
    out = clean_env / "kit"
    assert write_kit(out).exit_code == 0
    (out / "links.html").write_text("edited by hand", encoding="utf-8")
    before = files_in(out)

    refused = write_kit(out)
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"error: {out / 'links.csv'}, {out / 'links.html'}, {out / 'qr' / 'pithiviers.png'} "
        f"and {KIT - 3} more already exist; add --force to replace them, or choose another name\n"
    )
    assert files_in(out) == before

    replaced = write_kit(out, "--force")
    assert replaced.exit_code == 0, replaced.output
    assert (out / "links.html").read_text(encoding="utf-8").startswith("<!")
    assert not list(out.rglob(".*"))  # no temporary file left


def test_a_symbolic_link_in_the_kit_is_followed(clean_env: Path) -> None:
    out = clean_env / "kit"
    out.mkdir()
    shared = clean_env / "shared.csv"
    shared.write_text("an older list\n", encoding="utf-8")
    (out / "links.csv").symlink_to(shared)

    assert write_kit(out).exit_code == 1  # it points at a file: not without asking
    assert shared.read_text(encoding="utf-8") == "an older list\n"
    result = write_kit(out, "--force")
    assert result.exit_code == 0, result.output
    assert (out / "links.csv").is_symlink()
    assert shared.read_text(encoding="utf-8").startswith("stage,city,region,date,link\n")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o600

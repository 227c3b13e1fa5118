"""`surveybot stats` counts the refusals of the notice per workshop.

Declining keeps only which notice, where and when, "so you can count refusals
per workshop", as docs/privacy.md promises; no command counted them. The stage
table has a "declined" column once someone has declined (a workshop where people
only declined has its row), and with several questionnaires each table counts
the refusals of its own notice. People decline through the real terminal chat,
on a real SQLite file.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from organiser import DECLINED_LEGEND

DECLINE = "2\n"  # "Je refuse", the notice's second choice
AGREE_THEN_QUIT = "1\nquitter\n"


def chat(db: Path, stage: str, who: str, lines: str, *more: str) -> None:
    args = ["chat", "--db", str(db), "--stage", stage, "--respondent", who, *more]
    result = CliRunner().invoke(main, args, input=lines)
    assert result.exit_code == 0, result.output


def stats(db: Path, *more: str) -> str:
    result = CliRunner().invoke(main, ["stats", "--db", str(db), *more])
    assert result.exit_code == 0, result.output
    return result.stdout


def row(table: str, code: str) -> list[str]:
    """The cells of the row of `code` (or TOTAL), split on runs of spaces."""
    line = next(line for line in table.splitlines() if line.startswith(f"{code} "))
    return line.split()


def test_the_stage_table_counts_who_declined_at_each_workshop(tmp_path: Path) -> None:
    db = tmp_path / "tour.sqlite3"
    chat(db, "pithiviers", "a", AGREE_THEN_QUIT)
    assert "declined" not in stats(db)  # no one has declined: no column

    chat(db, "pithiviers", "b", DECLINE)
    chat(db, "pithiviers", "c", DECLINE)
    chat(db, "exemple_bretagne", "d", DECLINE)
    table = stats(db)

    header = table.splitlines()[0].split()
    assert header[-1] == "declined"
    assert row(table, "pithiviers")[2] == "1"  # started: those who declined never did
    assert row(table, "pithiviers")[-1] == "2"
    # A workshop where people only declined has its row, not the "no responses yet" line.
    assert row(table, "exemple_bretagne")[-1] == "1"
    assert "exemple_bretagne" not in table.split("no responses yet")[1].splitlines()[0]
    assert row(table, "TOTAL")[-1] == "3"
    assert DECLINED_LEGEND in table

    alone = stats(db, "--stage", "exemple_bretagne")
    assert row(alone, "TOTAL")[-1] == "1"
    assert "pithiviers" not in alone


def test_with_two_questionnaires_each_counts_the_refusals_of_its_notice(tmp_path: Path) -> None:
    db = tmp_path / "tour.sqlite3"
    both = ("--flows", "bundled")
    chat(db, "pithiviers__territoire", "a", DECLINE, *both)
    chat(db, "pithiviers__entreprise", "b", AGREE_THEN_QUIT, *both)

    report = stats(db, *both)
    companies, actors = report.split("== ")[1:3]
    assert "(tour_innovation_2019)" in companies.splitlines()[0]
    assert "declined" not in companies
    assert "(tour_innov_2019_acteurs)" in actors.splitlines()[0]
    assert row(actors, "pithiviers")[-1] == "1"


def test_a_workshop_left_out_of_the_stages_file_where_all_declined_is_reported(
    tmp_path: Path,
) -> None:
    db = tmp_path / "tour.sqlite3"
    chat(db, "exemple_bretagne", "a", DECLINE)
    stages = tmp_path / "stages.yaml"  # the next tour's file, without that workshop
    stages.write_text("stages:\n  - code: pithiviers\n    city: Pithiviers\n", encoding="utf-8")

    report = stats(db, "--stages", str(stages), "--stage", "exemple_bretagne")
    assert row(report, "TOTAL")[-1] == "1"

"""`validate` warns of a year question that ends before the workshops' dates.

The bundled questionnaire asks the year a company was founded, "up to 2019, the
year of the survey". An organiser copying it for a later tour adapts the notice,
as the docs say, writes the new workshops, and `validate` said ok: every company
founded since 2019 was then refused at a required question. The flow alone is
right; with the stages' dates it is out of date, and `validate` says so (a
warning, at the `max:` line). The real command, on files as an organiser writes them.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from flows import bundled_path
from tests.bot.test_cli_validate import notice_written

# The bundled questionnaire as a next tour's organiser copies it, its notice written.
COPIED = notice_written(bundled_path("questionnaire.yaml").read_text(encoding="utf-8"))
NEXT_TOUR = """\
stages:
  - {code: saint-die, city: Saint-Dié-des-Vosges, date: 2027-03-09}
  - {code: pont-a-mousson, city: Pont-à-Mousson, date: 2027-03-16}
  - {code: cholet, city: Cholet}
"""
COUNTS = """\
id: fablabs
version: 1
title: "Enquête des fablabs (exemple)"
sections:
  - id: you
    title: Vous
    steps:
      - id: visits
        type: number
        text: "Combien de visiteurs en un an ?"
        min: 0
        max: 2000
      - id: opened
        type: number
        text: "En quelle année le fablab a-t-il ouvert ?"
        min: 1990
        max: 2030
"""


def validate(tmp_path: Path, flow: str, stages: str) -> tuple[int, str]:
    (tmp_path / "tour2.yaml").write_text(flow, encoding="utf-8")
    (tmp_path / "etapes.yaml").write_text(stages, encoding="utf-8")
    files = [str(tmp_path / "tour2.yaml"), str(tmp_path / "etapes.yaml")]
    result = CliRunner().invoke(main, ["validate", *files])
    return result.exit_code, result.output


def line_of(text: str, written: str, after: str) -> int:
    """The line of `written`, the first after the line holding `after`."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if after in line)
    return next(n for n, line in enumerate(lines) if n > start and written in line) + 1


def test_a_year_question_ending_before_the_tour_is_a_warning_at_its_max(tmp_path: Path) -> None:
    code, output = validate(tmp_path, COPIED, NEXT_TOUR)

    assert code == 0, output  # a warning: the files still run
    line = line_of(COPIED, "max: 2019", "id: year_founded")
    assert (
        f"tour2.yaml:{line}: warning: question 'year_founded': it takes years up to 2019, "
        "and the workshop 'pont-a-mousson' is on 2027-03-16: an answer after 2019 is "
        "refused; raise `max` (and any text that says 2019)"
    ) in output
    assert "tour2.yaml: ok, 1 warning" in output

    fixed = COPIED.replace("max: 2019", "max: 2027")
    code, output = validate(tmp_path, fixed, NEXT_TOUR)
    assert code == 0 and "year_founded" not in output, output


def test_the_tour_it_was_written_for_is_not_warned_of(tmp_path: Path) -> None:
    bundled = bundled_path("stages.yaml").read_text(encoding="utf-8")
    code, output = validate(tmp_path, COPIED, bundled)
    assert code == 0 and "warning" not in output, output


def test_counts_and_years_still_ahead_are_not_years_out_of_date(tmp_path: Path) -> None:
    code, output = validate(tmp_path, COUNTS, NEXT_TOUR)
    assert code == 0 and "warning" not in output, output


def test_a_workshop_tied_to_another_questionnaire_does_not_count(tmp_path: Path) -> None:
    tied = NEXT_TOUR.replace(
        "date: 2027-03-16}", "date: 2027-03-16, flow: tour_innov_2019_acteurs}"
    ).replace("date: 2027-03-09}", "date: 2019-03-09}")
    bundled_actors = bundled_path("acteurs.yaml")
    (tmp_path / "acteurs.yaml").write_text(bundled_actors.read_text(encoding="utf-8"))
    (tmp_path / "tour2.yaml").write_text(COPIED, encoding="utf-8")
    (tmp_path / "etapes.yaml").write_text(tied, encoding="utf-8")
    files = [str(tmp_path / name) for name in ("tour2.yaml", "acteurs.yaml", "etapes.yaml")]
    result = CliRunner().invoke(main, ["validate", *files])
    assert "year_founded" not in result.output, result.output

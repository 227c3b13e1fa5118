"""`surveybot stats --stage CODE__AUDIENCE`: the code every card prints counts its workshop.

With two questionnaires, each card, QR file (qr/pithiviers__entreprise.png), link and
/links line carries `<workshop>__<audience>`. An organiser who copies it into
`stats --stage` gets that workshop's figures, for that audience's questionnaire,
not a row of zeros "(not in the stages file)" and a blank chart. Through the real
command line, from a database filled by the terminal chat as a respondent fills it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import terminal_tour
from tests.support.terminal_tour import ACTORS, BOTH, COMPANIES, fill, invoke


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pithiviers: one company completed; two actors completed and one still answering."""
    db = tmp_path_factory.mktemp("tour") / "tour.sqlite3"
    return fill(
        db,
        [
            ("pithiviers__entreprise", "company-1", None),
            ("pithiviers__territoire", "actor-1", None),
            ("pithiviers__territoire", "actor-2", None),
            ("pithiviers__territoire", "actor-3", 3),
        ],
    )


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filled: Path) -> Iterator[Path]:
    """An organiser's folder: a copy of the tour's database, SURVEYBOT_DB naming it."""
    yield from terminal_tour.desk(tmp_path, monkeypatch, filled)


def row(stdout: str, code: str) -> list[str]:
    """The stage table's row of `code`, split into its cells."""
    return next(line.split() for line in stdout.splitlines() if line.startswith(code + " "))


def test_the_code_of_a_card_counts_its_workshop_for_its_questionnaire(desk: Path) -> None:
    actors = invoke("stats", "--stage", "pithiviers__territoire", env=BOTH)
    companies = invoke("stats", "--stage", "Pithiviers__entreprise", env=BOTH)

    for result in (actors, companies):
        assert result.exit_code == 0, result.stderr
        assert "not in the stages file" not in result.stdout
        assert "==" not in result.stdout  # one questionnaire: no heading per questionnaire
        assert result.stderr == ""  # picked on purpose: no note of the other one
    # started, terminal, completed
    assert row(actors.stdout, "pithiviers")[2:5] == ["3", "3", "2"]
    assert f"Drop-off, flow {ACTORS}, stage pithiviers: 3 started" in actors.stdout
    assert COMPANIES not in actors.stdout
    assert row(companies.stdout, "pithiviers")[2:5] == ["1", "1", "1"]
    assert f"Drop-off, flow {COMPANIES}, stage pithiviers: 1 started" in companies.stdout


def test_the_chart_of_a_card_code_is_that_questionnaire_s_as_named(desk: Path) -> None:
    result = invoke("stats", "--stage", "pithiviers__territoire", "--plot", "chart.png", env=BOTH)

    assert result.exit_code == 0, result.stderr
    assert sorted(path.name for path in desk.iterdir() if path.suffix == ".png") == ["chart.png"]
    assert "wrote the drop-off chart to chart.png" in result.stderr


def test_a_card_code_and_another_flow_are_refused_naming_both(desk: Path) -> None:
    result = invoke("stats", "--stage", "pithiviers__territoire", "--flow", "entreprise", env=BOTH)

    assert result.exit_code == 2
    assert (
        f"'pithiviers__territoire' names the questionnaire 'territoire' ({ACTORS}), and "
        f"--flow another ({COMPANIES}): give one of them, or the workshop's code alone "
        "('pithiviers')"
    ) in " ".join(result.stderr.split())
    same = invoke("stats", "--stage", "pithiviers__territoire", "--flow", "territoire", env=BOTH)
    assert same.exit_code == 0 and row(same.stdout, "pithiviers")[2] == "3"


def test_with_one_questionnaire_a_card_code_counts_the_whole_workshop(desk: Path) -> None:
    # Every response counts in the stage table with one flow, whatever its flow.
    result = invoke("stats", "--stage", "pithiviers__entreprise")

    assert result.exit_code == 0, result.stderr
    assert row(result.stdout, "pithiviers")[2] == "4"
    assert "not in the stages file" not in result.stdout


def test_with_one_questionnaire_a_card_code_of_another_is_refused(desk: Path) -> None:
    # The bundled setup loads the companies' questionnaire only: the actors' card code
    # used to give its figures, under the actors' code, without a word.
    result = invoke("stats", "--stage", "pithiviers__territoire")

    assert result.exit_code == 2
    assert (
        "'pithiviers__territoire' names the questionnaire 'territoire', which this setup "
        f"does not load (it has 'entreprise' ({COMPANIES})): point --flows (SURVEYBOT_FLOWS) "
        "at the questionnaires the links were made with, or give the workshop's code alone "
        "('pithiviers')"
    ) in " ".join(result.stderr.split())
    assert "Drop-off" not in result.stdout


def test_an_audience_no_questionnaire_has_is_refused(desk: Path) -> None:
    result = invoke("stats", "--stage", "pithiviers__entreprises", env=BOTH)

    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "'pithiviers__entreprises' names the questionnaire 'entreprises'" in said
    assert f"(it has 'entreprise' ({COMPANIES}), 'territoire' ({ACTORS}))" in said

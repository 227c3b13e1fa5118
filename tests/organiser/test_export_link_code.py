"""`surveybot export --stage CODE__AUDIENCE`: the code every card prints exports its
workshop, in its audience's questionnaire.

With two questionnaires, each card, QR file (qr/pithiviers__entreprise.png), link and
/links line carries `<workshop>__<audience>`. An analyst who copies it into
`export --stage` gets that questionnaire's file, as `--flow territoire` writes it, not
both questionnaires' files; `load_responses(stage=...)` reads it the same way. Through
the real command line, from a database filled by the terminal chat as a respondent
fills it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from exports import OtherAudience, load_responses
from flows import bundled_path
from tests.support import terminal_tour
from tests.support.terminal_tour import ACTORS, BOTH, COMPANIES, fill, invoke


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pithiviers: one company and two actors completed, one actor still answering;
    exemple_nord: one actor completed."""
    db = tmp_path_factory.mktemp("tour") / "tour.sqlite3"
    return fill(
        db,
        [
            ("pithiviers__entreprise", "company-1", None),
            ("pithiviers__territoire", "actor-1", None),
            ("pithiviers__territoire", "actor-2", None),
            ("pithiviers__territoire", "actor-3", 3),
            ("exemple_nord__territoire", "actor-4", None),
        ],
    )


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filled: Path) -> Iterator[Path]:
    """An analyst's folder: a copy of the tour's database, SURVEYBOT_DB naming it."""
    yield from terminal_tour.desk(tmp_path, monkeypatch, filled)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_code_of_a_card_exports_its_workshop_in_its_questionnaire(desk: Path) -> None:
    result = invoke("export", "--stage", "pithiviers__territoire", "-o", "r.csv", env=BOTH)

    assert result.exit_code == 0, result.stderr
    # One questionnaire's file, named as --flow territoire names it: not r-entreprise.csv.
    assert sorted(path.name for path in desk.iterdir() if path.suffix == ".csv") == ["r.csv"]
    written = rows((desk / "r.csv").read_text(encoding="utf-8"))
    assert [(row["flow_id"], row["stage_code"]) for row in written] == [
        (ACTORS, "pithiviers"),
        (ACTORS, "pithiviers"),
    ]
    assert "exported 2 responses (2 completed)" in result.stderr
    # Picked on purpose, as --flow picks it: no note of the other questionnaire.
    assert "also holds" not in result.stderr and COMPANIES not in result.stderr


def test_a_card_code_goes_to_standard_output_as_one_questionnaire(desk: Path) -> None:
    result = invoke("export", "--stage", "Pithiviers__entreprise", env=BOTH)

    assert result.exit_code == 0, result.stderr
    assert [(row["flow_id"], row["stage_code"]) for row in rows(result.stdout)] == [
        (COMPANIES, "pithiviers")
    ]


def test_a_card_code_and_another_flow_are_refused_naming_both(desk: Path) -> None:
    result = invoke(
        *("export", "--stage", "pithiviers__territoire", "--flow", "entreprise", "-o", "r.csv"),
        env=BOTH,
    )

    assert result.exit_code == 2
    assert (
        f"'pithiviers__territoire' names the questionnaire 'territoire' ({ACTORS}), and "
        f"--flow another ({COMPANIES}): give one of them, or the workshop's code alone "
        "('pithiviers')"
    ) in " ".join(result.stderr.split())
    assert not list(desk.glob("*.csv"))
    same = invoke(
        *("export", "--stage", "pithiviers__territoire", "--flow", "territoire"), env=BOTH
    )
    assert same.exit_code == 0, same.stderr
    assert len(rows(same.stdout)) == 2


def test_card_codes_of_two_questionnaires_are_refused(desk: Path) -> None:
    result = invoke(
        *("export", "--stage", "pithiviers__territoire", "--stage", "exemple_nord__entreprise"),
        *("-o", "r.csv"),
        env=BOTH,
    )

    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert f"'pithiviers__territoire' names the questionnaire 'territoire' ({ACTORS})" in said
    assert f"'exemple_nord__entreprise' another ({COMPANIES})" in said
    assert "the workshops' codes alone ('pithiviers', 'exemple_nord')" in said
    assert not list(desk.glob("*.csv"))


def test_card_codes_of_one_questionnaire_export_their_workshops(desk: Path) -> None:
    result = invoke(
        *("export", "--stage", "pithiviers__territoire", "--stage", "exemple_nord__territoire"),
        env=BOTH,
    )

    assert result.exit_code == 0, result.stderr
    assert sorted(row["stage_code"] for row in rows(result.stdout)) == [
        "exemple_nord",
        "pithiviers",
        "pithiviers",
    ]


def test_with_one_questionnaire_a_card_code_exports_the_whole_workshop(desk: Path) -> None:
    result = invoke("export", "--stage", "pithiviers__entreprise", "-o", "r.csv")

    assert result.exit_code == 0, result.stderr
    written = rows((desk / "r.csv").read_text(encoding="utf-8"))
    assert [(row["flow_id"], row["stage_code"]) for row in written] == [(COMPANIES, "pithiviers")]


def test_with_one_questionnaire_a_card_code_of_another_is_refused(desk: Path) -> None:
    result = invoke("export", "--stage", "pithiviers__territoire", "-o", "r.csv")

    assert result.exit_code == 2
    assert "names the questionnaire 'territoire', which this setup does not load" in " ".join(
        result.stderr.split()
    )
    assert not (desk / "r.csv").exists()


def test_load_responses_reads_a_card_code_of_its_questionnaire(desk: Path) -> None:
    actors = load_responses(
        "tour.sqlite3", bundled_path("acteurs.yaml"), stage="pithiviers__territoire"
    )

    assert list(actors["stage_code"]) == ["pithiviers", "pithiviers"]


def test_load_responses_refuses_a_card_code_of_another_questionnaire(desk: Path) -> None:
    with pytest.raises(OtherAudience) as raised:
        load_responses(
            "tour.sqlite3", bundled_path("questionnaire.yaml"), stage="pithiviers__territoire"
        )

    assert str(raised.value) == (
        "stage 'pithiviers__territoire' is the code of a link for the questionnaire "
        f"'territoire', and flow '{COMPANIES}' is the questionnaire 'entreprise': load the "
        "responses of the flow of 'territoire', or give the workshop's code alone ('pithiviers')"
    )
    assert isinstance(raised.value, ValueError)

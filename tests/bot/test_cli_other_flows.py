"""An analyst's laptop holds only the database: what `export` and `stats` say about the rest.

The tour's database holds both bundled questionnaires (the companies' and the
territorial actors'), but an analyst who runs `surveybot export` without
`SURVEYBOT_FLOWS=bundled` gets the default flow only: the other responses must
not go missing without a word. Through the real command line, from a database
filled by the terminal chat as a respondent would fill it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path, load_flow
from tests.support.scripts import script_for

ACTORS = "tour_innov_2019_acteurs"
COMPANIES = "tour_innovation_2019"
HELD = load_flow(bundled_path("questionnaire.yaml")).version
"""The companies' version the desk's responses were given on (the bundled one's)."""
BOTH = {"SURVEYBOT_FLOWS": "bundled"}


def invoke(*args: str | Path, env: dict[str, str] | None = None, input: str = "") -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env, input=input)


def _answer(db: Path, flow_file: str, audience: str, who: str, limit: int | None = None) -> None:
    """One respondent answers (the whole flow, or its first `limit` steps) in the terminal."""
    lines, _ = script_for(load_flow(bundled_path(flow_file)), "fr", limit)
    result = invoke(
        "chat",
        "--db",
        db,
        "--stage",
        f"pithiviers__{audience}",
        "--respondent",
        who,
        "--lang",
        "fr",
        env=BOTH,
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database: one company completed; two actors completed and one still answering."""
    db = tmp_path_factory.mktemp("tour") / "tour.sqlite3"
    saved = {
        name: os.environ.pop(name) for name in list(os.environ) if name.startswith("SURVEYBOT_")
    }
    try:
        _answer(db, "questionnaire.yaml", "entreprise", "company-1")
        _answer(db, "acteurs.yaml", "territoire", "actor-1")
        _answer(db, "acteurs.yaml", "territoire", "actor-2")
        _answer(db, "acteurs.yaml", "territoire", "actor-3", limit=3)
    finally:
        os.environ.update(saved)
    return db


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filled: Path) -> Iterator[Path]:
    """An analyst's folder: a copy of the tour's database, no SURVEYBOT_* variable but its path."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    shutil.copy(filled, tmp_path / "tour.sqlite3")
    monkeypatch.setenv("SURVEYBOT_DB", "tour.sqlite3")
    yield tmp_path


def other_questionnaires(stderr: str) -> list[str]:
    """The notes about responses to questionnaires not exported (the desk's responses were
    given in the terminal chat, which another note points out)."""
    return [line for line in stderr.splitlines() if line.startswith("note: the database also")]


# --- 1. responses to a questionnaire not configured ---------------------------------


def test_export_says_which_other_questionnaire_holds_responses_and_how_to_include_them(
    desk: Path,
) -> None:
    result = invoke("export", "-o", "r.csv")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("exported 1 response (1 completed)")
    assert other_questionnaires(result.stderr) == [
        f"note: the database also holds 3 responses to questionnaire '{ACTORS}' "
        "(1er tour de France de l’innovation dans les territoires d’industrie\u00a0: "
        "acteurs du territoire), 2 of them matching this export's --status completed; "
        "they are not in this export: add --flows bundled (each questionnaire to its own file)"
    ]


def test_export_with_all_statuses_counts_them_all(desk: Path) -> None:
    result = invoke("export", "--status", "all", "-o", "r.csv")

    assert result.exit_code == 0, result.stderr
    assert f"3 responses to questionnaire '{ACTORS}'" in result.stderr
    assert "of them matching" not in result.stderr


def test_export_filtered_to_another_stage_says_none_of_them_match(desk: Path) -> None:
    result = invoke("export", "--stage", "exemple_nord", "-o", "r.csv")

    assert result.exit_code == 0, result.stderr
    assert f"3 responses to questionnaire '{ACTORS}'" in result.stderr
    assert "none of them matching this export's --status completed, --stage" in result.stderr


def test_export_of_both_questionnaires_has_nothing_to_add(desk: Path) -> None:
    result = invoke("export", "-o", "r.csv", env=BOTH)

    assert result.exit_code == 0, result.stderr
    assert other_questionnaires(result.stderr) == []
    assert (desk / "r-entreprise.csv").is_file() and (desk / "r-territoire.csv").is_file()


def test_a_flow_picked_on_purpose_is_not_nagged_about(desk: Path) -> None:
    picked = invoke("export", "--flow", bundled_path("questionnaire.yaml"), "-o", "r.csv")
    assert picked.exit_code == 0, picked.stderr
    assert other_questionnaires(picked.stderr) == []

    picked = invoke("export", "--flow", "entreprise", "-o", "one.csv", env=BOTH)
    assert picked.exit_code == 0, picked.stderr
    assert other_questionnaires(picked.stderr) == []


def test_a_questionnaire_surveybot_does_not_bundle_is_named_with_its_file_to_give(
    desk: Path,
) -> None:
    ours = _renamed(desk)
    lines, _ = script_for(load_flow(ours), "fr", 2)
    chatted = invoke("chat", "--flow", ours, "--stage", "pithiviers", input="\n".join(lines))
    assert chatted.exit_code == 0, chatted.stderr

    result = invoke("export", "--status", "all", "-o", "r.csv")

    assert result.exit_code == 0, result.stderr
    notes = sorted(other_questionnaires(result.stderr))
    notes.reverse()  # by flow id: tour_... then ours
    assert len(notes) == 2
    assert f"3 responses to questionnaire '{ACTORS}'" in notes[0]
    assert notes[0].endswith("add --flows bundled (each questionnaire to its own file)")
    assert notes[1].startswith("note: the database also holds 1 response to questionnaire 'ours'")
    # Not "add its flow file to --flows": several flows need an audience each, which
    # a questionnaire of one's own may not have (tests/bot/test_other_flow_advice.py).
    assert notes[1].endswith(
        "to report on it, run this from the folder of your .env, or give its flow and "
        "stages files: --flow FILE --stages FILE"
    )


def test_stats_says_the_stage_table_counts_them_and_the_drop_off_does_not(desk: Path) -> None:
    result = invoke("stats")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"note: the database also holds 3 responses to questionnaire '{ACTORS}' "
        "(1er tour de France de l’innovation dans les territoires d’industrie\u00a0: "
        "acteurs du territoire), any status; the stage table counts them, the drop-off "
        "does not: add --flows bundled (each questionnaire its own tables)"
    ]
    assert "note" not in invoke("stats", env=BOTH).stderr
    assert "note" not in invoke("stats", "--flow", "territoire", env=BOTH).stderr


# --- 2. a flow version the database does not have ----------------------------------


def test_an_unknown_flow_version_is_refused_naming_those_held(desk: Path) -> None:
    result = invoke("export", "--flow-version", "9", "-o", "r9.csv")

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: unknown --flow-version 9: the database holds version {HELD} of flow "
        f"'{COMPANIES}' ({HELD}: the current one)\n"
    )
    assert not (desk / "r9.csv").exists()
    assert invoke("export", "--flow-version", str(HELD), "-o", "r5.csv").exit_code == 0


def test_a_version_one_questionnaire_has_not_is_named_in_its_empty_export_hint(
    desk: Path,
) -> None:
    result = invoke("export", "--flow-version", str(HELD), "-o", "v5.csv", env=BOTH)

    assert result.exit_code == 0, result.stderr
    assert (
        "no response of flow 'tour_innov_2019_acteurs' matches --status completed (the default: "
        f"finished responses only; --status all for every one), --flow-version {HELD}: only "
        "the header row was written; check these filters"
    ) in result.stderr


# --- 3. --flow FILE with several flows configured ------------------------------------


def test_a_flow_file_with_several_configured_picks_that_one(desk: Path) -> None:
    result = invoke("export", "--flow", bundled_path("acteurs.yaml"), "-o", "a.csv", env=BOTH)

    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("exported 2 responses (2 completed)")
    assert (desk / "a.csv").is_file() and not (desk / "a-territoire.csv").exists()


def test_a_flow_file_not_configured_is_refused_naming_what_was_given(desk: Path) -> None:
    other = _renamed(desk)
    result = invoke("stats", "--flow", other, env=BOTH)

    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: --flow {other} is not one of the flows SURVEYBOT_FLOWS configures ("
    )
    assert "SURVEYBOT_FLOW and" not in result.stderr


def test_the_flow_setting_and_the_flows_flag_are_named_as_given(desk: Path) -> None:
    env = {"SURVEYBOT_FLOW": str(bundled_path("acteurs.yaml"))}
    result = invoke("chat", "--flows", "bundled", env=env)

    assert result.exit_code == 2
    assert result.stderr.startswith("error: SURVEYBOT_FLOW and --flows are both set")


# --- 4. an output name that is the database, with two questionnaires ----------------


@pytest.mark.parametrize("name", ["tour.sqlite3", "tour.sqlite3-wal", "./tour.sqlite3-shm"])
def test_the_database_is_refused_as_output_before_the_names_per_flow(desk: Path, name: str) -> None:
    before = sorted(path.name for path in desk.iterdir())

    for option in ("-o", "--codebook", "--xlsx"):
        args = ["-o", "r.csv"] if option != "-o" else []
        result = invoke("export", *args, option, desk / name, env=BOTH)
        assert result.exit_code == 1, (option, result.stderr)
        assert "writing there would destroy the responses" in result.stderr
    plot = invoke("stats", "--plot", desk / name, env=BOTH)
    assert plot.exit_code == 1 and "would destroy the responses" in plot.stderr
    assert sorted(path.name for path in desk.iterdir()) == before


# --- 5. an empty file given as the database -----------------------------------------


def test_an_empty_file_is_said_to_be_no_surveybot_database(desk: Path) -> None:
    (desk / "empty.sqlite3").touch()

    for command in (["export", "-o", "e.csv"], ["stats"]):
        result = invoke(*command, "--db", "empty.sqlite3")
        assert result.exit_code == 1
        assert result.stderr == (
            "error: cannot read database empty.sqlite3: the file is empty (0 bytes), not a "
            "surveybot database; check the path (SURVEYBOT_DB or --db)\n"
        )
        assert "migrate" not in result.stderr
    assert (desk / "empty.sqlite3").stat().st_size == 0


def _renamed(folder: Path) -> Path:
    """The companies' questionnaire under another file name: a flow file of one's own."""
    copy = folder / "ours.yaml"
    text = bundled_path("questionnaire.yaml").read_text("utf-8")
    copy.write_text(text.replace("id: tour_innovation_2019", "id: ours", 1), "utf-8")
    return copy

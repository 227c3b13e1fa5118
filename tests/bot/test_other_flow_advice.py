"""The note about responses to a questionnaire not reported on gives advice that works.

An organiser with one questionnaire of their own (no `audience:`, which only
several flows need) runs `surveybot stats` away from the folder of their `.env`:
the note said to add its file to --flows, which, followed word for word, was
refused ("has no 'audience:'"). Each test follows the advice as written.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path, load_flow
from tests.support.scripts import script_for

STAGES = "stages:\n  - code: lyon\n    city: Lyon\n  - code: brest\n    city: Brest\n"


def invoke(*args: str | Path, input: str = "") -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], input=input)


def _own_questionnaire(folder: Path) -> Path:
    """The companies' questionnaire as an organisation's own: another id, no audience."""
    text = bundled_path("questionnaire.yaml").read_text("utf-8")
    text = text.replace("id: tour_innovation_2019", "id: fablabs_2025", 1)
    text = re.sub(r"^audience:\n(?:[ \t].*\n|\n)*", "", text, count=1, flags=re.MULTILINE)
    path = folder / "fablabs.yaml"
    path.write_text(text, "utf-8")
    assert load_flow(path).audience is None
    return path


def _answered(flow: Path, stage: str, *args: str) -> None:
    lines, _ = script_for(load_flow(flow), "fr")
    result = invoke("chat", "--stage", stage, "--lang", "fr", *args, input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def organiser(work: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The organiser's folder: their questionnaire, stages, .env and one response."""
    folder = work / "tour"
    folder.mkdir()
    _own_questionnaire(folder)
    (folder / "etapes.yaml").write_text(STAGES, encoding="utf-8")
    (folder / ".env").write_text(
        "SURVEYBOT_FLOW=fablabs.yaml\nSURVEYBOT_STAGES=etapes.yaml\nSURVEYBOT_DB=fab.sqlite3\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(folder)
    _answered(folder / "fablabs.yaml", "lyon")
    return folder


def _advice(stderr: str) -> list[str]:
    """The arguments the note says to give: after "give", and after a colon if one follows."""
    notes = [line for line in stderr.splitlines() if line.startswith("note: the database also")]
    assert len(notes) == 1, stderr
    given = notes[0].rsplit("give ", 1)[1]
    return shlex.split(given.split(": ", 1)[-1])


def test_away_from_the_env_file_the_advice_to_see_ones_questionnaire_works(
    organiser: Path, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(work)  # the folder above: no .env here
    db = organiser / "fab.sqlite3"
    result = invoke("stats", "--db", db)
    assert result.exit_code == 0, result.stderr
    assert "questionnaire 'fablabs_2025'" in result.stderr
    assert "run this from the folder of your .env, or give" in result.stderr
    assert "--flows" not in result.stderr

    files = {"--flow": organiser / "fablabs.yaml", "--stages": organiser / "etapes.yaml"}
    advice = _advice(result.stderr)
    given = [str(files[advice[i - 1]]) if word == "FILE" else word for i, word in enumerate(advice)]
    followed = invoke("stats", "--db", db, *given)

    assert followed.exit_code == 0, followed.stderr
    assert "note: the database also" not in followed.stderr
    assert re.search(r"^lyon +Lyon +1 ", followed.stdout, re.MULTILINE), followed.stdout


def test_in_the_env_files_folder_the_advice_to_see_a_bundled_questionnaire_works(
    organiser: Path,
) -> None:
    # A try of the bundled questionnaire, before the organiser's own was set up.
    _answered(
        bundled_path("questionnaire.yaml"),
        "pithiviers",
        "--flow",
        str(bundled_path("questionnaire.yaml")),
        "--stages",
        str(bundled_path("stages.yaml")),
    )
    result = invoke("stats")
    assert result.exit_code == 0, result.stderr
    advice = _advice(result.stderr)
    assert advice == ["--flow", str(bundled_path("questionnaire.yaml"))]

    followed = invoke("stats", *advice)

    assert followed.exit_code == 0, followed.stderr
    assert "Drop-off, flow tour_innovation_2019: 1 started" in followed.stdout


def test_a_bundled_questionnaire_named_by_its_audience_says_how_to_reach_it(work: Path) -> None:
    """`--flow territoire`, as the analysts' guide writes it, with the default setup."""
    actors = bundled_path("acteurs.yaml")
    _answered(actors, "pithiviers", "--flow", str(actors))
    refused = invoke("export", "--flow", "territoire")
    assert refused.exit_code == 1
    assert refused.stderr.strip().endswith(
        "('territoire' is a bundled questionnaire: add --flows bundled)"
    )
    assert "bundled" not in invoke("export", "--flow", "nothing").stderr

    followed = invoke("export", "--flows", "bundled", "--flow", "territoire")
    assert followed.exit_code == 0, followed.stderr
    assert "exported 1 response (1 completed)" in followed.stderr


def test_a_questionnaire_titled_in_plain_words_is_named_in_the_note(work: Path) -> None:
    """A one-language file may give its title as one text, not one per language: the note
    names it by that title (it once failed with a traceback instead of any note)."""
    flow = work / "fablabs.yaml"
    flow.write_text(
        "id: fablabs_2025\nversion: 1\ntitle: Portes ouvertes des fablabs\nlanguages: [fr]\n"
        "sections:\n  - id: s\n    title: Vous\n    steps:\n"
        '      - {id: name, type: text, text: "Votre prénom ?"}\n',
        encoding="utf-8",
    )
    (work / "etapes.yaml").write_text(STAGES, encoding="utf-8")
    _answered(flow, "lyon", "--flow", str(flow), "--stages", str(work / "etapes.yaml"))

    for command in ("stats", "export"):
        result = invoke(command, "--status", "all") if command == "export" else invoke(command)
        assert result.exit_code == 0, result.stderr
        assert "questionnaire 'fablabs_2025' (Portes ouvertes des fablabs)" in result.stderr

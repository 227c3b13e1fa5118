"""`validate` warns of two stages that read the same to respondents.

An organiser renamed `vitre` to `vitre-bzh` and kept the old entry so that the cards
already printed keep working: the lists of workshops then said "Vitré (4 juillet
2019)" twice, and the answers split between two codes with nothing telling them
apart. The file runs (keeping an old code is legitimate): a warning at the second
stage's line, saying how to tell them apart or what to do with an old code.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from conversation.views import picker_labels, stage_picker
from flows import bundled_path, load_flow, load_stages
from flows.stages import twin_stages

ACTORS = load_flow(bundled_path("acteurs.yaml"))
COMPANIES = load_flow(bundled_path("questionnaire.yaml"))

# `validate` says it once flows/loader.py's `_examined_stages` adds `twin_stages` as warnings
# (helper-218's /tmp/helper-218/loader.patch, not applied by it): then remove this marker.

RENAMED = """\
stages:
  - code: vitre
    city: Vitré
    date: 2019-07-04
  - code: vitre-bzh
    city: Vitré
    date: 2019-07-04
  - code: cluses
    city: Cluses
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No SURVEYBOT_* variable nor .env: the configured flows are the bundled ones."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "stages.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def validate(*paths: Path) -> tuple[int, list[str], str]:
    """`surveybot validate`: its exit code, its warnings' lines, its last line on stderr."""
    result = CliRunner().invoke(main, ["validate", *map(str, paths)])
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()[-1]


def test_an_old_code_kept_beside_its_new_one_is_warned_at_the_second(tmp_path: Path) -> None:
    path = written(tmp_path, RENAMED)
    # What respondents read: the same button twice (the list of a link to no known stage).
    stages = load_stages(path)
    assert picker_labels("fr", stages, None)[:2] == ["Vitré (4\u00a0juillet\u00a02019)"] * 2
    code, out, last = validate(path)
    assert code == 0
    assert last == f"{path}: ok, 1 warning"
    assert len(out) == 1
    assert out[0].startswith(
        f"{path}:5: warning: stage 'vitre-bzh': reads the same as stage 'vitre' (line 2) in "
        "the lists respondents pick their workshop from: 'Vitré (4 juillet 2019)' twice"
    )
    # How to tell them apart, and what to do with an old code (documented there).
    assert "another date or another 'city' text" in out[0]
    assert "old code kept for cards already printed, remove it" in out[0]
    assert '"Rename a stage"' in out[0]
    docs = (Path(__file__).parents[2] / "docs" / "organisers.md").read_text(encoding="utf-8")
    assert "### Rename a stage" in docs


@pytest.mark.parametrize(
    ("second", "warned"),
    [
        # Both without a date; case and spaces aside.
        pytest.param("  - code: b\n    city: vitré \n", True),
        ("  - code: b\n    city: Vitré\n    date: 2019-07-05\n", False),  # told by the date
        ("  - code: b\n    city: Vitré-Rennes\n", False),  # told by the city
        ("  - code: b\n    city: Vitré\n    example: true\n", False),  # "Vitré (exemple)"
        # A region is not shown in the lists.
        pytest.param("  - code: b\n    city: Vitré\n    region: Bretagne\n", True),
    ],
)
def test_what_tells_two_stages_apart(tmp_path: Path, second: str, warned: bool) -> None:
    path = written(tmp_path, "stages:\n  - code: a\n    city: Vitré\n" + second)
    code, out, _ = validate(path)
    assert code == 0
    assert any("reads the same as stage 'a'" in line for line in out) is warned, out


def test_stages_of_two_questionnaires_read_apart_one_of_none_does_not(tmp_path: Path) -> None:
    """Tied to two flows: never in one list without their audience. One tied and one not:
    both in the list of a link naming the tied one's audience, alike."""
    flows = (bundled_path("questionnaire.yaml"), bundled_path("acteurs.yaml"))
    apart = (
        "stages:\n"
        f"  - code: a\n    city: Vitré\n    flow: {COMPANIES.id}\n"
        f"  - code: b\n    city: Vitré\n    flow: {ACTORS.id}\n"
    )
    code, out, last = validate(*flows, written(tmp_path, apart))
    assert code == 0 and last.endswith("stages.yaml: ok"), out
    alike = apart.replace(f"    flow: {COMPANIES.id}\n", "")
    path = written(tmp_path, alike)
    shown = stage_picker("fr", load_stages(path), "territoire", ACTORS)
    assert [choice.label for choice in shown.choices[:2]] == ["Vitré", "Vitré"]
    code, out, last = validate(*flows, path)
    assert code == 0 and last == f"{path}: ok, 1 warning"
    # After the flows' own lines (their notices, still the template's): the stages file's.
    assert out[-1].startswith(f"{path}:4: warning: stage 'b': reads the same as stage 'a'")


def test_the_check_itself_finds_the_twin_at_the_second_stage() -> None:
    """What `validate` says, before its wiring: the second stage, the first's line."""
    data = {
        "stages": [
            {"code": "vitre", "city": "Vitré", "date": dt.date(2019, 7, 4)},
            {"code": "cluses", "city": "Cluses"},
            {"code": "vitre-bzh", "city": "Vitré", "date": "2019-07-04", "flow": ACTORS.id},
            {"code": "cluses-2", "city": "Cluses", "flow": ACTORS.id},
            {"code": "cluses-3", "city": "Cluses", "flow": COMPANIES.id},  # the untied one's
        ]
    }
    found = twin_stages(data, lambda index: 10 + index)
    assert [(loc, message.split(" in the lists")[0]) for loc, message in found] == [
        (("stages", 2), "reads the same as stage 'vitre' (line 10)"),
        (("stages", 3), "reads the same as stage 'cluses' (line 11)"),
        (("stages", 4), "reads the same as stage 'cluses' (line 11)"),
    ]
    assert "'Vitré (4 juillet 2019)' twice" in found[0][1]
    assert "'Cluses' twice" in found[1][1]


def test_a_stage_with_its_own_problems_is_left_to_them() -> None:
    data = {
        "stages": [
            {"code": "a", "city": "Vitré", "date": dt.date(2019, 7, 4)},
            {"code": "a b", "city": "Vitré", "date": dt.date(2019, 7, 4)},
            "not a stage",
        ]
    }
    assert twin_stages(data) == []
    assert twin_stages({"stages": "none"}) == twin_stages(None) == []
    # A code given twice is refused as such, not also warned of.
    twice = [{"code": "vitre", "city": "Vitré"}, {"code": "VITRE", "city": "Vitré"}]
    assert twin_stages({"stages": twice}) == []

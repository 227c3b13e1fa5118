"""Stages files: dates, flow ids and codes are checked, each problem on its line.

Each case is a one-stage file whose line 4 holds the value under test; the
report must be exactly the one an organiser will read from `surveybot validate`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows import FlowFileError, StageDef, bundled_path, load_stages, validate_file

TEMPLATE = """\
stages:
  - code: {code}
    city: Pithiviers
    {key}: {value}
"""


def stages_file(folder: Path, *, key: str = "date", value: str, code: str = "pith") -> Path:
    path = folder / "stages.yaml"
    path.write_text(TEMPLATE.format(key=key, value=value, code=code), encoding="utf-8")
    return path


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # reports then name the file as typed
    return tmp_path


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2019-06-05", dt.date(2019, 6, 5)),
        ('"2019-06-05"', dt.date(2019, 6, 5)),
        ("2000-01-01", dt.date(2000, 1, 1)),
        ("2100-12-31", dt.date(2100, 12, 31)),
        ("2020-02-29", dt.date(2020, 2, 29)),
        ("~", None),
    ],
)
def test_good_dates_load(here: Path, value: str, day: dt.date | None) -> None:
    (stage,) = load_stages(stages_file(here, value=value))
    assert stage.date == day


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"2019-02-30"', "date '2019-02-30' is not a real date (day is out of range for month)"),
        ('"2019-13-01"', "date '2019-13-01' is not a real date (month must be in 1..12)"),
        ("1999-12-31", "date 1999-12-31 is not between 2000 and 2100; check the year"),
        ("2101-01-01", "date 2101-01-01 is not between 2000 and 2100; check the year"),
        ("0019-06-05", "date 0019-06-05 is not between 2000 and 2100; check the year"),
        # A number would otherwise be read as seconds since 1970.
        ("20190605", "date 20190605 is not a date; write it YYYY-MM-DD, like 2019-06-05"),
        ("05/06/2019", "date '05/06/2019' must be written YYYY-MM-DD, like 2019-06-05"),
        ("2019-6-5", "date '2019-6-5' must be written YYYY-MM-DD, like 2019-06-05"),
        ("5 juin 2019", "date '5 juin 2019' must be written YYYY-MM-DD, like 2019-06-05"),
        (
            "2019-06-05 10:00:00",
            "date '2019-06-05 10:00:00' has a time of day; write the day only, "
            "YYYY-MM-DD, like 2019-06-05",
        ),
    ],
)
def test_bad_dates_are_reported_on_their_line(here: Path, value: str, message: str) -> None:
    stages_file(here, value=value)
    expected = [f"stages.yaml:4: stage 'pith': {message}"]
    assert [str(p) for p in validate_file("stages.yaml")] == expected
    with pytest.raises(FlowFileError) as caught:
        load_stages("stages.yaml")
    assert [str(p) for p in caught.value.problems] == expected


def test_an_unquoted_impossible_date_is_reported_too(here: Path) -> None:
    stages_file(here, value="2019-02-30")
    assert [str(p) for p in validate_file("stages.yaml")] == [
        "stages.yaml:4: stage 'pith': date '2019-02-30' is not a real date "
        "(day is out of range for month)"
    ]


@pytest.mark.parametrize("flow", ["tour_innovation_2019", "t", "a_1"])
def test_a_stage_flow_is_a_flow_id(here: Path, flow: str) -> None:
    (stage,) = load_stages(stages_file(here, key="flow", value=flow))
    assert stage.flow == flow


@pytest.mark.parametrize(
    ("flow", "message"),
    [
        (
            "Tour-2019",
            "flow 'Tour-2019' must be a flow id, as in the 'id:' at the top of a flow file: "
            "lowercase ASCII letters, digits and '_', starting with a letter",
        ),
        (
            "2019_tour",
            "flow '2019_tour' must be a flow id, as in the 'id:' at the top of a flow file: "
            "lowercase ASCII letters, digits and '_', starting with a letter",
        ),
        (
            "a" * 25,
            f"flow '{'a' * 25}' is 25 bytes, more than the 24 that fit in Telegram button "
            "data; shorten it",
        ),
    ],
)
def test_a_bad_stage_flow_is_reported(here: Path, flow: str, message: str) -> None:
    stages_file(here, key="flow", value=flow)
    assert [str(p) for p in validate_file("stages.yaml")] == [
        f"stages.yaml:4: stage 'pith': {message}"
    ]


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("saint malo", "a space is not allowed"),
        ("évreux", "'é' is not allowed"),
        ("a" * 65, "it is 65 characters long"),
        ("pith/2", "'/' is not allowed"),
        ("'#1'", "'#' is not allowed"),
        (
            "Saint-Étienne du Rouvray" + "x" * 50,
            "'É' and a space are not allowed; it is 74 characters long",
        ),
    ],
)
def test_a_code_must_be_a_start_payload_and_what_breaks_it_is_said(
    here: Path, code: str, why: str
) -> None:
    stages_file(here, key="region", value="Centre", code=code)
    (problem,) = validate_file("stages.yaml")
    assert problem.line == 2
    assert problem.message.endswith(
        "must be letters, digits, '_' and '-' only (no spaces, no accents), at most 64 "
        f"characters: {why}"
    )


def test_every_problem_of_a_file_at_once(here: Path) -> None:
    (here / "stages.yaml").write_text(
        "stages:\n"
        "  - code: a\n"
        "    city: A\n"
        "    date: 1970-01-01\n"
        "    flow: Bad\n"
        "  - code: A\n"
        "    city: B\n"
        '    date: "2019-04-31"\n',
        encoding="utf-8",
    )
    assert [str(p) for p in validate_file("stages.yaml")] == [
        "stages.yaml:4: stage 'a': date 1970-01-01 is not between 2000 and 2100; check the year",
        "stages.yaml:5: stage 'a': flow 'Bad' must be a flow id, as in the 'id:' at the top of "
        "a flow file: lowercase ASCII letters, digits and '_', starting with a letter",
        "stages.yaml:6: stage 'A': code differs only by case from 'a' (line 2): links read "
        "codes whatever their case, so give each stage its own",
        "stages.yaml:8: stage 'A': date '2019-04-31' is not a real date "
        "(day is out of range for month)",
    ]


def test_stage_dates_are_checked_in_code_too() -> None:
    assert StageDef(code="x", city="X", date=dt.date(2019, 6, 5)).date == dt.date(2019, 6, 5)
    with pytest.raises(ValueError, match="not between 2000 and 2100"):
        StageDef(code="x", city="X", date=dt.date(1919, 6, 5))


def test_bundled_stages_still_pass() -> None:
    assert validate_file(bundled_path("stages.yaml")) == []
    stages = load_stages(bundled_path("stages.yaml"))
    assert stages[0].code == "pithiviers" and stages[0].date == dt.date(2019, 6, 5)
    assert all(stage.date is not None for stage in stages)

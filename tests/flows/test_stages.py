"""Finding a stage from what a respondent brings, and writing its date for people."""

from __future__ import annotations

import datetime as dt

import pytest

from flows import StageDef, find_stage, format_day, stage_ref

PITHIVIERS = StageDef(code="pithiviers", city="Pithiviers", date=dt.date(2019, 6, 5))
LONG = StageDef(code="atelier-" + "x" * 50, city="Longueville")
STAGES = [PITHIVIERS, LONG]


@pytest.mark.parametrize("key", ["pithiviers", "Pithiviers", "PITHIVIERS"])
def test_a_code_is_found_whatever_its_case(key: str) -> None:
    assert find_stage(STAGES, key) is PITHIVIERS


@pytest.mark.parametrize("key", [None, "", "atlantis", "pith iviers", "x" * 65, "#00", "é"])
def test_nothing_is_found_for_an_unknown_or_malformed_key(key: str | None) -> None:
    assert find_stage(STAGES, key) is None


def test_a_long_code_travels_as_a_short_reference_that_finds_it_again() -> None:
    ref = stage_ref(LONG)

    assert ref.startswith("#") and len(ref.encode()) <= 40
    assert find_stage(STAGES, ref) is LONG
    assert stage_ref(PITHIVIERS) == "pithiviers"


@pytest.mark.parametrize(
    ("day", "lang", "written"),
    [
        (dt.date(2019, 6, 5), "fr", "5\u00a0juin\u00a02019"),
        (dt.date(2019, 6, 1), "fr", "1er\u00a0juin\u00a02019"),
        (dt.date(2019, 6, 1), "en", "1\u00a0June\u00a02019"),
        (dt.date(2019, 8, 15), "en", "15\u00a0August\u00a02019"),
        (None, "fr", ""),
    ],
)
def test_a_day_is_written_as_people_write_it(day: dt.date | None, lang: str, written: str) -> None:
    assert format_day(day, lang) == written

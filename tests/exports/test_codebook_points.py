"""The codebook says when the versions held asked a scale or a number on other points.

Version 1 is the mini flow: `importance` a scale from 1 (Faible) to 5 (Forte), `staff` a
number of salariés from 1 to 10000. Version 2 (made here) keeps both ids but asks
`importance` from 0 to 10, its top now "Très forte", and `staff` in ETP up to 500. Both
versions are kept in a real SQLite file, as the bot keeps each version it runs, and
answered through the engine; the export uses the version-2 file. The one `importance`
column then holds a 5 that was the top of its scale beside a 10 that is the top of its
own: the note says which scale each version asked, as it says a change of kind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conversation import keep_flow_versions
from exports import ExportOptions, Layout, export_csv, load_codebook
from flows import Flow, load_flow
from tests.conftest import MINI
from tests.exports.conftest import Survey, by_key, read_csv
from tests.exports.test_codebook_versions import notes

IMPORTANCE = (
    "        min_label: {fr: Faible, en: Low}\n        max_label: {fr: Forte, en: High}\n",
    "        min: 0\n        max: 10\n"
    "        min_label: {fr: Faible, en: Low}\n        max_label: {fr: Très forte, en: Very high}\n",
)
STAFF = (
    "        max: 10000\n        unit: {fr: salariés, en: employees}\n",
    "        max: 500\n        unit: {fr: ETP, en: FTE}\n",
)
SCALE_FR = (
    "On flow version 1 this scale went from 1 to 5 (Forte); on version 2 from 0 to 10 "
    "(Très forte): each row's flow_version says which applies."
)
SCALE_EN = (
    "On flow version 1 this scale went from 1 to 5 (High); on version 2 from 0 to 10 (Very high)"
)
NUMBER_FR = (
    "On flow version 1 this number went from 1 to 10000 salariés; on version 2 from 1 to 500 ETP"
)


@pytest.fixture
def v2(tmp_path: Path) -> Flow:
    text = MINI.read_text(encoding="utf-8")
    for old, new in (("version: 1\n", "version: 2\n"), IMPORTANCE, STAFF):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "mini_v2_rescaled.yaml"
    path.write_text(text, encoding="utf-8")
    return load_flow(path)


@pytest.fixture
async def answered(survey: Survey, mini: Flow, v2: Flow) -> tuple[str, str]:
    """Keys of a version-1 response (importance 5 of 5) and a version-2 one (10 of 10)."""
    common = {"company": "Acme", "sector": "services", "exports": "no"}
    common |= {"obstacles": ["cost", "time"], "ideas": "Rien", "email": "ana@example.org"}
    await keep_flow_versions(survey.store, [mini], now=survey.clock.tick())
    old = await survey.respond(mini, common | {"staff": 12, "importance": 5})
    await keep_flow_versions(survey.store, [v2], now=survey.clock.tick())
    new = await survey.respond(v2, common | {"staff": 12, "importance": 10})
    return old.key, new.key


def test_the_codebook_says_the_scale_and_the_bounds_of_each_version(
    answered: tuple[str, str], db_path: Path, v2: Flow
) -> None:
    old, new = answered
    exported = export_csv(db_path, v2, ExportOptions(), codebook=True)
    rows = by_key(read_csv(exported.data))
    # What an analyst finds: the top of each scale, as two different numbers.
    assert (rows[old]["importance"], rows[new]["importance"]) == ("5", "10")

    book = notes(exported.codebook)
    assert SCALE_FR in book["importance"]
    assert NUMBER_FR in book["staff"]
    # A change of points is not one of kind; what did not change says nothing.
    assert "this question was" not in book["importance"] + book["staff"]
    assert "this number" not in book["share"]

    english = export_csv(db_path, v2, ExportOptions(lang="en"), codebook=True)
    assert SCALE_EN in notes(english.codebook)["importance"]
    assert "employees; on version 2 from 1 to 500 FTE" in notes(english.codebook)["staff"]


def test_the_long_codebook_says_it_too(answered: tuple[str, str], db_path: Path, v2: Flow) -> None:
    long = export_csv(db_path, v2, ExportOptions(layout=Layout.LONG), codebook=True)
    book = notes(long.codebook, long=True)
    assert SCALE_FR in book["importance"]
    assert NUMBER_FR in book["staff"]


async def test_one_version_held_says_nothing_of_points(
    survey: Survey, db_path: Path, v2: Flow
) -> None:
    await keep_flow_versions(survey.store, [v2], now=survey.clock.tick())
    book = load_codebook(v2, db_path).set_index("column")["note"]
    assert "this scale" not in book["importance"]
    assert "this number" not in book["staff"]

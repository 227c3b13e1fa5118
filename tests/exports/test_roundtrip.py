"""Known answers -> export -> read back with pandas: exactly those values, for every step kind.

The database is filled through the engine and the Store (see conftest.py), in
both layouts, with codes and with labels, through the command line and the
Python API.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
import pytest

from exports import ExportOptions, export_csv, load_responses, run_export
from flows import Flow
from storage import Response
from tests.conftest import MINI
from tests.exports.conftest import (
    HYPERLINK,
    Filled,
    by_key,
    invoke,
    iso,
    read_csv,
)

META = [
    "response_key",
    "stage_code",
    "stage_city",
    "stage_region",
    "stage_territory",
    "stage_date",
    "channel",
    "flow_id",
    "flow_version",
    "language",
    "status",
    "started_at",
    "completed_at",
    "duration_seconds",
]
QUESTIONS = [
    "company",
    "staff",
    "sector",
    "sector_other",
    "exports",
    "markets__eu",
    "markets__asia",
    "markets__americas",
    "markets__none",
    "markets__other",
    "markets_other",
    "share",
    "importance",
    "obstacles__cost",
    "obstacles__time",
    "obstacles__skills",
    "ideas",
    "email",
]
EMPTY = dict.fromkeys(QUESTIONS, "")


def meta(response: Response, city: str, channel: str = "telegram") -> dict[str, str]:
    completed = response.completed_at
    duration = (
        "" if completed is None else str(round((completed - response.started_at).total_seconds()))
    )
    return {
        "response_key": response.key,
        "stage_code": response.stage_code or "",
        "stage_city": city,
        "stage_region": "",  # the test stages have none: tests/exports/test_stage_region.py
        "stage_territory": "",  # nor territory, nor date: test_stage_territory_date.py
        "stage_date": "",
        "channel": channel,
        "flow_id": "mini",
        "flow_version": "1",
        "language": response.language,
        "status": response.status.value,
        "started_at": iso(response.started_at),
        "completed_at": iso(completed),
        "duration_seconds": duration,
    }


def expected_wide(f: Filled) -> dict[str, dict[str, str]]:
    """Every cell of the default wide export, as text."""
    return {
        f.acme.key: meta(f.acme, "Pithiviers")
        | {
            "company": "Acme é à ç",
            "staff": "42",
            "sector": "other",
            "sector_other": "Chimie fine",
            "exports": "yes",
            "markets__eu": "1",
            "markets__asia": "0",
            "markets__americas": "0",
            "markets__none": "0",
            "markets__other": "1",
            "markets_other": "Afrique du Nord",
            "share": "12.5",
            "importance": "5",
            "obstacles__cost": "2",
            "obstacles__time": "1",
            "obstacles__skills": "",
            "ideas": "'" + HYPERLINK,
            "email": "a@b.fr",
        },
        # Not shown (markets, share, e-mail) and skipped (ideas) are both empty here.
        f.minus.key: meta(f.minus, "Le Creusot", "web")
        | EMPTY
        | {
            "company": "'-2",
            "staff": "3",
            "sector": "industry",
            "exports": "no",
            "importance": "dont_know",
            "obstacles__cost": "2",
            "obstacles__skills": "1",
        },
        f.asia.key: meta(f.asia, "Aubenas")
        | EMPTY
        | {
            "company": "Asia Co",
            "staff": "250",
            "sector": "services",
            "exports": "yes",
            "markets__eu": "0",
            "markets__asia": "1",
            "markets__americas": "1",
            "markets__none": "0",
            "markets__other": "0",
            "importance": "3",
            "obstacles__cost": "1",
            "obstacles__skills": "2",
            "ideas": "Première ligne\nseconde ligne",
        },
    }


def partial_row(f: Filled) -> dict[str, str]:
    return meta(f.partial, "", "terminal") | EMPTY | {"company": "Partial"}


@pytest.fixture(params=["cli", "api"])
def export_wide(request: pytest.FixtureRequest, filled: Filled):  # type: ignore[no-untyped-def]
    """Run a wide export with CLI flags, by the command or by `run_export`."""

    def run(*flags: str) -> bytes:
        if request.param == "cli":
            result = invoke("--db", filled.path, "--flow", MINI, *flags)
            assert result.exit_code == 0, result.stderr
            return result.stdout_bytes
        options = ExportOptions(
            status="all" if "all" in flags else "completed",
            labels="--labels" in flags,
            joined="--joined" in flags,
            lang="en" if "en" in flags else None,
        )
        out = io.BytesIO()
        run_export(filled.path, MINI, options, csv=out)
        return out.getvalue()

    return run


def test_wide_export_round_trips_every_kind(export_wide, filled: Filled) -> None:  # type: ignore[no-untyped-def]
    frame = read_csv(export_wide())
    assert list(frame.columns) == META + QUESTIONS
    assert by_key(frame) == expected_wide(filled)
    # Completed only, by default, in the order they started.
    assert list(frame["response_key"]) == [filled.acme.key, filled.minus.key, filled.asia.key]


def test_status_all_adds_the_response_in_progress(export_wide, filled: Filled) -> None:  # type: ignore[no-untyped-def]
    rows = by_key(read_csv(export_wide("--status", "all")))
    assert rows == expected_wide(filled) | {filled.partial.key: partial_row(filled)}


def test_pandas_infers_numbers_and_keeps_not_shown_empty(export_wide, filled: Filled) -> None:  # type: ignore[no-untyped-def]
    frame = pd.read_csv(io.BytesIO(export_wide())).set_index("response_key")
    acme, minus = frame.loc[filled.acme.key], frame.loc[filled.minus.key]
    assert acme["staff"] == 42 and acme["share"] == 12.5 and acme["markets__eu"] == 1
    # Not shown is NaN in every 0/1 column, never 0.
    assert all(math.isnan(minus[f"markets__{c}"]) for c in ("eu", "asia", "americas", "none"))
    assert frame.loc[filled.asia.key, "markets__eu"] == 0


def test_labels_replace_codes_in_the_flow_language(export_wide, filled: Filled) -> None:  # type: ignore[no-untyped-def]
    rows = by_key(read_csv(export_wide("--labels", "--joined")))
    acme, minus, asia = rows[filled.acme.key], rows[filled.minus.key], rows[filled.asia.key]
    assert (acme["sector"], acme["exports"], acme["importance"]) == ("Autre (précisez)", "Oui", "5")
    assert acme["markets"] == "Europe;Autre (précisez)"
    assert acme["sector_other"] == "Chimie fine"
    assert (minus["sector"], minus["exports"], minus["importance"]) == (
        "Industrie",
        "Non",
        "Je ne sais pas",
    )
    assert minus["markets"] == ""
    assert asia["markets"] == "Asie;Amériques"
    # 0/1 and rank columns do not change with labels.
    assert (acme["markets__eu"], acme["obstacles__time"]) == ("1", "1")


def test_labels_in_another_language(export_wide, filled: Filled) -> None:  # type: ignore[no-untyped-def]
    rows = by_key(read_csv(export_wide("--labels", "--lang", "en")))
    acme = rows[filled.acme.key]
    assert (acme["sector"], acme["exports"]) == ("Other (please specify)", "Yes")
    assert rows[filled.minus.key]["importance"] == "Don’t know"


def test_joined_codes_come_before_the_option_columns(export_wide, filled: Filled) -> None:  # type: ignore[no-untyped-def]
    frame = read_csv(export_wide("--joined"))
    columns = list(frame.columns)
    assert columns.index("markets") == columns.index("markets__eu") - 1
    assert by_key(frame)[filled.acme.key]["markets"] == "eu;other"


def expected_long(f: Filled) -> list[tuple[str, str, str, str, str, str, str]]:
    """(key, stage, channel, question, value, other text, status) of the default long export."""
    a, m, s = f.acme.key, f.minus.key, f.asia.key
    return [
        (a, "pithiviers", "telegram", "company", "Acme é à ç", "", "answered"),
        (a, "pithiviers", "telegram", "staff", "42", "", "answered"),
        (a, "pithiviers", "telegram", "sector", "other", "Chimie fine", "answered"),
        (a, "pithiviers", "telegram", "exports", "yes", "", "answered"),
        (a, "pithiviers", "telegram", "markets", "eu;other", "Afrique du Nord", "answered"),
        (a, "pithiviers", "telegram", "share", "12.5", "", "answered"),
        (a, "pithiviers", "telegram", "importance", "5", "", "answered"),
        (a, "pithiviers", "telegram", "obstacles", "time;cost", "", "answered"),
        (a, "pithiviers", "telegram", "ideas", "'" + HYPERLINK, "", "answered"),
        (a, "pithiviers", "telegram", "email", "a@b.fr", "", "answered"),
        (m, "le-creusot", "web", "company", "'-2", "", "answered"),
        (m, "le-creusot", "web", "staff", "3", "", "answered"),
        (m, "le-creusot", "web", "sector", "industry", "", "answered"),
        (m, "le-creusot", "web", "exports", "no", "", "answered"),
        # markets and share were not shown: no row. ideas was skipped: a row.
        (m, "le-creusot", "web", "importance", "dont_know", "", "answered"),
        (m, "le-creusot", "web", "obstacles", "skills;cost", "", "answered"),
        (m, "le-creusot", "web", "ideas", "", "", "skipped"),
        (s, "aubenas", "telegram", "company", "Asia Co", "", "answered"),
        (s, "aubenas", "telegram", "staff", "250", "", "answered"),
        (s, "aubenas", "telegram", "sector", "services", "", "answered"),
        (s, "aubenas", "telegram", "exports", "yes", "", "answered"),
        (s, "aubenas", "telegram", "markets", "asia;americas", "", "answered"),
        (s, "aubenas", "telegram", "share", "", "", "skipped"),
        (s, "aubenas", "telegram", "importance", "3", "", "answered"),
        (s, "aubenas", "telegram", "obstacles", "cost;skills", "", "answered"),
        (s, "aubenas", "telegram", "ideas", "Première ligne\nseconde ligne", "", "answered"),
    ]


@pytest.mark.parametrize("way", ["cli", "api"])
def test_long_export_round_trips(way: str, filled: Filled, mini: Flow) -> None:
    if way == "cli":
        result = invoke("--db", filled.path, "--flow", MINI, "--layout", "long")
        assert result.exit_code == 0, result.stderr
        data = result.stdout_bytes
    else:
        data = export_csv(filled.path, mini, ExportOptions(layout="long")).data
    frame = read_csv(data)
    assert list(frame.columns) == [
        "response_key",
        "stage_code",
        "stage_region",
        "channel",
        "question_id",
        "value",
        "other_text",
        "answered_at",
        "status",
        "response_status",
        "answer_flow_version",
        "flow_id",
        "stage_city",
        "stage_territory",
        "stage_date",
    ]
    rows = [
        (
            r["response_key"],
            r["stage_code"],
            r["channel"],
            r["question_id"],
            r["value"],
            r["other_text"],
            r["status"],
        )
        for r in frame.to_dict("records")
    ]
    assert rows == expected_long(filled)
    answered = frame[frame["status"] == "answered"]["answered_at"]
    skipped = frame[frame["status"] == "skipped"]["answered_at"]
    assert answered.str.fullmatch(r"2019-06-03T\d\d:\d\d:\d\dZ").all()
    assert (skipped == "").all()


def test_long_export_with_labels(filled: Filled, mini: Flow) -> None:
    data = export_csv(filled.path, mini, ExportOptions(layout="long", labels=True, lang="en")).data
    values = {
        (r["response_key"], r["question_id"]): r["value"] for r in read_csv(data).to_dict("records")
    }
    assert values[(filled.acme.key, "markets")] == "Europe;Other (please specify)"
    assert values[(filled.acme.key, "obstacles")] == "Time;Cost"
    assert values[(filled.minus.key, "exports")] == "No"
    assert values[(filled.minus.key, "importance")] == "Don’t know"
    assert values[(filled.acme.key, "importance")] == "5"
    assert values[(filled.acme.key, "staff")] == "42"


def test_answered_at_is_when_each_answer_was_given(filled: Filled, mini: Flow) -> None:
    data = export_csv(filled.path, mini, ExportOptions(layout="long")).data
    times = read_csv(data).query("response_key == @filled.asia.key")["answered_at"].tolist()
    answered = [t for t in times if t]
    # One minute per step for this respondent, in flow order.
    assert answered == sorted(answered) and len(set(answered)) == len(answered)
    assert answered[-1] == iso(filled.asia.completed_at)


def test_load_responses_gives_tidy_dtypes(filled: Filled) -> None:
    frame = load_responses(filled.path, MINI, status="all").set_index("response_key")
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    assert dtypes["stage_code"] == dtypes["status"] == dtypes["sector"] == "category"
    assert dtypes["staff"] == dtypes["markets__eu"] == dtypes["obstacles__cost"] == "Int64"
    assert dtypes["flow_version"] == dtypes["duration_seconds"] == "Int64"
    assert dtypes["share"] == "float64"
    assert dtypes["started_at"] == dtypes["completed_at"] == "datetime64[ns, UTC]"
    assert dtypes["company"] == dtypes["sector_other"] == dtypes["ideas"] == "string"
    assert list(frame["sector"].cat.categories) == ["industry", "services", "other"]
    assert list(frame["importance"].cat.categories) == [1, 2, 3, 4, 5, "dont_know"]

    acme, minus, partial = (frame.loc[r.key] for r in (filled.acme, filled.minus, filled.partial))
    assert acme["staff"] == 42 and acme["share"] == 12.5 and acme["ideas"] == HYPERLINK
    assert acme["started_at"] == pd.Timestamp(filled.acme.started_at)
    assert acme["importance"] == 5 and minus["importance"] == "dont_know"
    assert minus["company"] == "-2"  # the true value: neutralising is for spreadsheets
    assert pd.isna(minus["markets__eu"]) and pd.isna(minus["share"])
    assert partial["status"] == "in_progress" and pd.isna(partial["completed_at"])
    assert pd.isna(partial["duration_seconds"]) and pd.isna(partial["stage_code"])


def test_load_responses_with_labels(filled: Filled) -> None:
    frame = load_responses(filled.path, MINI, labels=True, lang="en").set_index("response_key")
    assert list(frame["exports"].cat.categories) == ["Yes", "No", "Don’t know"]
    assert frame.loc[filled.acme.key, "sector"] == "Other (please specify)"
    assert frame.loc[filled.minus.key, "importance"] == "Don’t know"


def test_load_responses_long(filled: Filled) -> None:
    frame = load_responses(filled.path, MINI, layout="long")
    assert str(frame["answered_at"].dtype) == "datetime64[ns, UTC]"
    assert list(frame["status"].cat.categories) == ["answered", "skipped"]
    staff = frame[(frame["response_key"] == filled.acme.key) & (frame["question_id"] == "staff")]
    assert staff["value"].tolist() == [42]
    assert len(frame) == len(expected_long(filled))


def test_a_database_without_responses_exports_the_header(tmp_path: Path, store, mini: Flow) -> None:  # type: ignore[no-untyped-def]
    frame = read_csv(export_csv(tmp_path / "survey.sqlite3", mini).data)
    assert list(frame.columns) == META + QUESTIONS and frame.empty
    assert load_responses(tmp_path / "survey.sqlite3", mini).empty

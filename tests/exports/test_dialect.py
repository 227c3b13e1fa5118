"""Byte-level checks: the French Excel dialect, plain CSV, and formula neutralisation."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from exports import ExportOptions, export_csv, neutralise
from exports.csv import format_decimal, iso_utc
from flows import Flow
from tests.conftest import MINI
from tests.exports.conftest import HYPERLINK, Filled, Other, Survey, invoke, read_csv


def test_excel_dialect_bytes(filled: Filled) -> None:
    result = invoke("--db", filled.path, "--flow", MINI, "--excel")
    assert result.exit_code == 0, result.stderr
    data = result.stdout_bytes
    assert data.startswith(
        b"\xef\xbb\xbfresponse_key;stage_code;stage_city;stage_region;stage_territory;stage_date;"
        b"channel;flow_id;"
    )
    # Every line ends with CRLF; the only bare LF is inside the quoted two-line idea.
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") + 1
    assert b'"Premi\xc3\xa8re ligne\nseconde ligne"' in data
    assert data.count(b"\r\n") == 4  # header and three completed responses
    # Accents as UTF-8, decimals with a comma, no comma separator anywhere else.
    assert "Acme é à ç".encode() in data
    assert b";12,5;" in data and b"12.5" not in data
    header = data.split(b"\r\n")[0]
    assert b"," not in header and header.count(b";") == 31


def test_excel_dialect_reads_back_in_pandas(filled: Filled, mini: Flow) -> None:
    data = export_csv(filled.path, mini, ExportOptions(excel=True)).data
    frame = read_csv(data, sep=";", encoding="utf-8-sig")
    row = frame.set_index("response_key").loc[filled.acme.key]
    assert (row["company"], row["share"], row["stage_city"]) == ("Acme é à ç", "12,5", "Pithiviers")


def test_plain_dialect_bytes(filled: Filled) -> None:
    result = invoke("--db", filled.path, "--flow", MINI)
    data = result.stdout_bytes
    assert data.startswith(b"response_key,stage_code,")
    assert b"\r" not in data
    assert b",12.5," in data
    assert "Acme é à ç".encode() in data


def test_bom_gives_excel_in_english_the_plain_dialect_it_splits(
    filled: Filled, tmp_path: Path
) -> None:
    book = tmp_path / "codebook.csv"
    result = invoke("--db", filled.path, "--flow", MINI, "--bom", "--codebook", book)
    assert result.exit_code == 0, result.stderr
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbfresponse_key,stage_code,")
    assert b"\r" not in data and b",12.5," in data
    assert book.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = read_csv(data, encoding="utf-8-sig")
    assert frame.set_index("response_key").loc[filled.acme.key, "company"] == "Acme é à ç"


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindent", "'\tindent"),
        ("\rreturn", "'\rreturn"),
        ("Acme", "Acme"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(text: str, safe: str) -> None:
    assert neutralise(text) == safe


@pytest.mark.parametrize(
    ("value", "plain", "excel"),
    [
        (12.5, "12.5", "12,5"),
        (40.0, "40", "40"),
        (-2.25, "-2.25", "-2,25"),
        (1e-7, "0.0000001", "0,0000001"),
    ],
)
def test_format_decimal(value: float, plain: str, excel: str) -> None:
    assert format_decimal(value) == plain
    assert format_decimal(value, ",") == excel


def test_iso_utc() -> None:
    assert iso_utc("2019-06-03T09:00:01.250000+00:00") == "2019-06-03T09:00:01Z"
    assert iso_utc("2019-06-03T11:00:01+02:00") == "2019-06-03T09:00:01Z"


async def risky_response(survey: Survey, flow: Flow, margin: float) -> str:
    """A version-2 response with formula-like texts and a negative number; its key."""
    response = await survey.respond(
        flow,
        {
            "company": "-2",
            "sector": Other("other", "@home"),
            "margin": margin,
            "exports": "yes",
            "markets": Other(["other"], "+33 partout"),
            "share": 5,
            "importance": 1,
            "obstacles": ["cost", "time"],
            "ideas": HYPERLINK,
        },
    )
    return response.key


@pytest.mark.parametrize("excel", [False, True])
async def test_formulas_are_neutralised_but_numbers_stay_numbers(
    survey: Survey, db_path: Path, mini_v2: Flow, excel: bool
) -> None:
    key = await risky_response(survey, mini_v2, -2)
    data = export_csv(db_path, mini_v2, ExportOptions(excel=excel)).data
    sep = ";" if excel else ","
    row = read_csv(data, sep=sep, encoding="utf-8-sig").set_index("response_key").loc[key]
    assert row["company"] == "'-2"
    assert row["margin"] == "-2"
    assert row["sector_other"] == "'@home"
    assert row["markets_other"] == "'+33 partout"
    assert row["ideas"] == "'" + HYPERLINK
    # At the byte level: the text is neutralised, the number is a bare -2.
    assert f"{sep}'-2{sep}".encode() in data
    assert f"{sep}-2{sep}".encode() in data
    numbers = pd.read_csv(io.BytesIO(data), sep=sep, encoding="utf-8-sig").set_index("response_key")
    assert numbers.loc[key, "margin"] == -2
    assert numbers.loc[key, "company"] == "'-2"


@pytest.mark.parametrize(("excel", "text"), [(False, b",-2.5,"), (True, b";-2,5;")])
async def test_negative_decimals_keep_their_sign(
    survey: Survey, db_path: Path, mini_v2: Flow, excel: bool, text: bytes
) -> None:
    key = await risky_response(survey, mini_v2, -2.5)
    data = export_csv(db_path, mini_v2, ExportOptions(excel=excel)).data
    assert text in data
    frame = pd.read_csv(
        io.BytesIO(data),
        sep=";" if excel else ",",
        decimal="," if excel else ".",
        encoding="utf-8-sig",
    ).set_index("response_key")
    assert frame.loc[key, "margin"] == -2.5


def test_codebook_uses_the_same_dialect(filled: Filled, mini: Flow) -> None:
    files = export_csv(filled.path, mini, ExportOptions(excel=True), codebook=True)
    assert files.codebook is not None
    assert files.codebook.startswith(b"\xef\xbb\xbfcolumn;question_id;section;question_fr;")
    assert b"\r\n" in files.codebook
    plain = export_csv(filled.path, mini, codebook=True).codebook
    assert plain is not None and plain.startswith(b"column,question_id,") and b"\r" not in plain

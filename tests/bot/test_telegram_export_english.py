"""/export for an organiser whose Telegram is in English: files named in English, and a
CSV that Excel in English opens in columns.

French Excel splits a CSV on ";" and reads "12,5" as a number; Excel in English
splits on "," and reads "12.5". An English organiser gets the plain CSV
(",", decimal point) with a BOM, so that a double-click shows the accents;
a French organiser keeps the French form (tests/bot/test_telegram_export_format.py).

The real application and handlers, the Bot API faked at the HTTP boundary, a
real SQLite file, and the export made in its own process as in production.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable

import pandas as pd
import pytest

from bot.telegram import delivery, export_worker
from flows import Flow
from tests.support.fake_bot_api import FakeBotAPI, Person
from tests.support.organiser_jobs import ask_and_wait

ORGANISER = 900_001
PersonFactory = Callable[..., Person]
WHEN = r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d"
BOM = "\ufeff".encode()
CSV_CAPTION = "File for Excel: UTF-8, ',', decimal point."


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ORGANISER})


@pytest.fixture
async def answered(person: PersonFactory) -> None:
    """Two responses finished at Pithiviers, one with an export share of 12.5; one started."""
    for user, company in ((700_000_401, "Crêperie Exemple"), (700_000_402, "Forge Exemple")):
        someone = person(user)
        await someone.send("/start pithiviers")
        await someone.tap("Continuer ▶")
        await someone.send(company)
        await someone.send("12")
        await someone.tap("Industrie")
        if user == 700_000_401:
            await someone.tap("Oui")
            await someone.tap("Europe")
            await someone.tap("Valider (1)")
            await someone.send("12,5")
        else:
            await someone.tap("Non")
        for button in ["3", "Coût", "Temps", "Valider ce classement", "Passer ⏭"]:
            await someone.tap(button)
    await person(700_000_403).send("/start")


def documents(organiser: Person) -> list[tuple[str, bytes, str]]:
    """(file name, content, caption as read) of every document the organiser got, in order.
    The fake keeps a caption as sent: HTML, which Telegram shows unescaped (`Defaults`)."""
    return [
        (*m.attachment, html.unescape(m.text)) for m in organiser.chat if m.attachment is not None
    ]


def english(person: PersonFactory) -> Person:
    return person(ORGANISER, language_code="en")


async def test_an_english_organiser_s_files_are_named_in_english(
    person: PersonFactory, answered: None
) -> None:
    chef = english(person)
    await ask_and_wait(chef, "/export")
    await ask_and_wait(chef, "/export personal")
    await ask_and_wait(chef, "/export pithiviers")

    (name, _, _), (book, codebook, book_caption) = documents(chef)[:2]
    assert re.fullmatch(rf"responses_{WHEN}\.xlsx", name)
    assert re.fullmatch(rf"codebook_{WHEN}\.csv", book)
    assert codebook.startswith(BOM + b"column,"), "the codebook for Excel in English"
    assert book_caption.startswith(f"Codebook of {name}: one row per column")
    personal, personal_book = (name for name, _, _ in documents(chef)[2:4])
    assert re.fullmatch(rf"responses_personal_{WHEN}\.xlsx", personal)
    assert re.fullmatch(rf"codebook_personal_{WHEN}\.csv", personal_book)
    assert re.fullmatch(rf"responses_pithiviers_{WHEN}\.xlsx", documents(chef)[4][0])


async def test_an_english_organiser_s_csv_opens_in_columns_in_excel_in_english(
    person: PersonFactory, answered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_worker, "WORKBOOK_ANSWERS", 1)  # a big tour: the CSV comes
    chef, boss = english(person), person(ORGANISER)
    await ask_and_wait(chef, "/export")

    (name, content, caption), (book, codebook, book_caption) = documents(chef)
    assert re.fullmatch(rf"responses_{WHEN}\.csv", name)
    assert caption.splitlines()[0] == f"3 responses (2 completed, 1 in progress). {CSV_CAPTION}"
    assert caption.splitlines()[1].startswith("Too many answers to make an Excel workbook")
    assert content.startswith(BOM), "Excel reads it as UTF-8: the accents show"
    header = content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("response_key,") and ";" not in header
    table = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str)
    assert len(table) == 3 and "share" in table.columns
    assert table["share"].dropna().tolist() == ["12.5"], "a decimal point"
    assert re.fullmatch(rf"codebook_{WHEN}\.csv", book) and codebook.startswith(BOM)
    assert "column" in pd.read_csv(io.BytesIO(codebook), encoding="utf-8-sig").columns
    assert book_caption.startswith(f"Codebook of {name}: one row per column")

    # Asked for, the same CSV; a French organiser's stays for French Excel.
    await ask_and_wait(chef, "/export csv")
    assert documents(chef)[-2][1].startswith(BOM + b"response_key,")
    await ask_and_wait(boss, "/export csv")
    (name, content, caption), (book, _, _) = documents(boss)[-2:]
    assert re.fullmatch(rf"reponses_{WHEN}\.csv", name)
    assert re.fullmatch(rf"codebook_{WHEN}\.csv", book)
    assert content.startswith(BOM + b"response_key;")
    assert "Fichier pour Excel\u00a0: UTF-8, «\u00a0;\u00a0», virgule décimale." in caption


async def test_an_english_organiser_s_zipped_csv_is_named_in_english(
    person: PersonFactory, answered: None, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    chef = english(person)
    await ask_and_wait(chef, "/export csv personal")
    biggest = max(len(content) for _, content, _ in documents(chef))
    monkeypatch.setattr(delivery, "UPLOAD_LIMIT", biggest - 1)  # a file is over, the zip not
    await ask_and_wait(chef, "/export csv personal")

    [(name, content, caption)] = documents(chef)[2:]
    assert re.fullmatch(rf"responses_personal_{WHEN}\.zip", name)
    assert caption.startswith(f"3 responses (2 completed, 1 in progress). {CSV_CAPTION}")
    assert "Too big for Telegram as a CSV" in caption
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        data, book = archive.namelist()
        assert re.fullmatch(rf"responses_personal_{WHEN}\.csv", data)
        assert re.fullmatch(rf"codebook_personal_{WHEN}\.csv", book)
        csv = archive.read(data)
        assert csv.startswith(BOM + b"response_key,")
        assert "Crêperie Exemple" in csv.decode("utf-8-sig")
        assert archive.read(book).startswith(BOM)

"""/export sends a workbook when it is quick to make, the CSV beyond, and either when asked.

An organiser double-clicks what the bot sends. Excel reads a CSV's `01` as the
number 1; the workbook keeps it as text. But a workbook is slow to write, so
past `export_worker.WORKBOOK_ANSWERS` answers (lowered here, so that a few
responses stand for a big tour) the CSV comes, with a caption saying why.

The real application and handlers, the Bot API faked at the HTTP boundary, a
real SQLite file, and the export made in its own process as in production.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bot.telegram import delivery, export_worker
from flows import Flow, load_flow
from tests.conftest import MINI
from tests.support.fake_bot_api import FakeBotAPI, Person
from tests.support.organiser_jobs import ask_and_wait

ORGANISER = 900_001
PersonFactory = Callable[..., Person]
QUESTIONS = 10
"""The mini flow's questions (its welcome is not one): a response counts for this many answers."""
TOO_MANY = "Trop de réponses pour préparer vite un classeur Excel\u00a0: voici le CSV, qui s’ouvre"


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    """The mini flow with its sectors coded as many code lists are: 01, 02."""
    text = MINI.read_text(encoding="utf-8")
    for code, number in (("industry", "01"), ("services", "02")):
        assert text.count(f"{{code: {code},") == 1
        text = text.replace(f"{{code: {code},", f'{{code: "{number}",')
    path = tmp_path / "mini_coded.yaml"
    path.write_text(text, encoding="utf-8")
    return load_flow(path)


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ORGANISER})


@pytest.fixture
async def answered(person: PersonFactory) -> None:
    """Two responses finished at Pithiviers, in Industry (code 01); one started elsewhere."""
    for user in (700_000_301, 700_000_302):
        someone = person(user)
        await someone.send("/start pithiviers")
        await someone.tap("Continuer ▶")
        for line in ["ACME", "12"]:
            await someone.send(line)
        for button in [
            "Industrie",
            "Non",
            "3",
            "Coût",
            "Temps",
            "Valider ce classement",
            "Passer ⏭",
        ]:
            await someone.tap(button)
    await person(700_000_303).send("/start")


def documents(organiser: Person) -> list[tuple[str, bytes, str]]:
    """(file name, content, caption) of every document the organiser got, in order."""
    return [(*m.attachment, m.text) for m in organiser.chat if m.attachment is not None]


def few_answers(monkeypatch: pytest.MonkeyPatch, answers: int) -> None:
    monkeypatch.setattr(export_worker, "WORKBOOK_ANSWERS", answers)


async def test_a_small_export_is_a_workbook_that_keeps_codes_as_text(
    person: PersonFactory, answered: None
) -> None:
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export")

    (name, content, caption), (book_name, codebook, book_caption) = documents(boss)
    assert name.startswith("reponses_") and name.endswith(".xlsx")
    assert caption.startswith("3\u00a0réponses (2\u00a0terminées, 1\u00a0en cours). Classeur Excel")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["responses"]
    header = [cell.value for cell in sheet[1]]
    columns = pd.read_csv(io.BytesIO(codebook), sep=";", encoding="utf-8-sig")["column"]
    assert header == list(columns), "the codebook's columns, in order"
    assert sheet.freeze_panes == "A2", "the header stays in view"
    sectors = [row[header.index("sector")] for row in sheet.iter_rows(min_row=2)]
    assert sorted(cell.value for cell in sectors if cell.value is not None) == ["01", "01"]
    assert {cell.data_type for cell in sectors if cell.value is not None} == {"s"}
    assert book_name.startswith("codebook_") and book_name.endswith(".csv")
    assert book_caption.startswith(f"Codebook de {name}\u00a0:")


async def test_past_the_threshold_the_csv_comes_saying_why(
    person: PersonFactory, answered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The answers of Pithiviers' two responses: that selection is a workbook, all three not.
    few_answers(monkeypatch, 2 * QUESTIONS)
    boss, chef = person(ORGANISER), person(ORGANISER, language_code="en")
    await ask_and_wait(boss, "/export pithiviers")
    assert [Path(name).suffix for name, _, _ in documents(boss)] == [".xlsx", ".csv"]
    await ask_and_wait(boss, "/export")

    name, content, caption = documents(boss)[-2]
    assert name.startswith("reponses_") and name.endswith(".csv")
    assert content.startswith("\ufeff".encode()), "the CSV for French Excel"
    table = pd.read_csv(io.BytesIO(content), sep=";", encoding="utf-8-sig", dtype=str)
    assert len(table) == 3
    assert caption.startswith(
        "3\u00a0réponses (2\u00a0terminées, 1\u00a0en cours). Fichier pour Excel"
    )
    assert caption.splitlines()[1].startswith(TOO_MANY)
    assert "/export xlsx" in caption
    await ask_and_wait(chef, "/export")
    assert documents(chef)[-2][2].splitlines()[1] == (
        "Too many answers to make an Excel workbook quickly: here is the CSV, "
        "which opens in Excel too (/export xlsx for the workbook, slower)."
    )


async def test_the_organiser_may_ask_for_either_format(
    person: PersonFactory, answered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export CSV")
    name, _, caption = documents(boss)[-2]
    assert name.endswith(".csv") and TOO_MANY not in caption, "asked: no excuse to give"
    few_answers(monkeypatch, 1)
    await ask_and_wait(boss, "/export xlsx pithiviers")
    name, content, _ = documents(boss)[-2]
    assert name.startswith("reponses_pithiviers_") and name.endswith(".xlsx")
    assert openpyxl.load_workbook(io.BytesIO(content))["responses"].max_row == 1 + 2


async def test_two_formats_at_once_are_refused(
    person: PersonFactory, answered: None, api: FakeBotAPI
) -> None:
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export csv xlsx")
    assert boss.last_text == (
        "Un format à la fois, xlsx ou csv\u00a0: «\u00a0xlsx\u00a0» en trop.\n"
        "Utilisation\u00a0: /export [CODE] [personal] [xlsx|csv]"
    )
    assert not api.calls_to("sendDocument")


async def test_a_workbook_over_telegram_s_limit_is_explained_not_sent(
    person: PersonFactory, answered: None, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A workbook is a zip already: zipping it again would not bring it under the limit.
    monkeypatch.setattr(delivery, "UPLOAD_LIMIT", 2_000)
    api.upload_limit = 2_000
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export")
    assert not api.calls_to("sendDocument")
    assert "Telegram n’accepte pas plus de 50\u00a0Mo" in boss.last_text


async def test_an_export_with_the_personal_answers_says_so_in_its_name(
    person: PersonFactory, answered: None
) -> None:
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export personal")
    await ask_and_wait(boss, "/export")

    names = [name for name, _, _ in documents(boss)]
    # To the second: two exports a minute apart are two files in a Downloads folder.
    assert re.fullmatch(r"reponses_nominatif_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.xlsx", names[0])
    assert names[1].startswith("codebook_nominatif_")
    assert re.fullmatch(r"reponses_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.xlsx", names[2])

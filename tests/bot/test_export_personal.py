"""`/export` in Telegram leaves the personal questions out; `/export personal` keeps them.

The real application and handlers, the Bot API faked at the HTTP boundary, the
mini flow with its company name and e-mail marked `personal: true`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from flows import Flow, load_flow
from tests.support.fake_bot_api import Person
from tests.support.organiser_jobs import ask_and_wait
from tests.support.personal_flow import write_personal_mini

ORGANISER = 900_001
PersonFactory = Callable[..., Person]


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    return load_flow(write_personal_mini(tmp_path))


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ORGANISER})


@pytest.fixture
async def answered(person: PersonFactory) -> None:
    """One respondent at Pithiviers, to the end, with a company name and an e-mail."""
    ana = person(700_000_201)
    await ana.send("/start pithiviers")
    await ana.tap("Continuer ▶")
    await ana.send("ACME Robotique")
    await ana.send("12")
    await ana.tap("Industrie")
    await ana.tap("Non")
    await ana.tap("5")
    await ana.tap("Coût")
    await ana.tap("Temps")
    await ana.tap("Valider ce classement")
    await ana.tap("Passer ⏭")
    await ana.send("ana@acme.fr")
    # Piping still shows the personal answer to the respondent: only exports leave it out.
    texts = [m.text for m in ana.chat]
    assert any("\nSalariés d'ACME Robotique\u00a0?\n" in t for t in texts)
    assert "Merci ACME Robotique\u00a0!" in texts


def sent_export(boss: Person) -> tuple[pd.DataFrame, pd.DataFrame, bytes]:
    """The workbook and codebook of the export just sent, and the workbook's cells as text
    (its bytes are compressed: a name would not show in them)."""
    import openpyxl

    data, codebook = boss.chat[-2].attachment, boss.chat[-1].attachment
    assert data is not None and codebook is not None
    assert data[0].startswith("reponses") and codebook[0].startswith("codebook")
    book = openpyxl.load_workbook(io.BytesIO(data[1]), read_only=True)
    cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row]
    table = pd.read_excel(io.BytesIO(data[1]), sheet_name="responses", dtype=str)
    book_csv = pd.read_csv(io.BytesIO(codebook[1]), sep=";", encoding="utf-8-sig", dtype=str)
    return table, book_csv, "\n".join(cells).encode()


async def test_export_leaves_the_personal_questions_out(
    person: PersonFactory, answered: None
) -> None:
    boss = person(ORGANISER)
    await ask_and_wait(boss, "/export")

    table, codebook, content = sent_export(boss)
    assert "company" not in table.columns and "email" not in table.columns
    assert table.loc[0, "staff"] == "12"
    assert b"ACME" not in content and b"ana@acme.fr" not in content
    assert list(codebook["column"]) == list(table.columns)
    assert not any("données personnelles" in m.text for m in boss.chat)


@pytest.mark.parametrize("command", ["/export personal", "/export PITHIVIERS personal"])
async def test_export_personal_keeps_them_and_says_so(
    person: PersonFactory, answered: None, command: str
) -> None:
    boss = person(ORGANISER)
    await ask_and_wait(boss, command)

    table, codebook, _ = sent_export(boss)
    assert table.loc[0, "company"] == "ACME Robotique" and table.loc[0, "email"] == "ana@acme.fr"
    assert set(table["stage_code"]) == {"pithiviers"}
    notes = codebook.set_index("column")["note"]
    assert "PERSONAL DATA" in notes["company"] and "PERSONAL DATA" in notes["email"]
    warning = next(m for m in boss.chat if "données personnelles" in m.text)
    assert (
        "(réponses à\u00a0: «\u00a0Nom\u00a0?\u00a0», «\u00a0E-mail\u00a0?\u00a0»)" in warning.text
    )  # the questions, not ids
    assert boss.chat.index(warning) < len(boss.chat) - 2, "said before the files arrive"

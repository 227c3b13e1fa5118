"""A choice's `columns` on the web, in a real Chromium at 360×740 and at 200 % zoom.

Where the author set `columns` (2–4), a question's buttons or boxes sit that many to a
row, each a row's share, as far as they fit a phone: never narrower than a short word
with its padding (fewer to a row on a narrow screen or at a zoom), and a word too long for
its share widens its answer rather than being cut. `columns: 1`, or none, keeps one a
line as before. On a short flow (fixtures/columns.yaml, shared with the Telegram test);
the fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path
from typing import Any

import pytest

from tests.web.phone import Phone, Phones, Server, lines_of, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import Locator, expect
skip_without_a_browser()

COLUMNS = Path(__file__).parent / "fixtures" / "columns.yaml"
GAP = 8
"""The space between two answers of a row (chat.css, `.columns`)."""


@pytest.fixture
def served_flow() -> Path:
    return COLUMNS


def boxes(items: Locator) -> list[dict[str, Any]]:
    found = []
    for n in range(items.count()):
        box = items.nth(n).bounding_box()
        assert box is not None
        found.append(box)
    return found


def rows_of(items: Locator) -> list[list[dict[str, Any]]]:
    """The boxes of the answers, in rows by their top, left to right."""
    rows: list[list[dict[str, Any]]] = []
    for box in boxes(items):
        if rows and abs(rows[-1][0]["y"] - box["y"]) < 1:
            rows[-1].append(box)
        else:
            rows.append([box])
    return rows


def width_of(phone: Phone, selector: str) -> float:
    box = phone.page.locator(selector).bounding_box()
    assert box is not None
    return float(box["width"])


def sideways(phone: Phone) -> int:
    """How far the page scrolls sideways, in CSS pixels (0: it reflows)."""
    return int(
        phone.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def asked(phone: Phone, question: str) -> None:
    expect(phone.page.locator("#waiting-text")).to_contain_text(question)


def one_a_line(rows: list[list[dict[str, Any]]], width: float) -> None:
    assert all(len(row) == 1 for row in rows), rows
    assert all(abs(row[0]["width"] - width) < 1 for row in rows), (rows, width)


def spaced(rows: list[list[dict[str, Any]]]) -> None:
    """Each row the gap below the one above it, as the answers of a row are apart."""
    for above, below in itertools.pairwise(rows):
        bottom = max(box["y"] + box["height"] for box in above)
        assert abs(below[0]["y"] - bottom - GAP) < 1, (above, below)


def shares(row: list[dict[str, Any]], width: float, n: int) -> None:
    """The answers of `row` each a `n`th of the line, less the gaps between them."""
    share = (width - GAP * (n - 1)) / n
    assert all(abs(box["width"] - share) < 1 for box in row), (row, share)


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_answers_sit_as_many_to_a_row_as_the_author_set(
    server: Server, phones: Phones, scripts: bool
) -> None:
    ana = phones(scripts=scripts)
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")

    # columns: 1, short labels: one a line, the line's width, as without it.
    asked(ana, "Fruit préféré")
    buttons = page.locator("#waiting .choices button")
    one_a_line(rows_of(buttons), width_of(ana, "#waiting .choices"))
    ana.tap("Poire")

    # columns: 3: Lun, Mar, Mer a third of the line each, then Jeu and Ven halves of the
    # next; "Autre (précisez)", its second word too long for a third, on a row of its own.
    asked(ana, "Jour de sortie")
    ana.shot("columns-3")
    line = width_of(ana, "#waiting .choices")
    rows = rows_of(page.locator("#waiting .choices button"))
    assert [len(row) for row in rows] == [3, 2, 1], rows
    shares(rows[0], line, 3)
    shares(rows[1], line, 2)
    shares(rows[2], line, 1)
    spaced(rows)
    other = page.get_by_role("button", name="Autre (précisez)")
    assert lines_of(other, "(précisez)") == 1
    # One line each: as tall as one another, "Passer" below them as before.
    assert len({round(box["height"]) for row in rows for box in row}) == 1, rows
    ana.tap("Mer")

    # No columns: one a line, as before.
    asked(ana, "Couleur")
    one_a_line(rows_of(page.locator("#waiting .choices button")), line)
    ana.tap("Bleu")

    # columns: 3 on boxes to tick: Vélo, Nage, Judo a third each, the long label below.
    asked(ana, "Vos sports")
    ana.shot("ticks-3")
    ticks = page.locator("#waiting .tick")
    rows = rows_of(ticks)
    assert [len(row) for row in rows] == [3, 1], rows
    shares(rows[0], width_of(ana, "#waiting .ticks"), 3)
    shares(rows[1], width_of(ana, "#waiting .ticks"), 1)
    spaced(rows)
    ana.tick("Vélo", "Randonnée en montagne l’été")

    # columns: 4 on boxes to tick: as many as hold their words at 360 px, none cut.
    asked(ana, "Vos jeux")
    ana.shot("ticks-4")
    ticks = page.locator("#waiting .tick")
    rows = rows_of(ticks)
    assert len(rows) < 4 and all(len(row) <= 4 for row in rows), rows
    for word in ("Échecs", "Cartes"):
        assert lines_of(ticks.filter(has_text=word), word) == 1
    ana.tick("Go")

    # No columns on boxes to tick: one a line.
    asked(ana, "Vos musiques")
    one_a_line(rows_of(page.locator("#waiting .tick")), width_of(ana, "#waiting .ticks"))
    assert sideways(ana) == 0
    ana.check_clean()


def test_at_200_percent_zoom_fewer_to_a_row_and_nothing_sideways(
    server: Server, zoomed: Phone
) -> None:
    page = zoomed.page
    zoomed.open(f"{server.url}/chat?stage=pithiviers")
    zoomed.tap("✅ J’accepte")
    zoomed.tap("Poire")
    asked(zoomed, "Jour de sortie")
    zoomed.shot("zoomed-columns-3")
    rows = rows_of(page.locator("#waiting .choices button"))
    # Two to a row at most (a third of 164 px would not hold "Lun" and its padding).
    assert all(len(row) <= 2 for row in rows) and len(rows) >= 3, rows
    assert lines_of(page.get_by_role("button", name="Autre (précisez)"), "(précisez)") == 1
    assert sideways(zoomed) == 0
    zoomed.tap("Mer")
    zoomed.tap("Bleu")
    # Boxes to tick one a line: a third of the line would leave their words no room.
    asked(zoomed, "Vos sports")
    zoomed.shot("zoomed-ticks-3")
    one_a_line(rows_of(page.locator("#waiting .tick")), width_of(zoomed, "#waiting .ticks"))
    assert sideways(zoomed) == 0
    zoomed.check_clean()

"""A choice's `columns` on Telegram: up to that many buttons a row, a label too long for its
share of a row on a row of its own (whole, not cut short by Telegram), as on the web.

The real application and handlers, the Bot API faked at the HTTP boundary, a small flow
(tests/web/fixtures/columns.yaml): a single choice with `columns: 1` and short labels, one
with `columns: 3`, "Other" and a skip, one without `columns`; multiple choices with
`columns: 3` (a label longer than a third of a row among them), `columns: 4`, and none.
Without `columns`, short labels sit two to a row, as before. Valider, Retour and Passer
keep their own rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from flows import Flow, load_flow
from tests.support.fake_bot_api import Person

COLUMNS = Path(__file__).parents[1] / "web" / "fixtures" / "columns.yaml"
PersonFactory = Callable[..., Person]


@pytest.fixture
def flow() -> Flow:
    return load_flow(COLUMNS)


def rows(ana: Person) -> list[list[str]]:
    """The rows of the last keyboard, by their buttons' labels."""
    return [[b["text"] for b in row] for row in ana.last_with_buttons().keyboard or []]


async def test_rows_follow_the_columns_the_author_set(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap("✅ J’accepte")

    # columns: 1, short labels that would otherwise sit two to a row.
    assert "Fruit préféré" in ana.last_with_buttons().text
    assert rows(ana) == [["Pomme"], ["Poire"], ["Prune"], ["Kiwi"]]

    await ana.tap("Poire")
    # columns: 3; "Other", longer than a third of a row, on a row of its own; back and
    # skip on their own row below.
    assert "Jour de sortie" in ana.last_with_buttons().text
    assert rows(ana) == [
        ["Lun", "Mar", "Mer"],
        ["Jeu", "Ven"],
        ["Autre (précisez)"],
        ["↩ Retour", "Passer ⏭"],
    ]

    await ana.tap("Mer")
    # No columns: as before, short labels two to a row.
    assert "Couleur" in ana.last_with_buttons().text
    assert rows(ana) == [["Rouge", "Vert"], ["Bleu"], ["↩ Retour"]]

    await ana.tap("Bleu")
    # columns: 3 on boxes to tick, a long label among them: on a row of its own.
    assert "Vos sports" in ana.last_with_buttons().text
    sports = rows(ana)
    assert [len(row) for row in sports[:2]] == [3, 1], sports
    assert sports[1][0].endswith("Randonnée en montagne l’été")
    assert sports[2][0].startswith("Valider") and sports[3] == ["↩ Retour"]

    # A tick redraws the keyboard with the same rows.
    await ana.tap("▫️ Vélo")
    ticked = rows(ana)
    assert ticked[0][0] == "✅ Vélo" and [len(row) for row in ticked] == [3, 1, 1, 1]
    await ana.tap(ticked[2][0])

    # columns: 4.
    assert "Vos jeux" in ana.last_with_buttons().text
    games = rows(ana)
    assert games[0] == ["▫️ Échecs", "▫️ Go", "▫️ Cartes", "▫️ Dés"], games
    assert len(games) == 3

    await ana.tap("▫️ Go")
    await ana.tap(rows(ana)[1][0])
    # No columns on boxes to tick: two a row, as before.
    assert "Vos musiques" in ana.last_with_buttons().text
    assert [len(row) for row in rows(ana)[:2]] == [2, 1]


async def test_english_rows_follow_the_same_columns(person: PersonFactory) -> None:
    bob = person(language_code="en")
    await bob.send("/start pithiviers")
    await bob.tap(bob.last_with_buttons().labels()[0])
    assert "Favourite fruit" in bob.last_with_buttons().text
    assert rows(bob) == [["Apple"], ["Pear"], ["Plum"], ["Kiwi"]]

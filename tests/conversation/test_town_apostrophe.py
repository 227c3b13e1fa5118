"""A town written with the typewriter apostrophe reads as the texts around it do.

A stages file says "L'Isle-d'Abeau" as a keyboard types it; the printed cards set
"L’Isle-d’Abeau", but the welcome read "l’atelier de L'Isle-d'Abeau", two
apostrophes in one line, and so did the workshop list and the notes naming two
workshops. The conversation now sets a town's apostrophes as its own texts do.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conversation import Conversation
from flows import Flow, StageDef
from storage import Store
from tests.conftest import Clock
from tests.conversation.conftest import AGREE, ChatFactory

ISLE = StageDef(code="isle", city="L'Isle-d'Abeau", date=dt.date(2019, 9, 12))
PITHIVIERS = StageDef(code="pithiviers", city="Pithiviers", date=dt.date(2019, 6, 5))


@pytest.fixture
def isle(store: Store, bundled_flow: Flow, clock: Clock) -> Conversation:
    return Conversation(store, bundled_flow, [PITHIVIERS, ISLE], clock=lambda: clock.now)


async def test_the_welcome_names_the_town_with_the_texts_apostrophe(
    isle: Conversation, chat: ChatFactory
) -> None:
    ana = chat(isle)
    await ana.start("isle")
    assert "l’atelier de L’Isle-d’Abeau (12\u00a0septembre\u00a02019)" in (
        ana.welcome.workshop or ""
    )
    assert "'" not in (ana.welcome.workshop or "")


async def test_the_list_and_a_second_workshops_note_name_it_so_too(
    isle: Conversation, chat: ChatFactory
) -> None:
    ana = chat(isle)
    await ana.start("nowhere")  # a link to no known workshop: the list
    assert "L’Isle-d’Abeau" in ana.labels()

    bob = chat(isle, "bob")
    await bob.start("pithiviers")
    await bob.press(AGREE)
    await bob.write("ACME")
    await bob.start("isle")  # the other workshop's link, mid-way
    assert "celui de l’atelier de L’Isle-d’Abeau" in bob.menu.text

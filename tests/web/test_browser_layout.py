"""What the page looks like where it was rough, in a real Chromium at a phone's size.

"← Retour" stays where it is from one screen to the next, below a way forward drawn
as the primary button. On a short flow (fixtures/layout.yaml); the HTML of it in
test_page_layout.py.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.web.phone import Phones, Server, asks, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import Locator
skip_without_a_browser()

LAYOUT = Path(__file__).parent / "fixtures" / "layout.yaml"


@pytest.fixture
def served_flow() -> Path:
    return LAYOUT


def box(element: Locator) -> dict[str, float]:
    found = element.bounding_box()
    assert found is not None
    return dict(found)


def style(element: Locator, prop: str) -> str:
    return str(element.evaluate(f"e => getComputedStyle(e).getPropertyValue('{prop}')"))


def test_back_keeps_its_place_below_a_primary_way_forward(server: Server, phones: Phones) -> None:
    ana = phones()
    page = ana.page
    ana.open(f"{server.url}/chat")
    ana.type("Acme")
    ana.tap("Oui")
    asks(ana, "Une remarque")
    send = page.get_by_role("button", name="Envoyer")
    back = page.get_by_role("button", name="← Retour")
    on_optional, send_box = box(back), box(send)
    assert on_optional["y"] > send_box["y"] + send_box["height"]
    ana.shot("optional")

    ana.tap("Passer")
    asks(ana, "Parlons maintenant de vos habitudes")
    go_on = page.get_by_role("button", name="Continuer")
    on_intro, go_on_box = box(back), box(go_on)
    # The same place: at the left, below the way forward (not to its right, as its equal).
    assert on_intro["x"] == on_optional["x"]
    assert on_intro["y"] > go_on_box["y"] + go_on_box["height"]
    # "Continuer" looks like "Envoyer": the only way on, not a grey secondary button.
    for prop in ("background-color", "color", "font-weight"):
        assert style(go_on, prop) == style(page.locator("button.primary").first, prop)
    assert style(go_on, "color") == "rgb(255, 255, 255)"
    assert style(go_on, "background-color") != style(back, "background-color")
    ana.shot("section-intro")
    ana.check_clean()

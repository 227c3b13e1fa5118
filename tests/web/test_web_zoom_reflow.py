"""At 200 % zoom on a 360 px phone (180 CSS px), in a real Chromium: nothing scrolls sideways.

WCAG 1.4.10 (reflow): the character count shown near and over a field's limit wraps
between words, "back" and "skip" go one above the other rather than cut mid-word, and
the refusal that follows does not widen the page. On a short flow
(fixtures/polish.yaml); the fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.web.phone import Phone, Server, lines_of, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import Locator, expect
skip_without_a_browser()

POLISH = Path(__file__).parent / "fixtures" / "polish.yaml"


@pytest.fixture
def served_flow() -> Path:
    return POLISH


def sideways(phone: Phone) -> int:
    """How far the page scrolls sideways, in CSS pixels (0: it reflows)."""
    return int(
        phone.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def within_the_screen(phone: Phone, element: Locator) -> bool:
    box, screen = element.bounding_box(), phone.page.viewport_size
    assert box is not None and screen is not None
    return box["x"] >= 0 and box["x"] + box["width"] <= screen["width"]


@pytest.mark.parametrize(
    ("lang", "unit"), [("fr", "caractères"), ("en", "characters")], ids=["fr", "en"]
)
def test_the_count_near_and_over_the_limit_reflows_at_200_percent(
    server: Server, zoomed: Phone, lang: str, unit: str
) -> None:
    ana = zoomed
    page = ana.page
    ana.open(f"{server.url}/chat")
    if lang == "en":
        ana.tap("English")
    send = page.get_by_role("button", name="Send" if lang == "en" else "Envoyer")
    page.locator("#answer").fill("Acme")
    ana.press(send)
    ana.tap("Industrie" if lang == "fr" else "Industry")
    field, count = page.locator("#answer"), page.locator("#answer-count")

    # "812 / 1 000 caractères", then "1 204 / 1 000 caractères : trop long, raccourcissez":
    # on as many lines as it takes, the number with its unit, nothing past the screen.
    for typed, over in ((812, False), (1204, True)):
        field.fill("y" * typed)
        expect(count).to_be_visible()
        expect(count).to_contain_text(unit)
        assert ("over" in (count.get_attribute("class") or "")) == over
        ana.shot(f"zoom-count-{typed}-{lang}")
        assert sideways(ana) == 0
        assert within_the_screen(ana, count)
        assert lines_of(count, unit) == 1
        assert lines_of(count, "1\u202f000" if lang == "fr" else "1,000") == 1

    # "← Retour" and "Passer" one above the other, not cut in two side by side.
    for control in ("Retour", "Passer") if lang == "fr" else ("Back", "Skip"):
        assert lines_of(page.locator(".controls"), control) == 1, control

    # Refused by the server: nothing scrolls sideways either.
    send.click()
    expect(page.locator("#refusal")).to_contain_text(unit)
    ana.shot(f"zoom-refused-{lang}")
    assert sideways(ana) == 0
    ana.check_clean()

"""Taps on a phone with chat.js, in a real Chromium: a double tap, a lost connection, a count.

A double tap answers the question tapped, not the next one: its second tap lands on
the button drawn at the same place on the next question, not yet read, and is ignored;
a tap a moment later is taken, and the keyboard answers at once. "La connexion ne
répond pas" is said where the eyes are, by the answer tapped on a long list, not below
the last answer, off the screen. The count of characters near a field's limit counts
as the server does: an emoji is one character. On the bundled questionnaire, on a
360×740 touch phone; the fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.web.phone import (
    PHONE,
    Phone,
    Phones,
    Server,
    answers,
    comes_on_screen,
    skip_without_a_browser,
)

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SECTOR = "Quel est le secteur d’activité principal"
HEADCOUNT = "Combien de salariés"
GROUP = "fait partie d’un groupe"
TURNOVER = "Quel a été le chiffre d’affaires"
STALLED = "La connexion ne répond pas\u00a0: réessayez."
READING_MS = 400
"""How long after a redraw chat.js ignores a finger's press."""


@pytest.fixture
def touch(browser: Browser, server: Server, tmp_path: Path) -> Iterator[Phone]:
    """A touch phone (360×740, French): its taps are a finger's, as Chromium reports them."""
    context = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True)
    try:
        yield Phone(context.new_page(), server.pace, tmp_path / "screens", scripts=True)
    finally:
        context.close()


def at_sector(phone: Phone, server: Server) -> None:
    phone.open(f"{server.url}/chat?stage=pithiviers")
    phone.tap("✅ J’accepte")
    phone.type("Exemple Industries")
    expect(phone.page.locator("#waiting-text")).to_contain_text(SECTOR)


def slow_network(phone: Phone, latency_ms: int) -> None:
    """Every request `latency_ms` late, as on a phone's network (Chromium's own emulation)."""
    cdp = phone.page.context.new_cdp_session(phone.page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def drawn_at(phone: Phone) -> None:
    """Watch for the next redraw, and note how long after it the finger pressed.

    `window.pressAfterRedraw`, measured in the page from the redraw to the press's
    own time stamp, so that the test's round trips to the browser do not count.
    """
    phone.page.evaluate(
        """() => {
          window.drawnAt = null;
          window.pressAfterRedraw = null;
          new MutationObserver((changes, watching) => {
            window.drawnAt = performance.now();
            watching.disconnect();
          }).observe(document.body, { childList: true });
          document.addEventListener("pointerdown", event => {
            if (window.drawnAt !== null && window.pressAfterRedraw === null) {
              window.pressAfterRedraw = event.timeStamp - window.drawnAt;
            }
          }, true);
        }"""
    )


def enter_after_each_redraw(phone: Phone) -> None:
    """Note how long after each redraw Enter was pressed: `window.enterAfterRedraw`.

    Measured in the page, from the redraw to the key's own time stamp, so that the
    test's round trips to the browser do not count.
    """
    phone.page.evaluate(
        """() => {
          const watch = () => new MutationObserver((changes, watching) => {
            window.drawnAt = performance.now();
            watching.disconnect();
          }).observe(document.body, { childList: true });
          window.enterAfterRedraw = [];
          document.addEventListener("keydown", event => {
            if (event.key !== "Enter") { return; }
            window.enterAfterRedraw.push(event.timeStamp - window.drawnAt);
            watch();
          }, true);
          watch();
        }"""
    )


def redrawn_with(phone: Phone, text: str) -> None:
    """Wait, frame by frame, for the question saying `text`: then act at once."""
    phone.page.wait_for_function(
        "text => (document.getElementById('waiting-text') || {}).textContent?.includes(text)",
        arg=text,
        polling="raf",
        timeout=10_000,
    )


def test_a_double_tap_answers_the_question_tapped_and_not_the_next(
    server: Server, touch: Phone, db_path: Path
) -> None:
    page = touch.page
    at_sector(touch, server)
    slow_network(touch, 60)
    box = page.get_by_role("button", name="Agroalimentaire", exact=True).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    # The second tap of a double tap, at the same place, just after the next question is
    # drawn: on whichever of its buttons is there, and ignored.
    page.wait_for_timeout(600)  # the sector question read
    drawn_at(touch)
    touch.pace.take(2)
    page.touchscreen.tap(x, y)
    redrawn_with(touch, HEADCOUNT)
    page.touchscreen.tap(x, y)
    since = page.evaluate("window.pressAfterRedraw")
    assert since < READING_MS, f"the second tap came {since:.0f} ms after the redraw"
    page.wait_for_timeout(1000)
    expect(page.locator("#waiting-text")).to_contain_text(HEADCOUNT)
    stored = answers(db_path)
    assert stored["sector"] == ("agrifood", None)
    assert "headcount" not in stored
    expect(page.locator(".transcript .bubble.me")).to_have_text(
        ["Exemple Industries", "Agroalimentaire"]
    )

    # A tap a moment later, once the question is read: taken.
    page.wait_for_timeout(600)
    button = page.get_by_role("button", name="10 à 49", exact=True)
    middle = button.bounding_box()
    assert middle is not None
    enter_after_each_redraw(touch)
    touch.pace.take(6)  # the tap's requests and two Enters'
    page.touchscreen.tap(middle["x"] + middle["width"] / 2, middle["y"] + middle["height"] / 2)

    # The keyboard acts at once: Tab to the first answer, Enter, as soon as it is drawn.
    # An Enter that comes late on a busy machine is taken too but proves nothing, so the
    # next question gives a second chance.
    for question in (GROUP, TURNOVER):
        redrawn_with(touch, question)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator("#waiting-text")).not_to_contain_text(question)
        since = page.evaluate("window.enterAfterRedraw.at(-1)")
        if since < READING_MS:
            break
    assert since < READING_MS, f"Enter came {since:.0f} ms after the redraw, twice"
    stored = answers(db_path)
    assert stored["headcount"] == ("h10_49", None)
    assert stored["in_group"] == ("yes", None)
    mine = page.locator(".transcript .bubble.me").all_text_contents()
    assert mine[:4] == ["Exemple Industries", "Agroalimentaire", "10 à 49", "Oui"]
    touch.check_clean()


def test_a_lost_connection_is_said_by_the_answer_tapped_on_a_long_list(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = phones()
    page = ana.page
    at_sector(ana, server)
    assert page.locator("#waiting .choices button").count() == 11

    page.context.set_offline(True)
    tapped = page.get_by_role("button", name="Agroalimentaire", exact=True)
    tapped.click()
    status = page.get_by_role("status")
    expect(status).to_have_text(STALLED)
    assert comes_on_screen(status), status.bounding_box()
    assert comes_on_screen(tapped)
    ana.shot("stalled-by-the-answer")

    # Tapped again, once back online: taken, and the status goes with the old page.
    page.context.set_offline(False)
    ana.tap("Agroalimentaire")
    asks_headcount = page.locator("#waiting-text")
    expect(asks_headcount).to_contain_text(HEADCOUNT)
    assert answers(db_path)["sector"] == ("agrifood", None)
    ana.check_clean()


def test_the_count_of_characters_counts_an_emoji_once_as_the_server_does(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = phones()
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    field, count = page.locator("#answer"), page.locator("#answer-count")
    expect(field).to_have_attribute("data-limit", "120")

    # 121 characters: over, says the page, and the server, with the same number.
    field.fill("A" * 100 + "🏭" * 21)
    expect(count).to_have_text("121\u00a0/ 120 caractères\u00a0: trop long, raccourcissez")
    ana.type("A" * 100 + "🏭" * 21)
    expect(page.locator("#refusal")).to_contain_text("121")

    # 112 characters (100 letters, 12 emoji, 124 units of UTF-16): under the limit, taken.
    name = "A" * 100 + "🏭" * 12
    field.fill(name)
    expect(count).to_have_text("112\u00a0/ 120 caractères")
    expect(count).not_to_have_class("count over")
    ana.type(name)
    expect(page.locator("#waiting-text")).to_contain_text(SECTOR)
    assert answers(db_path)["company_name"] == (name, None)
    ana.check_clean()

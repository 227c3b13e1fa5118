"""A scale's end words, in a real Chromium: each said with its own number, at any width.

Once the row of a scale's buttons wraps (eleven points on a 360 px phone; five at
200 % zoom, two a row), a word over the row's right end stands over a button that is
not the last point: "Forte" over 4 reads as 4's. Each end's word is shown with its
number ("0 = Faible", "10 = Forte"), on the same line, just before it; on one row the
words still stand over their own buttons. The end buttons stay described by the words
alone. On fixtures/access.yaml, its scale's points changed by the test.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from tests.web.phone import ACCESS, NBSP, Phone, Phones, Server, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()


@pytest.fixture
def served_flow(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """access.yaml, its scale from `request.param`'s first point to its last (1 to 5)."""
    low, high = getattr(request, "param", (1, 5))
    text = ACCESS.read_text(encoding="utf-8")
    marker = "        dont_know: true\n"
    assert text.count(marker) == 1
    flow = tmp_path / "scale.yaml"
    points = f"        min: {low}\n        max: {high}\n"
    flow.write_text(text.replace(marker, marker + points), encoding="utf-8")
    return flow


def to_the_scale(ana: Phone, server: Server) -> None:
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("Acme")
    ana.type("15")
    ana.tap("Services")
    ana.tap("Continuer")
    expect(ana.page.locator("#waiting-text")).to_contain_text("Importance ?")


ENDS = """() => {
    const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    const found = {};
    for (const id of ["scale-min", "scale-max"]) {
        const word = document.getElementById(id);
        const before = word.previousSibling;
        let number = null;
        if (before && before.nodeType === Node.TEXT_NODE && before.data.trim()) {
            const range = document.createRange();
            range.selectNodeContents(before);
            number = {text: before.data, box: box(range.getBoundingClientRect())};
        }
        found[id] = {word: word.textContent, box: box(word.getBoundingClientRect()), number};
    }
    found.buttons = [...document.querySelectorAll(".scale-choices button")].map(
        b => ({label: b.textContent.trim(), box: box(b.getBoundingClientRect()),
               described: b.getAttribute("aria-describedby")}));
    return found;
}"""


def check_ends(ana: Phone, low: int, high: int) -> dict[str, Any]:
    """Each end's word on the same line as its number, just after it; the end buttons
    described by the words alone."""
    found: dict[str, Any] = ana.page.evaluate(ENDS)
    for end, point, word in (("scale-min", low, "Faible"), ("scale-max", high, "Forte")):
        shown = found[end]
        assert shown["word"] == word, shown
        number = shown["number"]
        assert number is not None, f"{word!r} is shown without its number: {shown}"
        assert number["text"] == f"{point}{NBSP}={NBSP}", number
        same_line = abs(number["box"]["top"] - shown["box"]["top"]) < 2
        just_before = 0 <= shown["box"]["left"] - number["box"]["right"] < 4
        assert same_line and just_before, (number, shown)
    described = {b["label"]: b["described"] for b in found["buttons"]}
    assert described[str(low)] == "scale-min" and described[str(high)] == "scale-max", described
    assert [label for label, about in described.items() if about] == [str(low), str(high)]
    expect(
        ana.page.get_by_role("button", name=str(high), exact=True)
    ).to_have_accessible_description("Forte")
    return found


def rows(found: dict[str, Any]) -> int:
    return len({round(b["box"]["top"]) for b in found["buttons"] if b["label"].isdigit()})


@pytest.mark.parametrize("served_flow", [(0, 10)], indirect=True)
@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_eleven_points_on_a_phone_each_end_with_its_number(
    server: Server, phones: Phones, scripts: bool
) -> None:
    ana = phones(scripts=scripts)
    to_the_scale(ana, server)
    ana.shot("scale-0-10")
    found = check_ends(ana, 0, 10)
    assert rows(found) > 1  # the case: "10 = Forte" stands over another button
    ana.check_clean()


def test_five_points_at_200_percent_each_end_with_its_number(server: Server, zoomed: Phone) -> None:
    to_the_scale(zoomed, server)
    zoomed.shot("scale-zoomed")
    found = check_ends(zoomed, 1, 5)
    assert rows(found) > 1
    zoomed.check_clean()


def test_on_one_row_the_words_stand_over_their_own_buttons(server: Server, phones: Phones) -> None:
    ana = phones(scripts=False)
    to_the_scale(ana, server)
    found = check_ends(ana, 1, 5)
    assert rows(found) == 1
    first, last = found["buttons"][0]["box"], found["buttons"][4]["box"]
    assert abs(found["scale-min"]["number"]["box"]["left"] - first["left"]) < 2, found
    assert abs(found["scale-max"]["box"]["right"] - last["right"]) < 2, found
    assert found["scale-max"]["box"]["bottom"] <= last["top"], found
    ana.check_clean()

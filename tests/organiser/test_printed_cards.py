"""The invitation cards as an organiser prints them: from links.html, on A4, in Chromium.

Four cards a sheet, all the same size, none split across two sheets, whatever the
stage: the longest name of a French commune, a long territory, a long code, a card
per audience, a long questionnaire title and a long public address for the web chat
included. A printed link reads as the address: it goes onto a second line only
before the stage's code, never at one of its hyphens.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from flows import StageDef
from organiser import StageLink, render_html, stage_links
from tests.organiser.codes import BOT
from tests.web.phone import CHROMIUM_FLAGS, find_chromium, skip_without_a_browser

skip_without_a_browser()
from playwright.sync_api import Browser, sync_playwright  # noqa: E402

MM = 96 / 25.4
"""CSS pixels in a millimetre."""
LONG_WEB = "https://enquete-innovation-territoires.fondation-exemple.org/questionnaire/tour-2019"
AUDIENCES = [("entreprise", "Une entreprise"), ("territoire", "Un acteur du territoire")]
LONG_TITLE = (
    "1er tour de France de l’innovation dans les territoires d’industrie\u00a0: questionnaire "
    "complémentaire auprès des acteurs économiques, académiques et institutionnels des "
    "territoires, édition expérimentale"
)
"""A title of four lines on a card: it is cut at three, so that the card keeps its size."""
STAGES = [
    StageDef(code="pithiviers", city="Pithiviers", region="Centre-Val de Loire",
             territory="Pithiviers", date=dt.date(2019, 6, 5)),
    StageDef(code="saint-remy-en-bouzemont-portes-ouvertes",
             city="Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson",
             region="Grand Est", territory="Vitry-le-François – Saint-Dizier",
             date=dt.date(2019, 9, 26)),
    StageDef(code="chalons", city="Châlons-en-Champagne", region="Grand Est",
             territory="Territoire d'industrie Châlons-en-Champagne, Vitry-le-François et "
             "Saint-Dizier", date=dt.date(2019, 10, 1)),
    StageDef(code="exemple_nord", city="Dunkerque", region="Hauts-de-France",
             territory="Territoire d'exemple (Nord)", date=dt.date(2019, 10, 15), example=True),
    StageDef(code="montbeliard", city="Montbéliard"),
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def printed(browser: Browser, html: str, tmp_path: Path) -> tuple[int, list[dict[str, float]]]:
    """The number of A4 pages the page prints on, and each card's box in print (mm)."""
    page = browser.new_page()
    try:
        path = tmp_path / "links.html"
        path.write_text(html, encoding="utf-8")
        page.goto(path.as_uri())
        pdf = page.pdf(format="A4")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": round(190 * MM), "height": 1000})
        boxes = page.evaluate(
            """mm => [...document.querySelectorAll('.card')].map(card => {
                const box = card.getBoundingClientRect();
                const inner = [...card.querySelectorAll('*')].map(e => e.getBoundingClientRect());
                const qr = card.querySelector('.qr svg').getBoundingClientRect();
                const title = card.querySelector('.title');
                const lineHeight = parseFloat(getComputedStyle(title).lineHeight);
                return {height: box.height / mm, width: box.width / mm,
                        overflow: Math.max(...inner.map(r => r.bottom)) - box.bottom,
                        overflowX: Math.max(...inner.map(r => r.right)) - box.right,
                        qr: qr.width / mm,
                        titleLines: title.getBoundingClientRect().height / lineHeight,
                        titlePt: parseFloat(getComputedStyle(title).fontSize) * 0.75};
            })""",
            MM,
        )
    finally:
        page.close()
    return len(re.findall(rb"/Type\s*/Page\b", pdf)), boxes


def titled(links: list[StageLink]) -> list[StageLink]:
    """The links with a long questionnaire title on their cards, the second one's longer."""
    return [
        replace(link, title=LONG_TITLE if n % 2 else LONG_TITLE[:67])
        for n, link in enumerate(links)
    ]


@pytest.mark.parametrize("web", [None, LONG_WEB], ids=["telegram", "long-web-address"])
@pytest.mark.parametrize("audiences", [[], AUDIENCES], ids=["one-flow", "two-flows"])
def test_four_whole_cards_a_sheet_of_a4(
    browser: Browser, tmp_path: Path, web: str | None, audiences: list[tuple[str, str]]
) -> None:
    links = titled(stage_links(STAGES, BOT, web_url=web, audiences=audiences))
    pages, cards = printed(browser, render_html(links, bot_username=BOT), tmp_path)
    assert len(cards) == len(links)
    # A card cut across two sheets, or a sheet of fewer cards, would take more pages.
    assert pages == math.ceil(len(links) / 4)
    for card in cards:
        # All the same size, so that two cuts make four cards; nothing spills out of one.
        assert card["height"] == pytest.approx(132, abs=0.5)
        assert card["overflow"] <= 0.5 and card["overflowX"] <= 0.5
        # Big enough to scan from across a table: 3 cm is the usual minimum on paper.
        assert card["qr"] >= 45
        # The questionnaire's title, small but readable, on three lines at most.
        assert card["titlePt"] >= 8
        assert 1 <= round(card["titleLines"]) <= 3


def test_a_printed_link_breaks_only_before_the_stage_s_code(
    browser: Browser, tmp_path: Path
) -> None:
    """What a reader types from paper: lines that join into the address, a code on a line of
    its own when it fits one (never cut at a hyphen), and a copy that is the address."""
    links = stage_links(STAGES, BOT, web_url=LONG_WEB, audiences=AUDIENCES)
    links += stage_links(STAGES, BOT, web_url="https://enquete.example.org")
    shown = printed_links(browser, render_html(links, bot_username=BOT), tmp_path)
    assert len(shown) == 2 * len(links)  # per card: a web link and a Telegram link
    wrapped = 0
    for link in shown:
        url, lines, fits = link["url"], link["lines"], link["fits"]
        assert "".join(lines) == url
        assert link["copied"] == link["text"] == url
        fixed, code = url[: -len(link["code"])], link["code"]
        breaks = {sum(map(len, lines[:n])) for n in range(1, len(lines))}
        if len(fixed) <= fits:
            assert not any(0 < at < len(fixed) for at in breaks), lines
        if len(code) <= fits:
            assert not any(len(fixed) < at < len(url) for at in breaks), lines
            assert not any(line.endswith("-") for line in lines[:-1]), lines
        wrapped += len(fixed) in breaks and "-" in code
    assert wrapped  # some hyphenated code did go onto a line of its own


def printed_links(browser: Browser, html: str, tmp_path: Path) -> list[dict[str, Any]]:
    """Every link of the page as printed: its address, its lines, its text as copied, and
    how many characters a line of it holds."""
    page = browser.new_page()
    try:
        path = tmp_path / "links.html"
        path.write_text(html, encoding="utf-8")
        page.goto(path.as_uri())
        page.emulate_media(media="print")
        page.set_viewport_size({"width": round(190 * MM), "height": 1000})
        return page.evaluate(
            """() => [...document.querySelectorAll('.card .link a')].map(a => {
                const chars = [];
                const walk = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
                for (let node = walk.nextNode(); node; node = walk.nextNode()) {
                    for (let i = 0; i < node.length; i++) {
                        const range = document.createRange();
                        range.setStart(node, i);
                        range.setEnd(node, i + 1);
                        chars.push([node.data[i], range.getBoundingClientRect()]);
                    }
                }
                const lines = [];
                let top = null;
                for (const [c, box] of chars) {
                    if (top === null || Math.abs(box.top - top) > 1) { lines.push(''); top = box.top; }
                    lines[lines.length - 1] += c;
                }
                const selection = getSelection();
                selection.removeAllRanges();
                const all = document.createRange();
                all.selectNodeContents(a);
                selection.addRange(all);
                const copied = selection.toString();
                return {url: a.href, code: a.closest('.card').dataset.stage, lines, copied,
                        text: a.innerText,
                        fits: Math.floor(a.parentElement.clientWidth / chars[0][1].width)};
            })"""
        )
    finally:
        page.close()


def test_the_page_counts_stages_and_cards_apart() -> None:
    one = render_html(stage_links(STAGES, BOT), bot_username=BOT)
    assert "— 5\u00a0ateliers</p>" in one
    two = render_html(stage_links(STAGES, BOT, audiences=AUDIENCES), bot_username=BOT)
    assert "— 5\u00a0ateliers, 10\u00a0cartes</p>" in two


def test_french_cards_use_print_typography() -> None:
    page = render_html(stage_links(STAGES, BOT), bot_username=BOT)
    assert "Territoire d’exemple (Nord)" in page and "d'exemple" not in page
    assert "1<sup>er</sup>\u00a0octobre\u00a02019" in page
    english = render_html(stage_links(STAGES, BOT), bot_username=BOT, lang="en")
    assert "1\u00a0October\u00a02019" in english

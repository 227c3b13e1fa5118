"""The printable page: a card per stage with city, date, QR code and link; the kit on disk."""

from __future__ import annotations

import datetime as dt
import tomllib
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from flows import StageDef, format_day
from organiser import LinkError, render_csv, render_html, stage_link, stage_links, write_links
from tests.organiser.codes import BOT, decode

ROOT = Path(__file__).resolve().parents[2]


# --- the printable page ---------------------------------------------------------


class Cards(HTMLParser):
    """The cards of the page: stage code -> city, date, link href and text, QR paths."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, dict[str, str]] = {}
        self._card: dict[str, str] | None = None
        self._field: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "article":
            self._card = {"city": "", "date": "", "link": "", "qr": "0"}
            self.cards[found["data-stage"] or ""] = self._card
        elif self._card is not None:
            kind = (found.get("class") or "").split()
            if tag == "h2":
                self._field = "city"
            elif tag == "p" and "date" in kind:
                self._field = "date"
            elif tag == "a":
                self._card["href"] = found["href"] or ""
                self._field = "link"
            elif tag == "path":
                self._card["qr"] = str(int(self._card["qr"]) + 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._card = None
        if tag in ("h2", "p", "a"):
            self._field = None

    def handle_data(self, data: str) -> None:
        if self._card is not None and self._field is not None:
            self._card[self._field] += data


def test_html_page_lists_every_stage(tour_stages: list[StageDef]) -> None:
    links = stage_links(tour_stages, BOT)
    page = render_html(links, bot_username=BOT)
    parser = Cards()
    parser.feed(page)
    assert list(parser.cards) == [stage.code for stage in tour_stages]
    for link in links:
        card = parser.cards[link.code]
        assert card["href"] == card["link"] == link.url
        assert card["qr"] == "1"
        assert card["city"].startswith(link.stage.city)
        assert card["date"] == format_day(link.stage.date)
    assert parser.cards["evreux"]["city"] == "Évreux (exemple)"
    assert parser.cards["pithiviers"]["date"] == "5 juin 2019"
    # Escaped in the page, and read back whole.
    assert "<&>" not in page
    assert parser.cards["Saint-Remy_2"]["city"] == '=Saint-Rémy <&> "Sud"'
    assert '<html lang="fr">' in page and "@page" in page


def test_html_page_in_english() -> None:
    stage = StageDef(code="demo", city="Dunkerque", date=dt.date(2019, 10, 15), example=True)
    page = render_html([stage_link(stage, BOT)], bot_username=BOT, lang="en")
    assert '<html lang="en">' in page
    assert "15 October 2019" in page and "(example)" in page and "exemple" not in page


# --- all of it on disk ----------------------------------------------------------


def test_write_links_puts_every_file_in_place(tmp_path: Path, tour_stages: list[StageDef]) -> None:
    links = stage_links(tour_stages, BOT)
    out = tmp_path / "invitations"
    written = write_links(links, out, bot_username=BOT)
    assert written.csv == out / "links.csv" and written.html == out / "links.html"
    assert sorted(p.name for p in (out / "qr").iterdir()) == sorted(
        f"{stage.code}.{ext}" for stage in tour_stages for ext in ("png", "svg")
    )
    assert written.csv.read_text(encoding="utf-8") == render_csv(links)
    assert written.html.read_text(encoding="utf-8") == render_html(links, bot_username=BOT)
    for link in links:
        assert decode(Image.open(out / "qr" / f"{link.code}.png")) == [link.url]
        ET.parse(out / "qr" / f"{link.code}.svg")


def test_write_links_reports_a_folder_it_cannot_use(
    tmp_path: Path, tour_stages: list[StageDef]
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    with pytest.raises(LinkError, match="cannot write the links into"):
        write_links(stage_links(tour_stages, BOT), blocker, bot_username=BOT)


def test_templates_ship_with_the_package() -> None:
    """Every template matches the package data in pyproject.toml, so a wheel carries it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["organiser"]
    package = ROOT / "organiser"
    files = [p.relative_to(package) for p in (package / "templates").rglob("*") if p.is_file()]
    assert files
    assert [f for f in files if not any(f.match(glob) for glob in globs)] == []

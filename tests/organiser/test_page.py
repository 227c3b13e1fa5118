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
from tests.organiser.codes import BOT, decode, rasterise

ROOT = Path(__file__).resolve().parents[2]


# --- the printable page ---------------------------------------------------------


class Cards(HTMLParser):
    """The cards of the page: stage code -> title, city, date, cta, link href and text, QR paths.

    With two links, the web one is read as "web", "web_href" and "web_via" (its
    label), the Telegram one as "link", "href" and "via". In a link, the text of its
    spans of class "fixed" and "code" is also read as "fixed" and "code" ("web_fixed",
    "web_code"), and its markup, text left out, as "markup" ("web_markup").
    """

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, dict[str, str]] = {}
        self._card: dict[str, str] | None = None
        self._fields: list[str | None] = []
        self._web = False
        self._link: str | None = None
        self._part: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "article":
            self._card = {"title": "", "city": "", "date": "", "cta": "", "link": "", "qr": "0"}
            self.cards[found["data-stage"] or ""] = self._card
            return
        if self._card is None:
            return
        kind = (found.get("class") or "").split()
        prefix = "web_" if self._web else ""
        if self._link is not None:
            self._card[prefix + "markup"] += self.get_starttag_text() or ""
            if tag == "span" and kind and kind[0] in ("fixed", "code"):
                self._part = prefix + kind[0]
                self._card[self._part] = ""
            if tag == "span":
                self._fields.append(self._fields[-1])
            return
        # A span's text (the example mark after a city) is its parent's.
        field = self._fields[-1] if tag == "span" and self._fields else None
        if tag == "h2":
            field = "city"
        elif tag == "p" and kind and kind[0] in ("title", "date", "cta"):
            field = kind[0]
        elif tag == "p" and "link" in kind:
            self._web = "web" in kind
        elif tag == "span" and "via" in kind:
            field = prefix + "via"
        elif tag == "a":
            self._card[prefix + "href"] = found["href"] or ""
            self._card[prefix + "markup"] = ""
            self._link = field = "web" if self._web else "link"
        elif tag == "path":
            self._card["qr"] = str(int(self._card["qr"]) + 1)
        if field is not None:
            self._card.setdefault(field, "")
        if tag in ("h2", "p", "a", "span"):
            self._fields.append(field)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <wbr/>: no end tag to read

    def handle_endtag(self, tag: str) -> None:
        if self._card is not None and self._link is not None and tag != "a":
            self._card[("web_" if self._web else "") + "markup"] += f"</{tag}>"
        if tag == "article":
            self._card = None
            self._fields = []
        if tag == "p":
            self._web = False
        if tag == "a":
            self._link = None
        if tag == "span":
            self._part = None
        if tag in ("h2", "p", "a", "span") and self._fields:
            self._fields.pop()

    def handle_data(self, data: str) -> None:
        if self._card is None:
            return
        if self._fields and self._fields[-1] is not None:
            self._card[self._fields[-1]] += data
        if self._part is not None:
            self._card[self._part] += data


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
    assert parser.cards["pithiviers"]["date"] == "5\u00a0juin\u00a02019"
    # Escaped in the page, and read back whole.
    assert "<&>" not in page
    assert parser.cards["Saint-Remy_2"]["city"] == '=Saint-Rémy <&> "Sud"'
    assert '<html lang="fr">' in page and "@page" in page


WEB = "https://enquete.example.org"


def test_with_a_web_link_each_card_shows_both_and_its_code_opens_the_web_one(
    tour_stages: list[StageDef],
) -> None:
    links = stage_links(tour_stages, BOT, web_url=WEB)
    page = render_html(links, bot_username=BOT)
    parser = Cards()
    parser.feed(page)
    assert list(parser.cards) == [stage.code for stage in tour_stages]
    for link in links:
        card = parser.cards[link.code]
        assert card["web_href"] == card["web"] == f"{WEB}/s/{link.code}"
        assert card["href"] == card["link"] == link.url
        assert (card["web_via"], card["via"]) == (
            "Telegram ou navigateur\u00a0:",
            "Telegram directement\u00a0:",
        )
        assert "Telegram ou dans le navigateur" in card["cta"]
        assert card["qr"] == "1"
    # The code drawn in each card is the web link's.
    body = page[page.index("<main") : page.index("</main>") + len("</main>")]
    main = ET.fromstring(body)
    svgs = list(main.iter("{http://www.w3.org/2000/svg}svg"))
    assert [decode(rasterise(svg)) for svg in svgs] == [[f"{WEB}/s/{s.code}"] for s in tour_stages]


def test_without_a_web_link_the_card_has_the_telegram_link_only(
    tour_stages: list[StageDef],
) -> None:
    page = render_html(stage_links(tour_stages, BOT), bot_username=BOT)
    parser = Cards()
    parser.feed(page)
    card = parser.cards["pithiviers"]
    assert card["cta"] == "Scannez le QR code avec votre téléphone, ou ouvrez le lien\u00a0:"
    assert "web" not in card and "via" not in card
    assert "navigateur" not in page and 'class="link web"' not in page


@pytest.mark.parametrize("web", [None, WEB], ids=["telegram", "web"])
def test_a_printed_link_is_the_url_and_breaks_only_before_the_code(web: str | None) -> None:
    """A link may go onto two lines between its fixed part and the stage's code, nowhere
    else: not at a hyphen of the code, which a reader would drop as a line-end hyphen;
    and what the page shows (and a copy takes) is the address, character for character."""
    stages = [StageDef(code="cluses-portes-ouvertes", city="Cluses"), StageDef(code="x", city="X")]
    parser = Cards()
    parser.feed(render_html(stage_links(stages, BOT, web_url=web), bot_username=BOT))
    for stage in stages:
        card = parser.cards[stage.code]
        shown = [("", "?start=")] + ([("web_", "/s/")] if web else [])
        for prefix, before_code in shown:
            url = card[prefix + "href"]
            assert card["web" if prefix else "link"] == url
            assert card[prefix + "fixed"] + card[prefix + "code"] == url
            assert card[prefix + "fixed"].endswith(before_code)
            assert card[prefix + "code"] == stage.code
            # One break opportunity, no character added (a soft or no-break hyphen).
            assert card[prefix + "markup"] == (
                '<span class="fixed"></span><wbr/><span class="code"></span>'
            )


def test_web_labels_in_english() -> None:
    stage = StageDef(code="demo", city="Dunkerque")
    page = render_html([stage_link(stage, BOT, web_url=WEB)], bot_username=BOT, lang="en")
    parser = Cards()
    parser.feed(page)
    card = parser.cards["demo"]
    assert (card["web_via"], card["via"]) == ("Telegram or browser:", "Straight to Telegram:")
    assert "Telegram or in the browser" in card["cta"]


def test_html_page_in_english() -> None:
    stage = StageDef(code="demo", city="Dunkerque", date=dt.date(2019, 10, 15), example=True)
    page = render_html([stage_link(stage, BOT)], bot_username=BOT, lang="en")
    assert '<html lang="en">' in page
    assert "15\u00a0October\u00a02019" in page and "(example)" in page and "exemple" not in page


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


def test_write_links_with_web_links(tmp_path: Path, tour_stages: list[StageDef]) -> None:
    links = stage_links(tour_stages, BOT, web_url=WEB)
    written = write_links(links, tmp_path, bot_username=BOT, lang="en")
    assert written.csv.read_text(encoding="utf-8") == render_csv(links, lang="en")
    assert written.html.read_text(encoding="utf-8") == render_html(
        links, bot_username=BOT, lang="en"
    )
    for link, png, svg in zip(links, written.png, written.svg, strict=True):
        assert decode(Image.open(png)) == [f"{WEB}/s/{link.code}"]
        assert decode(rasterise(ET.parse(svg).getroot())) == [f"{WEB}/s/{link.code}"]


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

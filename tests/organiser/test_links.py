"""Invitation links: valid deep links, QR codes that decode back to them, a page that lists them all.

The QR codes are read back with zxing-cpp, the decoder of Android's barcode
apps: from the PNG as written, and from the SVG drawn into pixels here (its
path is a list of one-module-high rectangles).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from exports.links import (
    LinkError,
    StageLink,
    caption_font,
    check_bot_username,
    deep_link,
    format_day,
    render_csv,
    render_html,
    render_qr_png,
    render_qr_svg,
    stage_link,
    stage_links,
    write_links,
)
from flows import StageDef, bundled_path, load_stages

BOT = "tour_innovation_bot"
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SVG = "{http://www.w3.org/2000/svg}"


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def check_link(url: str, code: str) -> None:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "t.me", f"/{BOT}")
    assert parts.fragment == ""
    assert parse_qs(parts.query, strict_parsing=True) == {"start": [code]}
    assert PAYLOAD.match(code)


# --- usernames and links --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tour_innovation_bot", "tour_innovation_bot"),
        ("TourBot", "TourBot"),
        ("abBOT", "abBOT"),
        ("@tour_innovation_bot", "tour_innovation_bot"),
        (" tetrisbot ", "tetrisbot"),
        ("a" * 29 + "bot", "a" * 29 + "bot"),
    ],
)
def test_valid_bot_usernames(name: str, expected: str) -> None:
    assert check_bot_username(name) == expected


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("abot", "5 to 32"),
        ("a" * 30 + "bot", "5 to 32"),
        ("tour-bot", "letters, digits or '_'"),
        ("tour bot", "letters, digits or '_'"),
        ("tourbôt", "letters, digits or '_'"),
        ("tour_innovation", "must end in 'bot'"),
        ("botanist", "must end in 'bot'"),
        ("", "5 to 32"),
    ],
)
def test_invalid_bot_usernames_say_why(name: str, reason: str) -> None:
    with pytest.raises(LinkError, match=re.escape(reason)):
        check_bot_username(name)


def test_deep_link_refuses_a_payload_telegram_would_drop() -> None:
    assert deep_link(BOT, "Saint-Remy_2") == f"https://t.me/{BOT}?start=Saint-Remy_2"
    for payload in ("", "saint malo", "évreux", "a" * 65, "a&start=b"):
        with pytest.raises(LinkError, match="cannot travel in a link"):
            deep_link(BOT, payload)


def test_every_stage_gets_a_valid_link(tour_stages: list[StageDef]) -> None:
    links = stage_links(tour_stages, BOT)
    assert [link.code for link in links] == [stage.code for stage in tour_stages]
    for link, stage in zip(links, tour_stages, strict=True):
        check_link(link.url, stage.code)


def test_bundled_stages_make_valid_links() -> None:
    stages = load_stages(bundled_path("stages.yaml"))
    for link in stage_links(stages, BOT):
        check_link(link.url, link.code)


@pytest.mark.parametrize(
    ("day", "lang", "shown"),
    [
        (dt.date(2019, 6, 5), "fr", "5 juin 2019"),
        (dt.date(2019, 8, 1), "fr", "1er août 2019"),
        (dt.date(2019, 12, 24), "fr", "24 décembre 2019"),
        (dt.date(2019, 6, 5), "en", "5 June 2019"),
        (dt.date(2019, 8, 1), "en", "1 August 2019"),
    ],
)
def test_dates_read_as_people_write_them(day: dt.date, lang: str, shown: str) -> None:
    assert format_day(StageDef(code="x", city="X", date=day), lang=lang) == shown
    assert format_day(StageDef(code="x", city="X"), lang=lang) == ""


# --- CSV --------------------------------------------------------------------------


def test_csv_lists_every_stage(tour_stages: list[StageDef]) -> None:
    text = render_csv(stage_links(tour_stages, BOT))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["stage", "city", "region", "date", "link"]
    assert [row["stage"] for row in rows] == ["pithiviers", "evreux", "Saint-Remy_2", "vitre"]
    assert rows[0] == {
        "stage": "pithiviers",
        "city": "Pithiviers",
        "region": "Centre-Val de Loire",
        "date": "2019-06-05",
        "link": f"https://t.me/{BOT}?start=pithiviers",
    }
    # The example is there, marked; a city that a spreadsheet would run as a formula is not.
    assert rows[1]["city"] == "Évreux (exemple)"
    assert rows[2]["city"] == '\'=Saint-Rémy <&> "Sud"'
    assert rows[3]["date"] == rows[3]["region"] == ""
    for row in rows:
        check_link(row["link"], row["stage"])


# --- QR codes ---------------------------------------------------------------------


def caption_rows(image: Image.Image) -> int:
    """How many rows under the QR code hold ink: the caption's height, roughly."""
    (found,) = zxingcpp.read_barcodes(image)
    bottom = max(found.position.bottom_left.y, found.position.bottom_right.y)
    grey = image.convert("L")
    rows = 0
    for y in range(bottom + 1, grey.height):
        if grey.crop((0, y, grey.width, y + 1)).getextrema()[0] < 128:
            rows += 1
    return rows


def test_png_decodes_back_to_its_link(tour_stages: list[StageDef]) -> None:
    for link in stage_links(tour_stages, BOT):
        png = render_qr_png(link)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        image = Image.open(io.BytesIO(png))
        assert decode(image) == [link.url]
        assert caption_rows(image) > 15


def test_png_caption_has_a_line_for_the_date(tour_stages: list[StageDef]) -> None:
    pithiviers, vitre = tour_stages[0], tour_stages[3]
    with_date = Image.open(io.BytesIO(render_qr_png(stage_link(pithiviers, BOT))))
    without = Image.open(io.BytesIO(render_qr_png(stage_link(vitre, BOT))))
    assert vitre.date is None and pithiviers.date is not None
    assert caption_rows(with_date) - caption_rows(without) > 12


def test_long_city_widens_the_png_rather_than_clipping() -> None:
    stage = StageDef(code="long", city="Saint-Rémy-sur-Avre et Nonancourt réunis", example=True)
    image = Image.open(io.BytesIO(render_qr_png(stage_link(stage, BOT))))
    font, _ = caption_font(30, bold=True)
    assert image.width >= font.getlength("Saint-Rémy-sur-Avre et Nonancourt réunis (exemple)")
    assert decode(image) == [f"https://t.me/{BOT}?start=long"]


def rasterise(svg: ET.Element, scale: int = 8) -> Image.Image:
    """Draw the QR path of one of our SVGs (rectangles `Mx yhWv1h-Wz`) into pixels."""
    path = svg.find(f"{SVG}path")
    assert path is not None
    view = [float(v) for v in svg.attrib["viewBox"].split()]
    shift = re.fullmatch(r"translate\(([\d.]+) 0\)", path.attrib["transform"])
    assert shift is not None
    dx = float(shift.group(1))
    image = Image.new("L", (round(view[2] * scale), round(view[3] * scale)), 255)
    draw = ImageDraw.Draw(image)
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", path.attrib["d"])
    assert runs and "".join(f"M{x} {y}h{w}v1h-{w}z" for x, y, w, _ in runs) == path.attrib["d"]
    for x, y, width, back in runs:
        assert width == back
        left = (float(x) + dx) * scale
        draw.rectangle(
            (left, int(y) * scale, left + int(width) * scale - 1, (int(y) + 1) * scale - 1), fill=0
        )
    return image


def test_svg_is_well_formed_names_the_city_and_decodes(tour_stages: list[StageDef]) -> None:
    for link in stage_links(tour_stages, BOT):
        text = render_qr_svg(link)
        root = ET.fromstring(text.encode("utf-8"))
        assert root.tag == f"{SVG}svg"
        captions = [t.text for t in root.iter(f"{SVG}text")]
        stage = link.stage
        assert captions[0] == stage.city + (" (exemple)" if stage.example else "")
        assert captions[1:] == ([format_day(stage)] if stage.date else [])
        assert decode(rasterise(root)) == [link.url]


def test_svg_without_caption_is_a_fragment_for_html(tour_stages: list[StageDef]) -> None:
    fragment = render_qr_svg(stage_link(tour_stages[0], BOT), caption=False)
    assert not fragment.startswith("<?xml")
    root = ET.fromstring(fragment)
    assert list(root.iter(f"{SVG}text")) == []
    assert decode(rasterise(root)) == [f"https://t.me/{BOT}?start=pithiviers"]


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
        assert card["date"] == format_day(link.stage)
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


def test_stage_link_is_all_telegram_needs_for_one_qr_code() -> None:
    """What /qr CODE in Telegram will call: a StageDef and the bot's username give the PNG."""
    stage = StageDef(code="pithiviers", city="Pithiviers", date=dt.date(2019, 6, 5))
    link = stage_link(stage, "@" + BOT)
    assert link == StageLink(stage, f"https://t.me/{BOT}?start=pithiviers")
    assert decode(Image.open(io.BytesIO(render_qr_png(link, lang="en")))) == [link.url]

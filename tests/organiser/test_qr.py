"""QR codes: PNG and SVG that decode back to their link, with the city and date under them.

The QR codes are read back with zxing-cpp, the decoder of Android's barcode
apps: from the PNG as written, and from the SVG drawn into pixels here (its
path is a list of one-module-high rectangles).
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image

from flows import StageDef, format_day
from organiser import (
    StageLink,
    caption_font,
    render_qr_png,
    render_qr_svg,
    stage_link,
    stage_links,
)
from tests.organiser.codes import BOT, SVG, decode, rasterise


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


def test_svg_is_well_formed_names_the_city_and_decodes(tour_stages: list[StageDef]) -> None:
    for link in stage_links(tour_stages, BOT):
        text = render_qr_svg(link)
        root = ET.fromstring(text.encode("utf-8"))
        assert root.tag == f"{SVG}svg"
        captions = [t.text for t in root.iter(f"{SVG}text")]
        stage = link.stage
        assert captions[0] == stage.city + (" (exemple)" if stage.example else "")
        assert captions[1:] == ([format_day(stage.date)] if stage.date else [])
        assert decode(rasterise(root)) == [link.url]


def test_svg_without_caption_is_a_fragment_for_html(tour_stages: list[StageDef]) -> None:
    fragment = render_qr_svg(stage_link(tour_stages[0], BOT), caption=False)
    assert not fragment.startswith("<?xml")
    root = ET.fromstring(fragment)
    assert list(root.iter(f"{SVG}text")) == []
    assert decode(rasterise(root)) == [f"https://t.me/{BOT}?start=pithiviers"]


def captions(svg: str) -> list[str | None]:
    return [t.text for t in ET.fromstring(svg.encode("utf-8")).iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("day", "lang", "shown"),
    [
        (dt.date(2019, 6, 5), "fr", "5\u00a0juin\u00a02019"),
        (dt.date(2019, 8, 1), "fr", "1er\u00a0août\u00a02019"),
        (dt.date(2019, 12, 24), "fr", "24\u00a0décembre\u00a02019"),
        (dt.date(2019, 6, 5), "en", "5\u00a0June\u00a02019"),
        (dt.date(2019, 8, 1), "en", "1\u00a0August\u00a02019"),
    ],
)
def test_dates_read_as_people_write_them(day: dt.date, lang: str, shown: str) -> None:
    dated = stage_link(StageDef(code="x", city="X", date=day), BOT)
    assert captions(render_qr_svg(dated, lang=lang)) == ["X", shown]
    undated = stage_link(StageDef(code="x", city="X"), BOT)
    assert captions(render_qr_svg(undated, lang=lang)) == ["X"]


def test_stage_link_is_all_telegram_needs_for_one_qr_code() -> None:
    """What /qr CODE in Telegram will call: a StageDef and the bot's username give the PNG."""
    stage = StageDef(code="pithiviers", city="Pithiviers", date=dt.date(2019, 6, 5))
    link = stage_link(stage, "@" + BOT)
    assert link == StageLink(stage, f"https://t.me/{BOT}?start=pithiviers")
    assert decode(Image.open(io.BytesIO(render_qr_png(link, lang="en")))) == [link.url]


def test_with_a_web_link_the_codes_open_the_landing_page(tour_stages: list[StageDef]) -> None:
    web = "https://enquete.example.org"
    for link in stage_links(tour_stages, BOT, web_url=web):
        expected = f"{web}/s/{link.code}"
        assert decode(Image.open(io.BytesIO(render_qr_png(link)))) == [expected]
        root = ET.fromstring(render_qr_svg(link).encode("utf-8"))
        assert decode(rasterise(root)) == [expected]
        assert root.attrib["aria-label"] == expected
        fragment = ET.fromstring(render_qr_svg(link, caption=False))
        assert decode(rasterise(fragment)) == [expected]


def test_a_local_web_link_for_a_rehearsal_decodes_too() -> None:
    stage = StageDef(code="pithiviers", city="Pithiviers", date=dt.date(2019, 6, 5))
    link = stage_link(stage, BOT, web_url="http://127.0.0.1:8000")
    png = Image.open(io.BytesIO(render_qr_png(link, lang="en")))
    assert decode(png) == ["http://127.0.0.1:8000/s/pithiviers"]
    assert caption_rows(png) > 15

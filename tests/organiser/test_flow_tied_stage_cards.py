"""`surveybot links` with two questionnaires and a stage tied to one of them (`flow:`).

Such a stage has one card and one QR code, its plain code's, which opens its
questionnaire without asking: they say whom they invite ("Un acteur du
territoire") as every other card does, and links.csv fills its audience cell.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner, Result
from PIL import Image

from bot.cli import main
from tests.organiser.codes import BOT, decode, rasterise

STAGES = """\
stages:
  - code: pithiviers
    city: Pithiviers
    date: 2019-06-05
  - code: saint-etienne
    city: Saint-Étienne
    date: 2019-08-01
    flow: tour_innov_2019_acteurs
"""
TIED = f"https://t.me/{BOT}?start=saint-etienne"
ACTOR = "Un acteur du territoire"


@pytest.fixture
def kit(clean_env: Path) -> Path:
    """The kit `surveybot links --flows bundled` writes for the stages above."""
    (clean_env / "stages.yaml").write_text(STAGES, encoding="utf-8")
    result = invoke(
        "links", "--bot-username", BOT, "--flows", "bundled", "--stages", "stages.yaml",
        "--out", "kit",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("3 links: wrote")
    return clean_env / "kit"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_the_csv_names_the_audience_of_the_tied_stage(kit: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((kit / "links.csv").read_text("utf-8"))))
    assert [(row["stage"], row["audience"], row["link"]) for row in rows] == [
        ("pithiviers", "entreprise", f"https://t.me/{BOT}?start=pithiviers__entreprise"),
        ("pithiviers", "territoire", f"https://t.me/{BOT}?start=pithiviers__territoire"),
        ("saint-etienne", "territoire", TIED),
    ]


def test_its_card_says_whom_it_invites(kit: Path) -> None:
    page = (kit / "links.html").read_text("utf-8")
    card = page[page.index('id="stage-saint-etienne"') :]
    card = card[: card.index("</article>")]
    assert f'<p class="audience">{ACTOR}</p>' in card
    assert TIED in card


def test_its_qr_pictures_say_it_and_open_its_plain_link(kit: Path) -> None:
    assert sorted(p.name for p in (kit / "qr").iterdir()) == [
        "pithiviers__entreprise.png", "pithiviers__entreprise.svg",
        "pithiviers__territoire.png", "pithiviers__territoire.svg",
        "saint-etienne.png", "saint-etienne.svg",
    ]  # fmt: skip
    svg = ET.parse(kit / "qr" / "saint-etienne.svg").getroot()
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["Saint-Étienne", ACTOR, "1er\u00a0août\u00a02019"]
    assert decode(rasterise(svg)) == [TIED]
    with Image.open(kit / "qr" / "saint-etienne.png") as png:
        assert [r.text for r in zxingcpp.read_barcodes(png)] == [TIED]
        height = png.height
    # Its slide picture has the three lines of caption a per-audience one has.
    with Image.open(kit / "qr" / "pithiviers__territoire.png") as other:
        assert height == other.height

"""The printable page of invitation cards and the drop-off chart name the stages as the
stages file calls them: the page's count ("2 salons"), its instruction ("une carte par
salon") and each QR code's title ("QR code du salon pithiviers"); the chart's heading
("tous les salons", "salon x1" for a code the file does not hold), in French and English.

The same made-up files as tests/conversation/test_stage_nouns.py; a file whose stages
are called differently names them with the default noun, as the bot's other texts about
no stage in particular do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows import bundled_path, load_flow, load_stages
from organiser import compute_stats, render_html, stage_links
from organiser.chart import chart_subtitle
from tests.organiser.codes import BOT
from tests.support.stage_nouns import write_stages

NBSP = "\u00a0"
DAY = dt.date(2019, 7, 4)
FRENCH = {
    "journée": (
        "2 journées portes ouvertes",
        "une carte par journée portes ouvertes",
        "QR code de la journée portes ouvertes",
    ),
    "salon": ("2 salons", "une carte par salon", "QR code du salon"),
    "événement": ("2 événements", "une carte par événement", "QR code de l’événement"),
    "atelier": ("2 ateliers", "une carte par atelier", "QR code de l’atelier"),
    "mixed": ("2 ateliers", "une carte par atelier", "QR code de l’atelier"),
}
ENGLISH = {
    "journée": ("2 open days", "one card per open day", "QR code of the open day"),
    "salon": ("2 trade fairs", "one card per trade fair", "QR code of the trade fair"),
    "événement": ("2 events", "one card per event", "QR code of the event"),
    "atelier": ("2 workshops", "one card per workshop", "QR code of the workshop"),
    "mixed": ("2 workshops", "one card per workshop", "QR code of the workshop"),
}


def page(tmp_path: Path, noun: str, lang: str) -> str:
    stages = load_stages(write_stages(tmp_path, noun))
    return render_html(stage_links(stages, BOT, lang=lang), bot_username=BOT, lang=lang)


@pytest.mark.parametrize("noun", FRENCH)
def test_the_french_page_calls_the_stages_what_the_file_calls_them(
    tmp_path: Path, noun: str
) -> None:
    counted, instruction, qr = FRENCH[noun]
    html = page(tmp_path, noun, "fr")
    assert f"— {counted.replace(' ', NBSP, 1)}</p>" in html
    assert f"{instruction}, à découper." in html
    assert f'title="{qr} pithiviers"' in html
    assert "étape" not in html


@pytest.mark.parametrize("noun", ENGLISH)
def test_the_english_page_calls_the_stages_what_the_file_calls_them(
    tmp_path: Path, noun: str
) -> None:
    counted, instruction, qr = ENGLISH[noun]
    html = page(tmp_path, noun, "en")
    assert f"— {counted.replace(' ', NBSP, 1)}</p>" in html
    assert f"{instruction}, to cut out." in html
    assert f'title="{qr} pithiviers"' in html
    assert "per stage" not in html


CHART = {
    "fr": {
        "journée": ("toutes les journées portes ouvertes", "journée portes ouvertes x1"),
        "salon": ("tous les salons", "salon x1"),
        "événement": ("tous les événements", "événement x1"),
        "atelier": ("tous les ateliers", "atelier x1"),
        "mixed": ("tous les ateliers", "atelier x1"),
    },
    "en": {
        "journée": ("all open days", "open day x1"),
        "salon": ("all trade fairs", "trade fair x1"),
        "événement": ("all events", "event x1"),
        "atelier": ("all workshops", "workshop x1"),
        "mixed": ("all workshops", "workshop x1"),
    },
}


@pytest.mark.parametrize("lang", CHART)
@pytest.mark.parametrize("noun", FRENCH)
def test_the_chart_heading_calls_the_stages_what_the_file_calls_them(
    tmp_path: Path, noun: str, lang: str
) -> None:
    every, unknown = CHART[lang][noun]
    stages = load_stages(write_stages(tmp_path, noun))
    flow = load_flow(bundled_path("questionnaire.yaml"))
    for code, where in ((None, every), ("x1", unknown)):
        stats = compute_stats(
            [], {}, flow=flow, stages=stages, today=DAY, stage_code=code, lang=lang
        )
        assert f" – {where}" in chart_subtitle(stats)[0]

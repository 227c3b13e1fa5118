"""The drop-off chart as it is projected at a debriefing: 51 questions, labels that read.

Each question is labelled by its number and the start of its text, in the
questionnaire's language; the labels must stay apart, left of the bars, and say
which question each bar is, even when several start with the same words.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
from pathlib import Path

import pytest
from PIL import Image

from flows import load_flow
from organiser import Stats, compute_stats, render_dropoff_png
from organiser.chart import CHART_LEFT, CHART_WIDTH, FONT_SIZE, chart_title, label_boxes
from tests.organiser.survey import JULY_4

BUNDLED = Path(__file__).resolve().parents[2] / "flows" / "data" / "questionnaire.yaml"


def bundled_stats() -> Stats:
    return compute_stats([], {}, flow=load_flow(BUNDLED), stages=[], today=JULY_4)


def test_the_51_question_labels_neither_overlap_nor_run_into_the_bars() -> None:
    stats = bundled_stats()
    boxes = label_boxes(stats)
    assert len(boxes) == len(stats.questions) == 51
    for (_, above), (_, below) in itertools.pairwise(boxes):
        assert above[3] <= below[1], "two labels overlap"
    for label, (left, top, right, bottom) in boxes:
        assert left >= 0 and right <= CHART_LEFT - 4, label
        assert bottom - top >= FONT_SIZE * 0.6, label


def test_labels_are_french_question_texts_and_each_says_which_question() -> None:
    stats = bundled_stats()
    labels = [label for label, _ in label_boxes(stats)]
    assert labels[0] == "1. Quel est le nom de votre entreprise ?"
    # Five questions start "Quel est votre degré de satisfaction…": their ids tell them apart.
    heads = [label.partition(" ")[2] for label in labels]
    assert len(set(heads)) == len(heads)
    assert any(label.startswith("37. sat_chamber · Quel est votre degré") for label in labels)


def test_the_chart_is_wide_enough_for_a_16_9_slide() -> None:
    image = Image.open(io.BytesIO(render_dropoff_png(bundled_stats())))
    assert image.width == CHART_WIDTH >= 1280


ACTEURS = BUNDLED.with_name("acteurs.yaml")


@pytest.mark.parametrize("path", [BUNDLED, ACTEURS], ids=["entreprise", "territoire"])
def test_a_workshops_title_fits_the_chart_and_counts_in_french(path: Path) -> None:
    # The longest bundled stage code, on the questionnaire with the longest id.
    stats = compute_stats([], {}, flow=load_flow(path), stages=[], today=JULY_4)
    stats = dataclasses.replace(stats, stage_code="exemple_normandie", flow_started=12_345)
    title, font = chart_title(stats)
    assert title.endswith(" : 12\u202f345\u00a0réponses commencées")
    assert "étape exemple_normandie" in title
    assert 16 + font.getlength(title) <= CHART_WIDTH - 16
    one, _ = chart_title(dataclasses.replace(stats, flow_started=1))
    assert one.endswith(" : 1\u00a0réponse commencée")
    # Drawn as measured: nothing in the image's last columns of the title's band.
    image = Image.open(io.BytesIO(render_dropoff_png(stats))).convert("L")
    band = image.crop((CHART_WIDTH - 16, 0, CHART_WIDTH, 50))
    assert band.getextrema() == (255, 255)

"""The drop-off chart as it is projected at a debriefing: 51 questions, labels that read.

Each question is labelled by its number and the start of its text, in the
questionnaire's language; the labels must stay apart, left of the bars, and say
which question each bar is, even when several start with the same words. The
heading names the questionnaire by its title and the workshop by its town and
day, as people know them, never by ids, and stays on the slide.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
from pathlib import Path

import pytest
from PIL import Image
from PIL.ImageFont import FreeTypeFont, ImageFont

from flows import Flow, StageDef, find_stage, format_day, load_flow, load_stages
from organiser import Stats, compute_stats, render_dropoff_png
from organiser.chart import (
    CHART_LEFT,
    CHART_WIDTH,
    FONT_SIZE,
    LEGEND_Y,
    TITLE_SIZE,
    chart_subtitle,
    chart_title,
    label_boxes,
)
from tests.organiser.survey import JULY_4, stats_of

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
    # Five questions start "Quel est votre degré de satisfaction à l’égard de
    # l’accompagnement…": the words that tell them apart end their labels, not their ids,
    # which mean nothing to the room.
    heads = [label.partition(" ")[2] for label in labels]
    assert len(set(heads)) == len(heads)
    assert labels[36].startswith("37. Quel est votre degré")
    assert labels[36].endswith("… de la chambre (CCI, CMA) *")
    assert labels[38].endswith("… du conseil régional *")
    assert not any("sat_" in label for label in labels)


def test_questions_with_the_same_text_are_told_apart_by_their_ids() -> None:
    stats = bundled_stats()
    first, second = stats.questions[36], stats.questions[38]
    copied = dataclasses.replace(second, text=first.text)  # a question pasted twice, say
    questions = [*stats.questions[:38], copied, *stats.questions[39:]]
    labels = [label for label, _ in label_boxes(dataclasses.replace(stats, questions=questions))]

    assert labels[36].startswith(f"37. {first.question_id} · Quel est")
    assert labels[38].startswith(f"39. {second.question_id} · Quel est")
    assert labels[37].endswith("… de l’agence de développement *")  # by its words, as before


def test_the_chart_is_wide_enough_for_a_16_9_slide() -> None:
    image = Image.open(io.BytesIO(render_dropoff_png(bundled_stats())))
    assert image.width == CHART_WIDTH >= 1280


ACTEURS = BUNDLED.with_name("acteurs.yaml")
STAGES = BUNDLED.with_name("stages.yaml")
FLOWS = pytest.mark.parametrize("path", [BUNDLED, ACTEURS], ids=["entreprise", "territoire"])


def heading(stats: Stats) -> list[tuple[str, FreeTypeFont | ImageFont]]:
    return [chart_title(stats), chart_subtitle(stats)]


def size(font: FreeTypeFont | ImageFont) -> int:
    assert isinstance(font, FreeTypeFont)
    return int(font.size)


def heading_is_blank_at_the_right(stats: Stats) -> bool:
    """Nothing drawn in the image's last 16 columns, down to the legend: the heading, as
    drawn, stays on the slide."""
    image = Image.open(io.BytesIO(render_dropoff_png(stats))).convert("L")
    return image.crop((CHART_WIDTH - 16, 0, CHART_WIDTH, LEGEND_Y)).getextrema() == (255, 255)


def test_a_workshops_chart_is_titled_for_people_not_by_ids() -> None:
    flow = load_flow(ACTEURS)
    stats = compute_stats(
        [], {}, flow=flow, stages=load_stages(STAGES), today=JULY_4, stage_code="EXEMPLE_normandie"
    )
    stats = dataclasses.replace(stats, flow_started=12_345)
    (title, title_font), (subtitle, _) = heading(stats)
    assert title == (
        "1er tour de France de l’innovation dans les territoires d’industrie\u00a0: "
        "acteurs du territoire"
    )
    assert size(title_font) == TITLE_SIZE  # it fits as it is: not shrunk, not cut
    assert subtitle == (
        "Abandons au fil des questions – Évreux (exemple), 4\u00a0juillet\u00a02019\u00a0: "
        "12\u202f345\u00a0réponses commencées"
    )
    for text in (title, subtitle):
        assert flow.id not in text and "exemple_normandie" not in text.lower()
    one = chart_subtitle(dataclasses.replace(stats, flow_started=1))[0]
    assert one.endswith("\u00a0: 1\u00a0réponse commencée")


def test_an_english_chart_of_all_stages_says_so() -> None:
    stats = compute_stats(
        [], {}, flow=load_flow(BUNDLED), stages=load_stages(STAGES), today=JULY_4, lang="en"
    )
    stats = dataclasses.replace(stats, flow_started=12_345)
    (title, _), (subtitle, _) = heading(stats)
    assert title == "1st Tour de France of Innovation in Industrial Territories"
    assert subtitle == "Drop-off question by question – all workshops: 12,345 responses started"
    one = chart_subtitle(dataclasses.replace(stats, flow_started=1))[0]
    assert one.endswith(": 1 response started")


def test_the_day_is_written_as_everywhere_else_and_a_stage_without_one_has_its_city() -> None:
    stages = load_stages(STAGES)
    pithiviers = find_stage(stages, "pithiviers")
    assert pithiviers is not None and pithiviers.date is not None
    undated = [pithiviers.model_copy(update={"date": None, "city": "L'Isle-Adam"})]
    flow = load_flow(BUNDLED)
    for lang in ("fr", "en"):
        stats = compute_stats(
            [], {}, flow=flow, stages=stages, today=JULY_4, stage_code="pithiviers", lang=lang
        )
        assert stats.stage_label == f"Pithiviers, {format_day(pithiviers.date, lang)}"
        assert f"– Pithiviers, {format_day(pithiviers.date, lang)}" in chart_subtitle(stats)[0]
    stats = compute_stats([], {}, flow=flow, stages=undated, today=JULY_4, stage_code="pithiviers")
    assert "– L’Isle-Adam\u00a0: 0\u00a0réponse commencée" in chart_subtitle(stats)[0]


def test_a_stage_missing_from_the_stages_file_can_only_be_named_by_its_code() -> None:
    stats = compute_stats([], {}, flow=load_flow(BUNDLED), stages=[], today=JULY_4, stage_code="x1")
    assert stats.stage_label is None
    assert "– atelier x1\u00a0:" in chart_subtitle(stats)[0]


def test_a_flow_without_a_title_is_named_by_its_id() -> None:
    stats = dataclasses.replace(bundled_stats(), flow_title="")
    assert chart_title(stats)[0] == "tour_innovation_2019"


@FLOWS
def test_every_bundled_workshops_heading_fits_the_chart(path: Path) -> None:
    flow = load_flow(path)
    stages = load_stages(STAGES)
    widest: tuple[float, Stats] | None = None
    for stage, lang in itertools.product([None, *stages], ["fr", "en"]):
        stats = compute_stats(
            [],
            {},
            flow=flow,
            stages=stages,
            today=JULY_4,
            lang=lang,
            stage_code=stage.code if stage is not None else None,
        )
        stats = dataclasses.replace(stats, flow_started=12_345)
        for text, font in heading(stats):
            assert not text.endswith("…"), text  # every bundled one fits whole
            assert size(font) >= FONT_SIZE and 16 + font.getlength(text) <= CHART_WIDTH - 16
            assert flow.id not in text
        subtitle, font = chart_subtitle(stats)  # the line that names the stage
        if widest is None or font.getlength(subtitle) > widest[0]:
            widest = (font.getlength(subtitle), stats)
    assert widest is not None
    # Drawn as measured, for the widest stage: nothing in the image's last columns.
    assert heading_is_blank_at_the_right(widest[1])


def test_a_title_too_long_even_at_the_labels_size_is_cut_not_run_off_the_image() -> None:
    stats = compute_stats(
        [],
        {},
        flow=load_flow(BUNDLED),
        stages=load_stages(STAGES),
        today=JULY_4,
        stage_code="exemple_bretagne",
    )
    stats = dataclasses.replace(
        stats,
        flow_title="Un questionnaire au titre démesurément long, " * 6,
        stage_label="Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson, " * 5,
        flow_started=12_345,
    )
    (title, title_font), (subtitle, subtitle_font) = heading(stats)
    assert title.startswith("Un questionnaire au titre démesurément long, ")
    assert title.endswith("…") and size(title_font) == FONT_SIZE
    # The stage is cut, the count stays whole.
    assert subtitle.startswith("Abandons au fil des questions – Saint-Rémy-en-Bouzemont")
    assert subtitle.endswith("…\u00a0: 12\u202f345\u00a0réponses commencées")
    assert size(subtitle_font) == FONT_SIZE
    for text, font in ((title, title_font), (subtitle, subtitle_font)):
        assert 16 + font.getlength(text) <= CHART_WIDTH - 16
    assert heading_is_blank_at_the_right(stats)


async def test_stats_read_from_the_database_carry_the_heading_in_the_asked_language(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    titled = tour_flow.model_copy(update={"title": {"fr": "Le tour\n de France", "en": "The tour"}})
    stats = await stats_of(survey_db, titled, tour_stages, today=JULY_4, stage_code="EVREUX")
    assert (stats.flow_title, stats.stage_label) == (
        "Le tour de France",
        "Évreux (exemple), 1er\u00a0juillet\u00a02019",
    )
    english = await stats_of(survey_db, titled, tour_stages, today=JULY_4, lang="en")
    assert (english.flow_title, english.stage_label) == ("The tour", None)
    assert chart_subtitle(english)[0].startswith("Drop-off question by question – all workshops: ")


@pytest.mark.parametrize(("lang", "quarter"), [("en", "25%"), ("fr", "25\u00a0%")])
def test_the_scale_writes_percent_as_the_language_does(
    lang: str, quarter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import ImageDraw

    drawn: list[str] = []
    text = ImageDraw.ImageDraw.text

    def recording(self: ImageDraw.ImageDraw, xy: object, words: str, *args: object, **kw: object):  # type: ignore[no-untyped-def]
        drawn.append(words)
        return text(self, xy, words, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", recording)
    stats = compute_stats([], {}, flow=load_flow(BUNDLED), stages=[], today=JULY_4, lang=lang)
    render_dropoff_png(dataclasses.replace(stats, flow_started=3))
    assert quarter in drawn

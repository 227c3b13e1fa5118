"""The drop-off chart: bars as long as the counts, and a PNG even with nothing to show."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from flows import Flow, StageDef, bundled_path, load_flow
from organiser import compute_stats, render_dropoff_png
from organiser.chart import ANSWERED_COLOUR, CHART_BAR_WIDTH, CHART_LEFT, REACHED_COLOUR
from tests.organiser.survey import JULY_4, stats_of


def bars(png: bytes) -> list[tuple[int, int]]:
    """(reached, answered) bar lengths in pixels, top to bottom, right of CHART_LEFT."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    found: list[tuple[int, int]] = []
    in_bar = False
    for y in range(image.height):
        pixels = [image.getpixel((x, y)) for x in range(CHART_LEFT, CHART_LEFT + CHART_BAR_WIDTH)]
        light = sum(1 for p in pixels if p == REACHED_COLOUR)
        dark = sum(1 for p in pixels if p == ANSWERED_COLOUR)
        if light or dark:
            if not in_bar:
                # The answered bar is drawn over the reached one, from the same start.
                found.append((light + dark, dark))
            in_bar = True
        else:
            in_bar = False
    return found


async def test_dropoff_chart_bars_match_the_counts(
    survey_db: Path, tour_flow: Flow, tour_stages: list[StageDef]
) -> None:
    stats = await stats_of(survey_db, tour_flow, tour_stages, today=JULY_4)
    png = render_dropoff_png(stats)
    assert png.startswith(b"\x89PNG")
    measured = bars(png)
    expected = [(6, 6), (5, 5), (3, 2), (4, 2)]
    assert len(measured) == len(expected)
    for (reached_px, answered_px), (reached, answered) in zip(measured, expected, strict=True):
        assert abs(reached_px - CHART_BAR_WIDTH * reached / 7) <= 1
        assert abs(answered_px - CHART_BAR_WIDTH * answered / 7) <= 1


def test_an_empty_chart_is_still_a_png(tour_flow: Flow, tour_stages: list[StageDef]) -> None:
    stats = compute_stats([], {}, flow=tour_flow, stages=tour_stages, today=JULY_4)
    Image.open(io.BytesIO(render_dropoff_png(stats))).verify()


def test_a_chart_with_no_response_yet_is_one_line_not_a_page_of_empty_rows(
    tour_stages: list[StageDef],
) -> None:
    """A workshop not yet held: the heading and "pas encore de réponse", in a strip."""
    bundled = load_flow(bundled_path("questionnaire.yaml"))
    stats = compute_stats([], {}, flow=bundled, stages=tour_stages, today=JULY_4)
    assert len(stats.questions) > 40  # rows there would be, each empty

    width, height = Image.open(io.BytesIO(render_dropoff_png(stats))).size

    assert width == 1280 and height < 300

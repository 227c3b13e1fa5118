"""The drop-off chart: per question, how many responses reached it and answered it.

A PNG bar chart of `Stats.questions`, in percent of the responses started on
the flow, for `surveybot stats --plot`. Drawn with Pillow, imported only when
a chart is drawn.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Final

from organiser.qr import caption_font
from organiser.stats import CONDITIONAL, CONDITIONAL_LEGEND, Stats, dropoff_title, shorten

if TYPE_CHECKING:
    from PIL import ImageDraw

# The chart's geometry and colours, public so a test can find the bars.
REACHED_COLOUR: Final = (158, 193, 226)
ANSWERED_COLOUR: Final = (31, 94, 160)
CHART_WIDTH: Final = 960
CHART_LEFT: Final = 300
"""Where the bars start; labels and the legend stay left of it."""
CHART_BAR_WIDTH: Final = 540
"""The length of a bar at 100 % of the responses started."""
ROW_HEIGHT: Final = 26
BAR_HEIGHT: Final = 16
TOP: Final = 96
"""Where the first row starts, under the title, the legend and the scale."""
GREY: Final = (90, 90, 90)


def render_dropoff_png(stats: Stats) -> bytes:
    """The drop-off as a bar chart (PNG): per question, reached and answered, % of started."""
    from PIL import Image, ImageDraw

    height = TOP + ROW_HEIGHT * max(len(stats.questions), 1) + 40
    image = Image.new("RGB", (CHART_WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    _draw_heading(draw, stats)
    _draw_scale(draw, bottom=TOP + ROW_HEIGHT * len(stats.questions))
    font, _ = caption_font(14)
    if not stats.questions or not stats.flow_started:
        draw.text((CHART_LEFT, TOP + 6), "no responses yet", font=font, fill="black")
    else:
        for index in range(len(stats.questions)):
            _draw_row(draw, stats, index)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw_heading(draw: ImageDraw.ImageDraw, stats: Stats) -> None:
    """The title, the legend of the two colours, and what the numbers say."""
    title_font, _ = caption_font(20, bold=True)
    font, _ = caption_font(14)
    draw.text((16, 14), dropoff_title(stats), font=title_font, fill="black")
    for x, colour, label in ((16, REACHED_COLOUR, "reached"), (120, ANSWERED_COLOUR, "answered")):
        draw.rectangle((x, 50, x + 14, 64), fill=colour)
        draw.text((x + 20, 50), label, font=font, fill="black")
    draw.text((16, 72), "numbers: reached / answered", font=font, fill=GREY)
    if any(question.conditional for question in stats.questions):
        draw.text((CHART_LEFT, 50), CONDITIONAL_LEGEND, font=font, fill=GREY)


def _draw_scale(draw: ImageDraw.ImageDraw, *, bottom: int) -> None:
    """Vertical lines at 0, 25, 50, 75 and 100 %, labelled above the first row."""
    font, _ = caption_font(14)
    for tick in range(0, 101, 25):
        x = CHART_LEFT + CHART_BAR_WIDTH * tick // 100
        draw.line((x, TOP - 6, x, bottom), fill=(215, 215, 215))
        draw.text((x, TOP - 8), f"{tick}%", font=font, fill=GREY, anchor="mb")


def _draw_row(draw: ImageDraw.ImageDraw, stats: Stats, index: int) -> None:
    """One question: its label left of the bars, the answered bar over the reached one."""
    font, _ = caption_font(14)
    question = stats.questions[index]
    y = TOP + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
    label = shorten(f"{index + 1}. {question.question_id}", 32) + CONDITIONAL * question.conditional
    draw.text((CHART_LEFT - 10, y + BAR_HEIGHT // 2), label, font=font, fill="black", anchor="rm")
    for count, colour in ((question.reached, REACHED_COLOUR), (question.answered, ANSWERED_COLOUR)):
        length = round(CHART_BAR_WIDTH * count / stats.flow_started)
        if length:
            draw.rectangle(
                (CHART_LEFT, y, CHART_LEFT + length - 1, y + BAR_HEIGHT - 1), fill=colour
            )
    end = (
        CHART_LEFT
        + CHART_BAR_WIDTH * max(question.reached, question.answered) // stats.flow_started
    )
    draw.text(
        (end + 8, y + BAR_HEIGHT // 2),
        f"{question.reached} / {question.answered}",
        font=font,
        fill="black",
        anchor="lm",
    )

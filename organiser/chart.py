"""The drop-off chart: per question, how many responses reached it and answered it.

A PNG bar chart of `Stats.questions`, in percent of the responses started on
the flow, for `surveybot stats --plot`, made to be projected at a debriefing:
16:9-wide, labelled in the questionnaire's language, each question by its number
and the start of its text, set to fit beside the bars. Drawn with Pillow,
imported only when a chart is drawn.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Final

from flows import grouped
from organiser.qr import caption_font
from organiser.stats import CONDITIONAL, Stats

if TYPE_CHECKING:
    from PIL import ImageDraw
    from PIL.ImageFont import FreeTypeFont, ImageFont

    from organiser.stats import QuestionReach

# The chart's geometry and colours, public so a test can find the bars. Two shades of
# one blue: told apart by lightness, so by colour-blind readers and in grey too.
REACHED_COLOUR: Final = (150, 186, 222)
ANSWERED_COLOUR: Final = (31, 94, 160)
CHART_WIDTH: Final = 1280
CHART_LEFT: Final = 560
"""Where the bars start; labels and the legend stay left of it."""
CHART_BAR_WIDTH: Final = 600
"""The length of a bar at 100 % of the responses started."""
ROW_HEIGHT: Final = 28
BAR_HEIGHT: Final = 18
FONT_SIZE: Final = 17
TITLE_SIZE: Final = 24
TOP: Final = 118
"""Where the first row starts, under the title, the legend and the scale."""
GREY: Final = (80, 80, 80)
WORDS: Final = {
    "fr": {
        "title": "Abandons au fil du questionnaire {flow}{where} : {started}",
        "started_one": "{n}\u00a0réponse commencée",
        "started_many": "{n}\u00a0réponses commencées",
        "stage": ", étape {code}",
        "reached": "atteinte",
        "answered": "répondue",
        "numbers": "nombres : atteinte / répondue",
        "conditional": "* : posée seulement si les réponses précédentes l’appellent",
        "empty": "pas encore de réponse",
    },
    "en": {
        "title": "Drop-off, flow {flow}{where}: {started}",
        "started_one": "{n} started",
        "started_many": "{n} started",
        "stage": ", stage {code}",
        "reached": "reached",
        "answered": "answered",
        "numbers": "numbers: reached / answered",
        "conditional": "*: asked only when earlier answers call for it",
        "empty": "no responses yet",
    },
}


def render_dropoff_png(stats: Stats) -> bytes:
    """The drop-off as a bar chart (PNG): per question, reached and answered, % of started."""
    from PIL import Image, ImageDraw

    height = TOP + ROW_HEIGHT * max(len(stats.questions), 1) + 40
    image = Image.new("RGB", (CHART_WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    words = _words(stats)
    _draw_heading(draw, stats, words)
    _draw_scale(draw, bottom=TOP + ROW_HEIGHT * len(stats.questions))
    font = _font()
    if not stats.questions or not stats.flow_started:
        draw.text((CHART_LEFT, TOP + 6), words["empty"], font=font, fill="black")
    else:
        for index, label in enumerate(_labels(stats, font)):
            _draw_row(draw, stats, index, label)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def label_boxes(stats: Stats) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Each question's label and where it is drawn (left, top, right, bottom), in order."""
    font = _font()
    found = []
    for index, label in enumerate(_labels(stats, font)):
        y = TOP + index * ROW_HEIGHT + ROW_HEIGHT // 2
        box = font.getbbox(label, anchor="rm")
        left, top, right, bottom = (int(v) for v in box)
        found.append(
            (label, (CHART_LEFT - 10 + left, y + top, CHART_LEFT - 10 + right, y + bottom))
        )
    return found


def _labels(stats: Stats, font: FreeTypeFont | ImageFont) -> list[str]:
    """Every question's label; questions whose texts start alike (five "Quel est votre degré
    de satisfaction à l’égard de…") also name their id, so that each bar says which it is."""
    labels = [question_label(i, q, font) for i, q in enumerate(stats.questions)]
    heads = [label.partition(" ")[2] for label in labels]
    return [
        question_label(i, q, font, named=heads.count(heads[i]) > 1)
        for i, q in enumerate(stats.questions)
    ]


def question_label(
    index: int, question: QuestionReach, font: FreeTypeFont | ImageFont, *, named: bool = False
) -> str:
    """ "12. Qu’est-ce qui favorise le plus…": the number, then as much of the text as fits
    (`named`: the question's id before its text)."""
    mark = CONDITIONAL * question.conditional
    room = CHART_LEFT - 26
    text = question.text or question.question_id
    if named:
        text = f"{question.question_id} · {text}"
    label = f"{index + 1}. {text}"
    if font.getlength(label + mark) <= room:
        return label + mark
    while label and font.getlength(label + "…" + mark) > room:
        label = label[:-1]
    return label.rstrip(" ,;:") + "…" + mark


def _words(stats: Stats) -> dict[str, str]:
    return WORDS.get(stats.lang, WORDS["en"])


def _font(bold: bool = False, size: int = FONT_SIZE) -> FreeTypeFont | ImageFont:
    return caption_font(size, bold=bold)[0]


def chart_title(stats: Stats) -> tuple[str, FreeTypeFont | ImageFont]:
    """The title and the font it is drawn in: as large as `TITLE_SIZE` when it fits the
    chart's width, smaller when a long flow id and stage code would run off its edge."""
    words = _words(stats)
    where = words["stage"].format(code=stats.stage_code) if stats.stage_code else ""
    # French puts 0 and 1 in the singular.
    one = stats.flow_started == 1 or (stats.flow_started == 0 and stats.lang != "en")
    started = words["started_one" if one else "started_many"]
    n = grouped(stats.flow_started, stats.lang)
    title = words["title"].format(flow=stats.flow_id, where=where, started=started.format(n=n))
    for size in range(TITLE_SIZE, FONT_SIZE - 1, -1):
        font = _font(bold=True, size=size)
        if font.getlength(title) <= CHART_WIDTH - 32:
            break
    return title, font


def _draw_heading(draw: ImageDraw.ImageDraw, stats: Stats, words: dict[str, str]) -> None:
    """The title, the legend of the two colours, and what the numbers say."""
    font = _font()
    title, title_font = chart_title(stats)
    draw.text((16, 14), title, font=title_font, fill="black")
    x = 16
    for colour, label in ((REACHED_COLOUR, words["reached"]), (ANSWERED_COLOUR, words["answered"])):
        draw.rectangle((x, 56, x + 16, 72), fill=colour)
        draw.text((x + 22, 55), label, font=font, fill="black")
        x += 22 + int(font.getlength(label)) + 24
    draw.text((x + 8, 55), words["numbers"], font=font, fill=GREY)
    if any(question.conditional for question in stats.questions):
        draw.text((16, 80), words["conditional"], font=font, fill=GREY)


def _draw_scale(draw: ImageDraw.ImageDraw, *, bottom: int) -> None:
    """Vertical lines at 0, 25, 50, 75 and 100 %, labelled above the first row."""
    font = _font()
    for tick in range(0, 101, 25):
        x = CHART_LEFT + CHART_BAR_WIDTH * tick // 100
        draw.line((x, TOP - 4, x, bottom), fill=(215, 215, 215))
        draw.text((x, TOP - 6), f"{tick} %", font=font, fill=GREY, anchor="mb")


def _draw_row(draw: ImageDraw.ImageDraw, stats: Stats, index: int, label: str) -> None:
    """One question: its label left of the bars, the answered bar over the reached one."""
    font = _font()
    question = stats.questions[index]
    y = TOP + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
    middle = TOP + index * ROW_HEIGHT + ROW_HEIGHT // 2
    draw.text((CHART_LEFT - 10, middle), label, font=font, fill="black", anchor="rm")
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
        (end + 8, middle),
        f"{question.reached} / {question.answered}",
        font=font,
        fill="black",
        anchor="lm",
    )

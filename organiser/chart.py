"""The drop-off chart: per question, how many responses reached it and answered it.

A PNG bar chart of `Stats.questions`, in percent of the responses started on
the flow (a question an earlier version did not ask, of those on a version asking it), for `surveybot stats --plot`, made to be projected at a debriefing:
16:9-wide, labelled in the questionnaire's language, headed by the questionnaire's
title and the workshop's town and day (no ids), each question by its number and
the start of its text, set to fit beside the bars. Drawn with Pillow,
imported only when a chart is drawn.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from flows import grouped, stage_noun
from organiser.qr import caption_font, printed
from organiser.stats import CONDITIONAL, OPTIONAL, Stats
from organiser.stats_tables import ADDED

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
LABEL_ROOM: Final = CHART_LEFT - 26
"""The width a question's label may take, right-aligned against the bars."""
CHART_BAR_WIDTH: Final = 600
"""The length of a bar at 100 % of the responses started."""
ROW_HEIGHT: Final = 28
BAR_HEIGHT: Final = 18
FONT_SIZE: Final = 17
TITLE_SIZE: Final = 24
"""The questionnaire's title, at most; smaller down to `FONT_SIZE` when it is long."""
SUBTITLE_SIZE: Final = 20
"""What the chart shows, where and how many, at most: "Abandons au fil des questions…"."""
HEADING_ROOM: Final = CHART_WIDTH - 32
"""The width the heading's lines may take, 16 pixels in from either edge."""
LEGEND_Y: Final = 82
"""Where the legend of the two colours is drawn, under the two lines of the heading."""
TOP: Final = 144
"""Where the first row starts, under the heading, the legend and the scale."""
GREY: Final = (80, 80, 80)
WORDS: Final = {
    "fr": {
        "subtitle": "Abandons au fil des questions – {where}\u00a0: {started}",
        "started_one": "{n}\u00a0réponse commencée",
        "started_many": "{n}\u00a0réponses commencées",
        "all_stages": "{tous_les} {stages}",
        "stage": "{stage} {code}",
        "reached": "atteinte",
        "answered": "répondue",
        "numbers": "nombres : atteinte / répondue",
        "conditional": "* : posée seulement si les réponses précédentes l’appellent",
        "optional": "° : facultative : la passer n’est pas abandonner",
        "added": "+ : absente d’une version du questionnaire\u00a0: en % des réponses qui l’ont eue",
        "empty": "pas encore de réponse",
    },
    "en": {
        "subtitle": "Drop-off question by question – {where}: {started}",
        "started_one": "{n} response started",
        "started_many": "{n} responses started",
        "all_stages": "all {stages}",
        "stage": "{stage} {code}",
        "reached": "reached",
        "answered": "answered",
        "numbers": "numbers: reached / answered",
        "conditional": "*: asked only when earlier answers call for it",
        "optional": "°: optional: a skip is not drop-off",
        "added": "+: missing from a version of the questionnaire: % of the responses that had it",
        "empty": "no responses yet",
    },
}


def render_dropoff_png(stats: Stats) -> bytes:
    """The drop-off as a bar chart (PNG): per question, reached and answered, % of started."""
    from PIL import Image, ImageDraw

    # No response yet: one line saying so, not a page of empty rows (1280 × 1612).
    empty = not stats.questions or not stats.flow_started
    rows = 1 if empty else len(stats.questions)
    height = TOP + ROW_HEIGHT * rows + 40
    image = Image.new("RGB", (CHART_WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    words = _words(stats)
    _draw_heading(draw, stats, words)
    _draw_scale(draw, stats, bottom=TOP + ROW_HEIGHT * rows)
    font = _font()
    if empty:
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
    """Every question's label; questions whose labels start alike (five "Quel est votre
    degré de satisfaction à l’égard de…") end with the words that tell them apart ("… du
    conseil régional"), so that each bar says which it is, in words the room reads."""
    questions = stats.questions
    labels = [question_label(i, q, font) for i, q in enumerate(questions)]
    heads = [label.partition(" ")[2] for label in labels]
    alike: dict[str, list[int]] = {}
    for index, head in enumerate(heads):
        alike.setdefault(head, []).append(index)
    for group in (indices for indices in alike.values() if len(indices) > 1):
        for i, text in _told_apart(group, questions, font).items():
            labels[i] = question_label(i, dataclasses.replace(questions[i], text=text), font)
    return labels


def _told_apart(
    group: list[int], questions: Sequence[QuestionReach], font: FreeTypeFont | ImageFont
) -> dict[int, str]:
    """The texts to label the questions of `group` (by index), whose labels start alike:
    as much of the shared start as fits, in whole words, then what differs; the id before
    a text that the same words end too (a question copied, say)."""
    words = [_text(questions[i]).split() for i in group]
    shared = _shared_words(words)
    tails = {i: " ".join(w[shared:]).rstrip(" ?") for i, w in zip(group, words, strict=True)}
    told = [tail for tail in tails.values() if tail]
    texts = {}
    for i in group:
        if not tails[i] or told.count(tails[i]) > 1:
            texts[i] = f"{questions[i].question_id} · {_text(questions[i])}"
            continue
        lead = words[0][:shared]
        while lead and not _fits(f"{i + 1}. {' '.join(lead)}… {tails[i]}", questions[i], font):
            lead = lead[:-1]
        texts[i] = f"{' '.join(lead)}… {tails[i]}" if lead else tails[i]
    return texts


def _fits(label: str, question: QuestionReach, font: FreeTypeFont | ImageFont) -> bool:
    return font.getlength(label + _mark(question)) <= LABEL_ROOM


def _mark(question: QuestionReach) -> str:
    return (
        CONDITIONAL * question.conditional
        + OPTIONAL * question.optional
        + ADDED * (question.asked is not None)
    )


def _text(question: QuestionReach) -> str:
    return question.text or question.question_id


def _shared_words(texts: list[list[str]]) -> int:
    """How many words all `texts` start with."""
    shared = 0
    while all(len(words) > shared and words[shared] == texts[0][shared] for words in texts):
        shared += 1
    return shared


def question_label(index: int, question: QuestionReach, font: FreeTypeFont | ImageFont) -> str:
    """ "12. Qu’est-ce qui favorise le plus…": the number, then as much of the text as fits."""
    mark = _mark(question)
    label = f"{index + 1}. {_text(question)}"
    if _fits(label, question, font):
        return label + mark
    while label and font.getlength(label + "…" + mark) > LABEL_ROOM:
        label = label[:-1]
    return label.rstrip(" ,;:") + "…" + mark


def _words(stats: Stats) -> dict[str, str]:
    return WORDS.get(stats.lang, WORDS["en"])


def _font(bold: bool = False, size: int = FONT_SIZE) -> FreeTypeFont | ImageFont:
    return caption_font(size, bold=bold)[0]


def chart_title(stats: Stats) -> tuple[str, FreeTypeFont | ImageFont]:
    """The heading's first line, the questionnaire's title (its id when it has none), and
    the font it is drawn in: as large as `TITLE_SIZE` when it fits the chart's width,
    smaller when it is long, cut with "…" when it does not fit even at `FONT_SIZE`."""
    return _fitted("", stats.flow_title or stats.flow_id, "", TITLE_SIZE, bold=True)


def chart_subtitle(stats: Stats) -> tuple[str, FreeTypeFont | ImageFont]:
    """The heading's second line and its font: "Abandons au fil des questions – Pithiviers,
    5 juin 2019 : 12 réponses commencées"; the stage cut with "…" if it is too long."""
    words = _words(stats)
    noun = stage_noun(stats.called, stats.lang if stats.lang in WORDS else "en")
    forms = {
        "stage": noun.one,
        "stages": noun.many,
        "tous_les": noun.agree("tous les", "toutes les"),
    }
    if stats.stage_label:
        where = printed(stats.stage_label, stats.lang)
    elif stats.stage_code:  # a code the stages file does not hold: all there is to say
        where = words["stage"].format(code=stats.stage_code, **forms)
    else:
        where = words["all_stages"].format(**forms)
    # French puts 0 and 1 in the singular.
    one = stats.flow_started == 1 or (stats.flow_started == 0 and stats.lang != "en")
    started = words["started_one" if one else "started_many"]
    n = grouped(stats.flow_started, stats.lang)
    head, _, tail = words["subtitle"].partition("{where}")
    tail = tail.format(started=started.format(n=n))
    return _fitted(head, where, tail, SUBTITLE_SIZE, bold=False)


def _fitted(
    head: str, middle: str, tail: str, largest: int, *, bold: bool
) -> tuple[str, FreeTypeFont | ImageFont]:
    """`head + middle + tail` in the largest size from `largest` down to `FONT_SIZE` at which
    it fits `HEADING_ROOM`; if none does, at `FONT_SIZE` with `middle` cut short by "…"
    (and, were even that too long, the whole line)."""
    text = head + middle + tail
    for size in range(largest, FONT_SIZE - 1, -1):
        font = _font(bold=bold, size=size)
        if font.getlength(text) <= HEADING_ROOM:
            return text, font
    while middle and font.getlength(head + middle + "…" + tail) > HEADING_ROOM:
        middle = middle[:-1]
    text = head + middle.rstrip(" ,;:–\u00a0") + "…" + tail
    while font.getlength(text) > HEADING_ROOM:
        text = text[:-2].rstrip() + "…"
    return text, font


def _draw_heading(draw: ImageDraw.ImageDraw, stats: Stats, words: dict[str, str]) -> None:
    """The title and subtitle, the legend of the two colours, and what the numbers say."""
    font = _font()
    title, title_font = chart_title(stats)
    draw.text((16, 14), title, font=title_font, fill="black")
    subtitle, subtitle_font = chart_subtitle(stats)
    draw.text((16, 48), subtitle, font=subtitle_font, fill="black")
    x = 16
    for colour, label in ((REACHED_COLOUR, words["reached"]), (ANSWERED_COLOUR, words["answered"])):
        draw.rectangle((x, LEGEND_Y + 1, x + 16, LEGEND_Y + 17), fill=colour)
        draw.text((x + 22, LEGEND_Y), label, font=font, fill="black")
        x += 22 + int(font.getlength(label)) + 24
    draw.text((x + 8, LEGEND_Y), words["numbers"], font=font, fill=GREY)
    if any(question.optional for question in stats.questions):  # room left on this line
        x += 8 + int(font.getlength(words["numbers"])) + 32
        draw.text((x, LEGEND_Y), words["optional"], font=font, fill=GREY)
    x = 16
    if any(question.conditional for question in stats.questions):
        draw.text((x, LEGEND_Y + 25), words["conditional"], font=font, fill=GREY)
        x += int(font.getlength(words["conditional"])) + 32
    if any(question.asked is not None for question in stats.questions):
        draw.text((x, LEGEND_Y + 25), words["added"], font=font, fill=GREY)


def _draw_scale(draw: ImageDraw.ImageDraw, stats: Stats, *, bottom: int) -> None:
    """Vertical lines at 0, 25, 50, 75 and 100 %, labelled above the first row ("25 %" in
    French, "25%" in English)."""
    font = _font()
    percent = "%" if stats.lang == "en" else "\u00a0%"
    for tick in range(0, 101, 25):
        x = CHART_LEFT + CHART_BAR_WIDTH * tick // 100
        draw.line((x, TOP - 4, x, bottom), fill=(215, 215, 215))
        draw.text((x, TOP - 6), f"{tick}{percent}", font=font, fill=GREY, anchor="mb")


def _draw_row(draw: ImageDraw.ImageDraw, stats: Stats, index: int, label: str) -> None:
    """One question: its label left of the bars, the answered bar over the reached one."""
    font = _font()
    question = stats.questions[index]
    y = TOP + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
    middle = TOP + index * ROW_HEIGHT + ROW_HEIGHT // 2
    draw.text((CHART_LEFT - 10, middle), label, font=font, fill="black", anchor="rm")
    # A question some versions did not ask is drawn out of the responses that had it.
    for count, colour in ((question.reached, REACHED_COLOUR), (question.answered, ANSWERED_COLOUR)):
        length = round(CHART_BAR_WIDTH * (stats.percent_of_asked(question, count) or 0) / 100)
        if length:
            draw.rectangle(
                (CHART_LEFT, y, CHART_LEFT + length - 1, y + BAR_HEIGHT - 1), fill=colour
            )
    longest = stats.percent_of_asked(question, max(question.reached, question.answered)) or 0
    end = CHART_LEFT + int(CHART_BAR_WIDTH * longest / 100)
    draw.text(
        (end + 8, middle),
        f"{question.reached} / {question.answered}",
        font=font,
        fill="black",
        anchor="lm",
    )

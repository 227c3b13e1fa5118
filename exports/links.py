"""Invitation links for organisers: one deep link and one QR code per stage.

A stage's link is `https://t.me/<bot>?start=<code>`: Telegram hands the code to
the bot, which tags the response with the stage. From the links this module
renders a CSV, a QR code per stage (PNG with the city and date under it, for a
slide; SVG, for print at any size) and one printable HTML page of cards.

segno draws the QR codes; Pillow, imported only when a PNG is drawn, lays out
the caption. Nothing here touches the network or the database.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

import segno

from exports.csv import neutralise
from exports.errors import ExportError
from flows import StageDef

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont, ImageFont

# Telegram's rule for a bot username: 5 to 32 of these, ending in "bot".
BOT_USERNAME: Final = re.compile(r"[A-Za-z0-9_]{5,32}")
# What a `/start` payload may hold.
START_PAYLOAD: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
CSV_COLUMNS: Final = ("stage", "city", "region", "date", "link")

# The QR code: medium error correction survives a smudged print or a glare on a
# slide; the 4-module quiet zone is what the standard asks for.
QR_ERROR: Final = "m"
QR_BORDER: Final = 4
PNG_MODULE_PX: Final = 10

LABELS: Final = {
    "fr": {
        "example": "exemple",
        "title": "Liens d'invitation au questionnaire",
        "stages": "étapes",
        "cta": "Scannez le QR code avec votre téléphone, ou ouvrez le lien :",
        "print": "Imprimez cette page (Ctrl+P) : une carte par étape, à découper.",
        "qr_of": "QR code de l'étape",
    },
    "en": {
        "example": "example",
        "title": "Invitation links to the questionnaire",
        "stages": "stages",
        "cta": "Scan the QR code with your phone, or open the link:",
        "print": "Print this page (Ctrl+P): one card per stage, to cut out.",
        "qr_of": "QR code of the stage",
    },
}
MONTHS: Final = {
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}

# Fonts with the accents of French city names, tried in order (Pillow also looks
# in the system font folders); Pillow's own font has no accents, see `_ascii`.
FONT_FILES: Final = {
    False: (
        "DejaVuSans.ttf",
        "LiberationSans-Regular.ttf",
        "Arial.ttf",
        "arial.ttf",
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    True: (
        "DejaVuSans-Bold.ttf",
        "LiberationSans-Bold.ttf",
        "Arial Bold.ttf",
        "arialbd.ttf",
        "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
}


class LinkError(ExportError):
    """A bot username or stage code cannot make an invitation link, or files cannot be written."""


@dataclass(frozen=True, slots=True)
class StageLink:
    """One stage with its invitation link."""

    stage: StageDef
    url: str

    @property
    def code(self) -> str:
        return self.stage.code


@dataclass(frozen=True, slots=True)
class WrittenLinks:
    """The files `write_links` wrote."""

    csv: Path
    html: Path
    png: tuple[Path, ...]
    svg: tuple[Path, ...]


# --- links --------------------------------------------------------------------


def check_bot_username(name: str) -> str:
    """The bot's username without '@', or LinkError saying what Telegram allows."""
    username = name.strip().removeprefix("@")
    if not BOT_USERNAME.fullmatch(username):
        raise LinkError(
            f"bot username {name!r} must be 5 to 32 letters, digits or '_' (Telegram's rule); "
            "copy it from @BotFather, without the '@'"
        )
    if not username.lower().endswith("bot"):
        raise LinkError(
            f"bot username {name!r} must end in 'bot', like tour_innovation_bot "
            "(Telegram's rule); copy it from @BotFather"
        )
    return username


def deep_link(bot_username: str, payload: str) -> str:
    """`https://t.me/<bot>?start=<payload>`, with both checked."""
    username = check_bot_username(bot_username)
    if not START_PAYLOAD.fullmatch(payload):
        raise LinkError(
            f"stage code {payload!r} cannot travel in a link: use at most 64 letters, "
            "digits, '_' and '-'"
        )
    # The payload alphabet needs no escaping; quote() keeps that true if it changes.
    return f"https://t.me/{username}?start={quote(payload, safe='')}"


def stage_link(stage: StageDef, bot_username: str) -> StageLink:
    """The invitation link of one stage."""
    return StageLink(stage, deep_link(bot_username, stage.code))


def stage_links(stages: Iterable[StageDef], bot_username: str) -> list[StageLink]:
    """The invitation links of every stage, in the stages file's order."""
    return [stage_link(stage, bot_username) for stage in stages]


def stage_title(stage: StageDef, *, lang: str = "fr") -> str:
    """The city, marked "(exemple)" for a made-up stage."""
    if stage.example:
        return f"{stage.city} ({_label(lang, 'example')})"
    return stage.city


def format_day(stage: StageDef, *, lang: str = "fr") -> str:
    """The stage's date as people write it ("5 juin 2019", "1er juin"); '' without one."""
    day = stage.date
    if day is None:
        return ""
    months = MONTHS.get(lang, MONTHS["en"])
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{number} {months[day.month - 1]} {day.year}"


# --- CSV ----------------------------------------------------------------------


def render_csv(links: Sequence[StageLink], *, lang: str = "fr") -> str:
    """The links as CSV text: stage, city, region, date (YYYY-MM-DD), link."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for link in links:
        stage = link.stage
        writer.writerow(
            [
                neutralise(stage.code),
                neutralise(stage_title(stage, lang=lang)),
                neutralise(stage.region or ""),
                stage.date.isoformat() if stage.date else "",
                link.url,
            ]
        )
    return buffer.getvalue()


# --- QR codes -----------------------------------------------------------------


def _qr(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=QR_ERROR)


def _matrix(url: str) -> list[list[bool]]:
    """The QR modules, quiet zone included; True is dark."""
    return [[bool(cell) for cell in row] for row in _qr(url).matrix_iter(border=QR_BORDER)]


def render_qr_png(link: StageLink, *, lang: str = "fr") -> bytes:
    """The QR code of one stage as PNG bytes, with the city and date under it."""
    from PIL import Image, ImageDraw

    matrix = _matrix(link.url)
    size = len(matrix)
    small = Image.new("L", (size, size), 255)
    small.putdata([0 if dark else 255 for row in matrix for dark in row])
    code_px = size * PNG_MODULE_PX
    qr_image = small.resize((code_px, code_px), Image.Resampling.NEAREST)

    lines = [(stage_title(link.stage, lang=lang), 30, True)]
    if link.stage.date is not None:
        lines.append((format_day(link.stage, lang=lang), 24, False))
    drawn = []
    for text, points, bold in lines:
        font, full = caption_font(points, bold=bold)
        shown = text if full else _ascii(text)
        drawn.append((shown, font, int(font.getlength(shown)), points))
    margin = QR_BORDER * PNG_MODULE_PX
    width = max(code_px, *(w + 2 * margin for _, _, w, _ in drawn))
    gap = 10
    height = code_px + sum(points + gap for *_, points in drawn) + margin // 2

    canvas = Image.new("L", (width, height), 255)
    canvas.paste(qr_image, ((width - code_px) // 2, 0))
    draw = ImageDraw.Draw(canvas)
    # Three quarters of the quiet zone stay white between the code and the text.
    y = code_px - margin // 4
    for shown, font, _, points in drawn:
        draw.text((width // 2, y), shown, font=font, fill=0, anchor="mt")
        y += points + gap
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_qr_svg(link: StageLink, *, lang: str = "fr", caption: bool = True) -> str:
    """The QR code of one stage as an SVG document (a fragment for HTML without `caption`).

    Drawn in module units, so it scales to any print size; the caption lines
    are text, in the reader's sans-serif font.
    """
    matrix = _matrix(link.url)
    size = len(matrix)
    path = "".join(_runs(matrix))
    texts: list[tuple[str, float, bool]] = []
    if caption:
        texts.append((stage_title(link.stage, lang=lang), 3.0, True))
        if link.stage.date is not None:
            texts.append((format_day(link.stage, lang=lang), 2.4, False))
    # No font metrics here: about 0.6 em per character is generous for sans-serif.
    width = max([size, *(0.6 * em * len(text) + 2 * QR_BORDER for text, em, _ in texts)])
    height = size + sum(em * 1.4 for _, em, _ in texts) + (2 if texts else 0)
    x0 = (width - size) / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width * PNG_MODULE_PX)}" height="{_num(height * PNG_MODULE_PX)}" '
        f'role="img" aria-label="{html.escape(link.url)}">',
        f"<title>{html.escape(stage_title(link.stage, lang=lang))} {html.escape(link.url)}</title>",
        f'<rect width="{_num(width)}" height="{_num(height)}" fill="#fff"/>',
        f'<path transform="translate({_num(x0)} 0)" fill="#000" '
        f'shape-rendering="crispEdges" d="{path}"/>',
    ]
    y = size - QR_BORDER / 4
    for text, em, bold in texts:
        y += em
        weight = ' font-weight="bold"' if bold else ""
        parts.append(
            f'<text x="{_num(width / 2)}" y="{_num(y)}" font-size="{_num(em)}"{weight} '
            'text-anchor="middle" font-family="DejaVu Sans, Arial, Helvetica, sans-serif">'
            f"{html.escape(text)}</text>"
        )
        y += em * 0.4
    parts.append("</svg>")
    body = "\n".join(parts)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n' if caption else body


def _runs(matrix: list[list[bool]]) -> Iterable[str]:
    """Path commands, one rectangle per horizontal run of dark modules."""
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            yield f"M{start} {y}h{x - start}v1h-{x - start}z"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@functools.lru_cache(maxsize=16)
def caption_font(size: int, *, bold: bool = False) -> tuple[FreeTypeFont | ImageFont, bool]:
    """A font for captions, and whether it has accents (Pillow's own font has none)."""
    from PIL import ImageFont

    for name in FONT_FILES[bold]:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size), False


def _ascii(text: str) -> str:
    """Évreux -> Evreux: better than empty boxes when no font with accents is found."""
    text = text.replace("—", "-").replace("’", "'").replace("œ", "oe").replace("Œ", "OE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and ord(c) < 128)


# --- the printable page -------------------------------------------------------


PAGE_STYLE: Final = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; margin: 0 auto;
       max-width: 190mm; padding: 8mm 0; }
header h1 { font-size: 20pt; margin: 0 0 2mm; }
header p { margin: 0 0 6mm; color: #444; }
.cards { display: grid; grid-template-columns: repeat(2, 1fr); gap: 6mm; }
.card { border: 1px dashed #888; border-radius: 3mm; padding: 5mm; text-align: center;
        break-inside: avoid; page-break-inside: avoid; }
.card h2 { font-size: 18pt; margin: 0; }
.card .example { font-size: 11pt; font-weight: normal; color: #a33; }
.card .date { font-size: 13pt; margin: 1mm 0; }
.card .place { font-size: 9pt; color: #555; margin: 0 0 2mm; }
.card .qr svg { width: 55mm; height: 55mm; display: block; margin: 0 auto; }
.card .cta { font-size: 9pt; margin: 2mm 0 1mm; }
.card .link { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 9pt;
              overflow-wrap: anywhere; margin: 0; }
.card .link a { color: inherit; text-decoration: none; }
@media print { .screen-only { display: none; } body { padding: 0; } }
"""


def render_html(links: Sequence[StageLink], *, bot_username: str, lang: str = "fr") -> str:
    """One printable page with a card per stage: city, date, QR code and link."""
    esc = html.escape
    cards = []
    for link in links:
        stage = link.stage
        example = (
            f' <span class="example">({esc(_label(lang, "example"))})</span>'
            if stage.example
            else ""
        )
        place = " · ".join(p for p in (stage.region, stage.territory) if p)
        qr = render_qr_svg(link, lang=lang, caption=False)
        cards.append(
            "\n".join(
                [
                    f'<article class="card" id="stage-{esc(stage.code)}" '
                    f'data-stage="{esc(stage.code)}">',
                    f'<h2 class="city">{esc(stage.city)}{example}</h2>',
                    f'<p class="date">{esc(format_day(stage, lang=lang))}</p>',
                    f'<p class="place">{esc(place)}</p>',
                    f'<div class="qr" title="{esc(_label(lang, "qr_of"))} {esc(stage.code)}">'
                    f"{qr}</div>",
                    f'<p class="cta">{esc(_label(lang, "cta"))}</p>',
                    f'<p class="link"><a href="{esc(link.url)}">{esc(link.url)}</a></p>',
                    "</article>",
                ]
            )
        )
    title = _label(lang, "title")
    count = f"@{esc(bot_username)} — {len(links)} {esc(_label(lang, 'stages'))}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{esc(lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)} — @{esc(bot_username)}</title>",
            f"<style>{PAGE_STYLE}</style>",
            "</head>",
            "<body>",
            "<header>",
            f"<h1>{esc(title)}</h1>",
            f"<p>{count}</p>",
            f'<p class="screen-only">{esc(_label(lang, "print"))}</p>',
            "</header>",
            '<main class="cards">',
            *cards,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


# --- all files ----------------------------------------------------------------


def write_links(
    links: Sequence[StageLink], out: Path, *, bot_username: str, lang: str = "fr"
) -> WrittenLinks:
    """Write links.csv, links.html and qr/<code>.png and .svg into the folder `out`."""
    try:
        (out / "qr").mkdir(parents=True, exist_ok=True)
        csv_path = out / "links.csv"
        csv_path.write_text(render_csv(links, lang=lang), encoding="utf-8", newline="")
        pngs: list[Path] = []
        svgs: list[Path] = []
        for link in links:
            png = out / "qr" / f"{link.code}.png"
            png.write_bytes(render_qr_png(link, lang=lang))
            pngs.append(png)
            svg = out / "qr" / f"{link.code}.svg"
            svg.write_text(render_qr_svg(link, lang=lang), encoding="utf-8")
            svgs.append(svg)
        html_path = out / "links.html"
        html_path.write_text(
            render_html(links, bot_username=bot_username, lang=lang), encoding="utf-8"
        )
    except OSError as error:
        raise LinkError(
            f"cannot write the links into {out}: {error.strerror or error}; "
            "check that the folder is writable, or choose another with --out"
        ) from error
    return WrittenLinks(csv_path, html_path, tuple(pngs), tuple(svgs))


def _label(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["en"])[key]

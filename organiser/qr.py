"""QR codes of invitation links: PNG with a caption (for a slide), SVG (for print).

A code opens the stage's web landing page when there is one (it offers Telegram
and the browser), else its Telegram link. Under the code, the caption gives the
stage's city and date. segno draws the
codes; Pillow, imported only when a PNG is drawn, lays out the caption with a
font that has the accents of French city names (`caption_font`, which the
drop-off chart uses too).
"""

from __future__ import annotations

import functools
import html
import io
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

import segno

from flows import format_day
from organiser.errors import LinkError
from organiser.links import StageLink, link_title, stage_title

if TYPE_CHECKING:
    from PIL import Image
    from PIL.ImageFont import FreeTypeFont, ImageFont

# Medium error correction survives a smudged print or a glare on a slide; the
# 4-module quiet zone is what the standard asks for.
QR_ERROR: Final = "m"
QR_BORDER: Final = 4
PNG_MODULE_PX: Final = 10
MAX_QR_BYTES: Final = 2331
"""What the largest QR code (version 40) holds at medium error correction: a link of
lowercase ASCII is as many characters (one of capitals and digits only, a few more)."""

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


def render_qr_png(link: StageLink, *, lang: str = "fr") -> bytes:
    """The QR code of one stage (of `link.qr_url`) as PNG bytes, with the city and date under it."""
    from PIL import Image, ImageDraw

    qr_image = _qr_image(link.qr_url)
    code_px = qr_image.width
    drawn = []
    for text, points, bold in _caption(link, lang, title_size=30, date_size=24):
        font, full = caption_font(int(points), bold=bold)
        shown = text if full else _ascii(text)
        drawn.append((shown, font, int(font.getlength(shown)), int(points)))
    margin = QR_BORDER * PNG_MODULE_PX
    width = max(code_px, *(w + 2 * margin for _, _, w, _ in drawn))
    gap = 10
    height = code_px + sum(points + gap for *_, points in drawn) + margin * 3 // 4

    canvas = Image.new("L", (width, height), 255)
    canvas.paste(qr_image, ((width - code_px) // 2, 0))
    draw = ImageDraw.Draw(canvas)
    # The whole quiet zone stays white between the code and the text: a caption closer
    # than 4 modules is what the standard says can keep a phone from finding the code.
    y = code_px
    for shown, font, _, points in drawn:
        draw.text((width // 2, y), shown, font=font, fill=0, anchor="mt")
        y += points + gap
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_qr_svg(link: StageLink, *, lang: str = "fr", caption: bool = True) -> str:
    """The QR code of one stage as an SVG document (a fragment for HTML without `caption`).

    Drawn in module units, so it scales to any print size; the caption lines
    are text, in the reader's sans-serif font. All text in it is escaped, so
    the fragment is safe markup for the printable page.
    """
    url = link.qr_url
    matrix = _matrix(url)
    size = len(matrix)
    texts = _caption(link, lang, title_size=3.0, date_size=2.4) if caption else []
    # No font metrics here: about 0.6 em per character is generous for sans-serif.
    width = max([size, *(0.6 * em * len(text) + 2 * QR_BORDER for text, em, _ in texts)])
    height = size + sum(em * 1.4 for _, em, _ in texts) + (3 if texts else 0)
    x0 = (width - size) / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width * PNG_MODULE_PX)}" height="{_num(height * PNG_MODULE_PX)}" '
        f'role="img" aria-label="{html.escape(url)}">',
        f"<title>{html.escape(link_title(link, lang=lang))} {html.escape(url)}</title>",
        f'<rect width="{_num(width)}" height="{_num(height)}" fill="#fff"/>',
        f'<path transform="translate({_num(x0)} 0)" fill="#000" '
        f'shape-rendering="crispEdges" d="{"".join(_runs(matrix))}"/>',
    ]
    y: float = size
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


def _caption(
    link: StageLink, lang: str, *, title_size: float, date_size: float
) -> list[tuple[str, float, bool]]:
    """The caption's lines under a code: (text, size, bold); the date only when there is one."""
    lines = [(printed(stage_title(link.stage, lang=lang), lang), title_size, True)]
    if link.audience_label:  # one code per audience: say whose it is
        lines.append((link.audience_label, date_size, True))
    if link.stage.date is not None:
        lines.append((format_day(link.stage.date, lang), date_size, False))
    return lines


def printed(text: str, lang: str) -> str:
    """A name from the stages file as French print sets it: "Territoire d’exemple", with the
    typographic apostrophe rather than the typewriter one (other languages as written)."""
    return text.replace("'", "’") if lang == "fr" else text


def check_qr_fits(link: StageLink) -> None:
    """Nothing if the link's QR code can be drawn; LinkError naming the link if it is too long."""
    check_url_fits(link.qr_url)


def check_url_fits(url: str) -> None:
    """Nothing if a QR code holds `url`; LinkError naming it if it is too long."""
    _qr_code(url)


def _qr_code(url: str) -> segno.QRCode:
    """The QR code of `url`, or LinkError saying it is too long for one, and the maximum.

    segno said "DataOverflowError: Data too large. No QR Code can handle the provided
    data", naming neither the link nor how long it may be.
    """
    try:
        return segno.make_qr(url, error=QR_ERROR)
    except segno.DataOverflowError:
        shown = url if len(url) <= 80 else f"{url[:48]}…{url[-24:]}"
        raise LinkError(
            f"the link {shown} ({len(url):,} characters) is too long for a QR code, which "
            f"holds at most {MAX_QR_BYTES:,}: give a shorter web address"
        ) from None


def _matrix(url: str) -> list[list[bool]]:
    """The QR modules, quiet zone included; True is dark."""
    code = _qr_code(url)
    return [[bool(cell) for cell in row] for row in code.matrix_iter(border=QR_BORDER)]


def _qr_image(url: str) -> Image.Image:
    """The QR code alone as a greyscale image, PNG_MODULE_PX pixels a module."""
    from PIL import Image

    matrix = _matrix(url)
    size = len(matrix)
    small = Image.new("L", (size, size), 255)
    small.putdata([0 if dark else 255 for row in matrix for dark in row])
    code_px = size * PNG_MODULE_PX
    return small.resize((code_px, code_px), Image.Resampling.NEAREST)


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


def _ascii(text: str) -> str:
    """Évreux -> Evreux: better than empty boxes when no font with accents is found."""
    text = text.replace("—", "-").replace("’", "'").replace("œ", "oe").replace("Œ", "OE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and ord(c) < 128)

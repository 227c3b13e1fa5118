"""The printable page of invitation cards, and the whole invitation kit on disk.

`render_html` fills the Jinja2 template `templates/links.html` (autoescape on,
so a city like `<&>` cannot break the page): one card per stage with the title
of the questionnaire it invites to, its city, date, place, QR code (inline SVG)
and link; with a web link, both links, the QR code opening the web one. A link
is printed so that it can break only before the stage's code, never at one of
its hyphens, which a reader would take for a line-end hyphen and leave out.
`write_links` writes the kit an organiser prints or puts on slides: links.csv,
links.html, qr/<code>.png and .svg (each mode 600, as every output file:
`exports.files`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from exports import OutputError, write_failure, write_output
from flows import StageDef, format_day, shared_called, stage_noun, typeset
from organiser.errors import LinkError
from organiser.links import StageLink, example_mark, render_csv
from organiser.qr import printed, render_qr_png, render_qr_svg

TEMPLATE: Final = "links.html"
FIRST: Final = re.compile(r"\b1er\b")
"""A French ordinal "1er" ("1er tour de France"), set with a superscript "er"."""
LONG_CITY: Final = 16
"""Beyond this many characters, a card's city is set smaller (three lines at most at 45,
"Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson", the longest name of a French commune)."""
LABELS: Final = {
    "fr": {
        "title": "Liens d’invitation au questionnaire",
        "card": "carte",
        "cards": "cartes",
        "cta": "Scannez le QR code avec votre téléphone, ou ouvrez le lien :",
        "cta_web": "Scannez le QR code pour répondre dans Telegram ou dans le navigateur, "
        "ou ouvrez un lien :",
        "via_web": "Telegram ou navigateur :",
        "via_telegram": "Telegram directement :",
        "print": "Imprimez cette page (Ctrl+P) : une carte par {stage}, à découper.",
        "print_each": "Imprimez cette page (Ctrl+P) : une carte par {stage} et par "
        "questionnaire, à découper.",
        "qr_of": "QR code {du_stage}",
    },
    "en": {
        "title": "Invitation links to the questionnaire",
        "card": "card",
        "cards": "cards",
        "cta": "Scan the QR code with your phone, or open the link:",
        "cta_web": "Scan the QR code to answer in Telegram or in the browser, or open a link:",
        "via_web": "Telegram or browser:",
        "via_telegram": "Straight to Telegram:",
        "print": "Print this page (Ctrl+P): one card per {stage}, to cut out.",
        "print_each": "Print this page (Ctrl+P): one card per {stage} and questionnaire, "
        "to cut out.",
        "qr_of": "QR code of the {stage}",
    },
}


@dataclass(frozen=True, slots=True)
class Card:
    """What one stage's card shows, as plain text (the template escapes it) and the QR SVG."""

    code: str
    title: Markup
    """The questionnaire's title, escaped and typeset; '' when the links do not carry it."""
    city: str
    audience: str
    """Who the link is for, when the bot runs several questionnaires; '' otherwise."""
    example: bool
    date: Markup
    """Escaped, with the French "1er" set as printers set it."""
    place: str
    qr: Markup
    long: bool
    """A city name long enough to be set smaller, so that the card keeps its size."""
    url: str
    """The Telegram deep link."""
    web_url: str | None
    """The web landing page, which the QR code opens when there is one."""

    @property
    def link(self) -> tuple[str, str]:
        """The Telegram link as printed: its fixed part, then the stage's code."""
        return _parts(self.url, self.code)

    @property
    def web_link(self) -> tuple[str, str] | None:
        """The web link as printed, as `link`."""
        return None if self.web_url is None else _parts(self.web_url, self.code)


@dataclass(frozen=True, slots=True)
class WrittenLinks:
    """The files `write_links` wrote."""

    csv: Path
    html: Path
    png: tuple[Path, ...]
    svg: tuple[Path, ...]


def render_html(links: Sequence[StageLink], *, bot_username: str, lang: str = "fr") -> str:
    """One printable page with a card per stage: city, date, QR code and link."""
    chosen = {**_labels(links, lang), "example": example_mark(lang)}
    labels = {key: typeset(text, lang) for key, text in chosen.items()}
    return _template().render(
        lang=lang,
        labels=labels,
        bot_username=bot_username,
        counted=_counted(links, labels),
        cards=[_card(link, lang) for link in links],
    )


def _labels(links: Sequence[StageLink], lang: str) -> dict[str, str]:
    """The page's labels, a stage named as the stages file calls it ("5 salons", "une carte
    par salon", "QR code du salon"): "atelier" / "workshop" when it says nothing."""
    lang = lang if lang in LABELS else "en"  # the page's words: English in a third language
    noun = stage_noun(shared_called([link.stage for link in links]), lang)
    forms = {"stage": noun.one, "du_stage": noun.article("de l’", "du", "de la")}
    chosen = {key: text.format(**forms) for key, text in LABELS[lang].items()}
    # A card per stage and audience when the bot runs several questionnaires: said so.
    each = "print_each" if len({link.stage.code for link in links}) < len(links) else "print"
    return chosen | {"stage": noun.one, "stages": noun.many, "print": chosen[each]}


def _counted(links: Sequence[StageLink], labels: dict[str, str]) -> str:
    """ "5 étapes", or "40 étapes, 80 cartes" when each stage has a card per audience."""

    def count(n: int, key: str) -> str:
        return f"{n}\u00a0{labels[key if n == 1 else key + 's']}"

    stages = len({link.stage.code for link in links})
    shown = count(stages, "stage")
    return shown if stages == len(links) else f"{shown}, {count(len(links), 'card')}"


def kit_paths(links: Sequence[StageLink], out: Path) -> list[Path]:
    """Every file `write_links` writes into `out`: links.csv, links.html, qr/<code>.png and .svg."""
    qr = [out / "qr" / f"{link.code}.{kind}" for link in links for kind in ("png", "svg")]
    return [out / "links.csv", out / "links.html", *qr]


def write_links(
    links: Sequence[StageLink],
    out: Path,
    *,
    bot_username: str,
    lang: str = "fr",
    excel: bool = False,
    bom: bool = False,
) -> WrittenLinks:
    """Write links.csv, links.html and qr/<code>.png and .svg into the folder `out`.

    Each file is written by `exports.write_output`: mode 600, replaced whole or
    not at all, a symbolic link followed. Existing files are replaced: asking
    first is the caller's part (`kit_paths` names them). links.csv goes last: the
    next run removes the QR codes of stages its earlier links.csv lists and this one
    lacks, so after a run that failed halfway it still lists the kit before it.
    """
    try:
        (out / "qr").mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = write_failure(error) or (
            f"{error.strerror or error}; check that the folder is writable, "
            "or choose another with --out"
        )
        raise LinkError(f"cannot write the links into {out}: {reason}") from error
    csv_path, html_path = out / "links.csv", out / "links.html"
    pngs: list[Path] = []
    svgs: list[Path] = []
    try:
        for link in links:
            png = out / "qr" / f"{link.code}.png"
            write_output(png, render_qr_png(link, lang=lang))
            pngs.append(png)
            svg = out / "qr" / f"{link.code}.svg"
            write_output(svg, render_qr_svg(link, lang=lang).encode("utf-8"))
            svgs.append(svg)
        page = render_html(links, bot_username=bot_username, lang=lang)
        write_output(html_path, page.encode("utf-8"))
        write_output(csv_path, render_csv(links, lang=lang, excel=excel, bom=bom).encode("utf-8"))
    except OutputError as error:
        raise LinkError(str(error)) from error
    return WrittenLinks(csv_path, html_path, tuple(pngs), tuple(svgs))


def _card(link: StageLink, lang: str) -> Card:
    stage = link.stage
    place = " · ".join(p for p in (stage.region, stage.territory) if p)
    return Card(
        code=link.code,
        title=_printed_title(link.title, lang),
        city=printed(stage.city, lang),
        audience=link.audience_label,
        example=stage.example,
        date=_day(stage, lang),
        place=printed(place, lang),
        # render_qr_svg escapes every text it holds: its output is markup, not text.
        qr=Markup(render_qr_svg(link, lang=lang, caption=False)),
        long=len(stage.city) > LONG_CITY,
        url=link.url,
        web_url=link.web_url,
    )


def _parts(url: str, code: str) -> tuple[str, str]:
    """`url` cut before the stage's code that ends it ("…?start=", "pithiviers"), or whole."""
    if code and url.endswith(code):
        return url[: -len(code)], code
    return url, ""


def _printed_title(title: str, lang: str) -> Markup:
    """The questionnaire's title as the bot sets it, and a French "1er" as printers do."""
    shown = escape(typeset(title, lang))
    if lang == "fr":
        return Markup(FIRST.sub("1<sup>er</sup>", shown))
    return shown


def _day(stage: StageDef, lang: str) -> Markup:
    """The stage's date, "1<sup>er</sup> octobre 2019" as French print sets the first."""
    day = escape(format_day(stage.date, lang))
    if lang == "fr" and day.startswith("1er\u00a0"):
        return Markup("1<sup>er</sup>") + day[3:]
    return day


@functools.cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("organiser", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        # Block tags on their own line leave no blank line behind.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template(TEMPLATE)

"""Invitation links: one Telegram deep link per stage, its web link, and the links as CSV.

When the bot runs several questionnaires (one per audience), each stage has a link
per audience, `<code>__<audience>`, which goes straight to that questionnaire.

A stage's link is `https://t.me/<bot>?start=<code>`: Telegram hands the code to
the bot, which tags the response with the stage. When the web chat has a public
address, a stage also has a web link, `<address>/s/<code>`: a landing page that
offers "Open in Telegram" and "Answer here", so the QR code points there and the
respondent chooses. The QR codes (`organiser.qr`) and the printable page
(`organiser.page`) are drawn from these links. Nothing here touches the network
or the database.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final
from urllib.parse import parse_qs, quote, urlsplit

from exports import dialect_for, neutralise
from flows import STAGE_CODE, Catalogue, Flow, StageDef, link_payload
from organiser.errors import LinkError

# Telegram's rule for a bot username: 5 to 32 of these, ending in "bot".
BOT_USERNAME: Final = re.compile(r"[A-Za-z0-9_]{5,32}")
BOT_ADDRESS: Final = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t|telegram)\.me/([^/?#]*)/?(?:[?#].*)?", re.IGNORECASE
)
"""The bot's address as BotFather, a phone or a stage's link writes it; the name in it."""
CSV_COLUMNS: Final = ("stage", "city", "region", "date", "link")
AUDIENCE_COLUMN: Final = "audience"
WEB_COLUMN: Final = "web_link"
CSV_READ_LIMIT: Final = 4 * 1024 * 1024
"""The most of an earlier links.csv read to find its codes: thousands of stages' links."""
# Plain http is for a rehearsal on this machine only: respondents' answers travel over https.
LOCAL_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1"})
WEB_PATH: Final = "/s/"
# How a made-up stage is marked, after its city; English for other languages.
EXAMPLE_MARK: Final = {"fr": "exemple", "en": "example"}


@dataclass(frozen=True, slots=True)
class StageLink:
    """One stage with its invitation link."""

    stage: StageDef
    url: str
    """The Telegram deep link."""
    web_url: str | None = None
    """The web chat's landing page for the stage, when the web chat has a public address."""
    audience: str = ""
    """The audience code the link goes straight to, when the bot runs several flows (for a
    stage tied to one flow, that flow's: its plain code goes there already)."""
    audience_label: str = ""
    """Who that audience is, as the respondent's button says it ("Une entreprise")."""
    title: str = ""
    """The title of the questionnaire the link opens, once `with_titles` has set it."""

    @property
    def code(self) -> str:
        """What the link carries: the stage's code, and `__<audience>` when it names one
        (but for a stage tied to one flow, whose own code opens that flow)."""
        return link_payload(self.stage, _carried(self.stage, self.audience))

    @property
    def qr_url(self) -> str:
        """What the QR code opens: the landing page, which offers both, or else Telegram."""
        return self.web_url or self.url


def check_bot_username(name: str) -> str:
    """The bot's username without '@', or LinkError saying what Telegram allows.

    BotFather gives the bot's address, `t.me/tour_innovation_bot`, as often as its
    name: pasted whole, the name is read from it (from a stage's link too, `?start=…`)."""
    username = name.strip().removeprefix("@")
    address = BOT_ADDRESS.fullmatch(username)
    if address is not None:
        username = address.group(1)
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
    if not STAGE_CODE.fullmatch(payload):
        raise LinkError(
            f"stage code {payload!r} cannot travel in a link: use at most 64 letters, "
            "digits, '_' and '-'"
        )
    # The payload alphabet needs no escaping; quote() keeps that true if it changes.
    return f"https://t.me/{username}?start={quote(payload, safe='')}"


def check_web_url(url: str) -> str:
    """The web chat's public address without a trailing '/', or LinkError saying what is wrong.

    https:// (http:// only on localhost or 127.0.0.1, to rehearse), a host, maybe
    a port and a path, and no query or fragment: the stage's path is added to it. A path
    holding /s (a stage's page copied from a card) is refused: its links would open /s/s/….
    """
    example = "like https://enquete.example.org"
    if not url:
        raise LinkError(f"the web address is empty; give the web chat's public address, {example}")
    if any(c.isspace() or not c.isprintable() for c in url):
        raise LinkError(f"web address {url!r} must be one address without spaces, {example}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is what checks it
    except ValueError as error:
        raise LinkError(
            f"web address {url!r} is not a valid address ({error}), {example}"
        ) from None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in ("https", "http") or not host:
        raise LinkError(f"web address {url!r} must start with https:// and a host name, {example}")
    if scheme == "http" and host not in LOCAL_HOSTS:
        raise LinkError(
            f"web address {url!r} must use https://, {example} "
            "(plain http:// only on localhost or 127.0.0.1, for a rehearsal)"
        )
    if parts.username is not None or parts.password is not None:
        raise LinkError(f"web address {url!r} must not hold a user name or password, {example}")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise LinkError(
            f"web address {url!r} must have no '?' query or '#' fragment: "
            f"the stage is added as {WEB_PATH}<code>, {example}"
        )
    segments = parts.path.split("/")
    if WEB_PATH.strip("/") in segments:
        # A stage's page (…/s/pithiviers) or its folder, copied from a card: every link
        # would then open …/s/s/<code>, which the web chat does not serve.
        before = "/".join(segments[: segments.index(WEB_PATH.strip("/"))])
        raise LinkError(
            f"web address {url!r} holds {WEB_PATH}, the path of the stages' pages, which each "
            f"link adds itself ({WEB_PATH}<code>): give the web chat's own address, like "
            f"{parts.scheme}://{parts.netloc}{before}"
        )
    return url.rstrip("/")


def web_link(web_url: str, code: str) -> str:
    """`<web_url>/s/<code>`: the web chat's landing page for a stage, with both checked."""
    base = check_web_url(web_url)
    if not STAGE_CODE.fullmatch(code):
        raise LinkError(
            f"stage code {code!r} cannot travel in a link: use at most 64 letters, "
            "digits, '_' and '-'"
        )
    return f"{base}{WEB_PATH}{quote(code, safe='')}"


def stage_link(
    stage: StageDef,
    bot_username: str,
    *,
    web_url: str | None = None,
    audience: tuple[str, str] = ("", ""),
) -> StageLink:
    """The invitation link of one stage (for one audience: its code and label), and its web
    link when `web_url` is given. For a stage tied to one flow (`flow:`), `audience` is
    that flow's, named on the link but not carried in it: the stage's code opens that flow."""
    code, label = audience
    try:
        payload = link_payload(stage, _carried(stage, code))
    except ValueError as error:
        raise LinkError(str(error)) from None
    web = web_link(web_url, payload) if web_url is not None else None
    return StageLink(stage, deep_link(bot_username, payload), web, code, label)


def _carried(stage: StageDef, audience: str) -> str:
    """The audience a stage's link carries: none for a stage tied to one flow in the stages
    file (the conversation opens that flow from its code), else `audience`."""
    return "" if stage.flow is not None else audience


def longest_web_link(
    web_url: str, stages: Iterable[StageDef], audiences: Sequence[str] = ()
) -> str | None:
    """The longest of the stages' web links (per audience, as `stage_links` makes them),
    the one a QR code is likeliest not to hold; None without a stage."""
    try:
        payloads = [
            link_payload(stage, code)
            for stage in stages
            for code in (audiences if stage.flow is None else ()) or [""]
        ]
    except ValueError as error:
        raise LinkError(str(error)) from None
    return max((web_link(web_url, payload) for payload in payloads), key=len, default=None)


def audiences_of(flows: Iterable[Flow], lang: str) -> list[tuple[str, str]]:
    """Each flow's audience as a link needs it: its code and its label in `lang`."""
    return [
        (flow.audience.code, flow.text(flow.audience.label, lang))
        for flow in flows
        if flow.audience is not None
    ]


def stage_links(
    stages: Iterable[StageDef],
    bot_username: str,
    *,
    web_url: str | None = None,
    audiences: Sequence[tuple[str, str]] = (),
    flows: Sequence[Flow] = (),
    lang: str = "fr",
) -> list[StageLink]:
    """The invitation links of every stage, in the stages file's order; with `audiences`
    (code, label), one per stage and audience, but for a stage tied to one flow: one link,
    named after its flow's audience (found in `flows`). With `flows`, each link carries the
    title, in `lang`, of the questionnaire it opens."""
    found = []
    for stage in stages:
        for audience in _audiences_of_stage(stage, audiences, flows, lang):
            found.append(stage_link(stage, bot_username, web_url=web_url, audience=audience))
    return _titled(found, flows, lang) if flows else found


def _audiences_of_stage(
    stage: StageDef, audiences: Sequence[tuple[str, str]], flows: Sequence[Flow], lang: str
) -> Sequence[tuple[str, str]]:
    """Whom a stage's links are for: each of `audiences`; for a stage tied to one flow in the
    stages file, which needs no choice, that flow's audience alone, so that its card, QR code
    and row name whom it invites as the others do (none when the links name none)."""
    if stage.flow is None:
        return audiences or [("", "")]
    own = [flow for flow in flows if flow.id == stage.flow]
    return (audiences_of(own, lang) if audiences else [])[:1] or [("", "")]


def _titled(links: Iterable[StageLink], flows: Sequence[Flow], lang: str) -> list[StageLink]:
    """Each link with the title of the questionnaire it opens: its audience's flow, else
    the flow its stage is tied to, else the first (the only one, or the default)."""
    catalogue = Catalogue.of(flows)
    found = []
    for link in links:
        flow = (
            catalogue.by_audience(link.audience)
            or catalogue.by_id(link.stage.flow)
            or catalogue.default
        )
        found.append(replace(link, title=flow.text(flow.title, lang)))
    return found


def example_mark(lang: str) -> str:
    """The word that marks a made-up stage: "exemple", "example"."""
    return EXAMPLE_MARK.get(lang, EXAMPLE_MARK["en"])


def stage_title(stage: StageDef, *, lang: str = "fr") -> str:
    """The city, marked "(exemple)" for a made-up stage."""
    if stage.example:
        return f"{stage.city} ({example_mark(lang)})"
    return stage.city


def link_title(link: StageLink, *, lang: str = "fr") -> str:
    """The stage's title, and the audience when the link names one: "Pithiviers – Une entreprise"."""
    title = stage_title(link.stage, lang=lang)
    return f"{title} – {link.audience_label}" if link.audience_label else title


def render_csv(
    links: Sequence[StageLink], *, lang: str = "fr", excel: bool = False, bom: bool = False
) -> str:
    """The links as CSV text: stage, (audience, when links name one,) city, region,
    date (YYYY-MM-DD), link, and web_link when the links have web links; in the
    French Excel dialect (`;`, CRLF, a BOM so that accents read right) with `excel`,
    plain with a BOM for Excel in English with `bom`."""
    web = any(link.web_url is not None for link in links)
    audience = any(link.audience for link in links)
    dialect = dialect_for(excel=excel, bom=bom)
    buffer = io.StringIO()
    if dialect.bom:
        buffer.write("\ufeff")  # the byte-order mark: Excel then reads UTF-8, accents and all
    writer = csv.writer(buffer, delimiter=dialect.separator, lineterminator=dialect.line_end)
    header = (*CSV_COLUMNS[:1], AUDIENCE_COLUMN, *CSV_COLUMNS[1:]) if audience else CSV_COLUMNS
    writer.writerow((*header, WEB_COLUMN) if web else header)
    for link in links:
        stage = link.stage
        row = [
            neutralise(stage.code),
            *([neutralise(link.audience)] if audience else []),
            neutralise(stage_title(stage, lang=lang)),
            neutralise(stage.region or ""),
            stage.date.isoformat() if stage.date else "",
            link.url,
        ]
        writer.writerow([*row, link.web_url or ""] if web else row)
    return buffer.getvalue()


def codes_in_csv(path: Path) -> set[str]:
    """The link codes a links.csv written earlier lists (the `start=` of its links): the QR
    codes that run wrote. Empty when there is none, or it cannot be read as one."""
    try:
        # A regular file only, and not more of it than a links.csv holds: links.csv may be
        # a symbolic link to a device (/dev/full, /dev/zero), never ending.
        if not path.is_file():
            return set()
        with path.open("rb") as file:
            text = file.read(CSV_READ_LIMIT).decode("utf-8-sig")  # --excel's has a BOM
    except (OSError, UnicodeDecodeError):
        return set()
    header = text.partition("\n")[0]
    rows = csv.DictReader(io.StringIO(text), delimiter=";" if ";" in header else ",")
    codes: set[str] = set()
    try:
        for row in rows:
            given = parse_qs(urlsplit(row.get("link") or "").query).get("start", [])
            codes |= {code for code in given if STAGE_CODE.fullmatch(code)}
    except csv.Error:
        return set()
    return codes


def stale_qr_files(
    out: Path, links: Sequence[StageLink], earlier: set[str]
) -> tuple[list[Path], list[Path]]:
    """The PNG and SVG files in `out`/qr that are none of `links`' QR codes: those of a code
    the earlier links.csv listed (`earlier`, the kit's own: renamed or removed since),
    and the others (maybe someone's picture: for them to look at)."""
    # Whatever their case: codes differ by more than case (validate refuses two that do
    # not), and a folder on macOS or Windows may keep a file's old case under its new code.
    current = {link.code.casefold() for link in links}
    try:
        found = sorted((out / "qr").iterdir())
    except OSError:
        return [], []
    files = [p for p in found if p.suffix in (".png", ".svg") and p.stem.casefold() not in current]
    files = [p for p in files if p.is_file()]
    return [p for p in files if p.stem in earlier], [p for p in files if p.stem not in earlier]

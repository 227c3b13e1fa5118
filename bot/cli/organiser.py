"""`surveybot links` and `surveybot stats`: the organiser's tools at a desk.

Links and QR codes to print before a workshop; counts per stage and the drop-off
along the questionnaire while it runs (read-only, safe beside the running bot).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

import click

from bot.cli.common import database_file, fail
from bot.cli.held import held, how_to_include, other_flows, refuse_changed_flows
from bot.cli.loading import (
    DataSetup,
    load_data,
    load_flow_and_stages,
    load_settings,
    refuse_unknown_stage,
)
from bot.cli.options import CHANNEL_CHOICES, CONTEXT, STAGES_OPTION, data_options, to_day
from bot.cli.outputs import (
    FORCE_OPTION,
    check_outputs,
    interrupted_cleanly,
    per_flow,
    refuse_database,
)
from bot.cli.stats_scope import read_stats, stage_and_flows

if TYPE_CHECKING:
    from bot.settings import LinkSettings
    from organiser import StageLink, Stats, WrittenLinks


def _bot_username(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None  # SURVEYBOT_BOT_USERNAME, if set, is read with the other settings
    from organiser import LinkError, check_bot_username

    try:
        return check_bot_username(value)
    except LinkError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


def _web_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from organiser import LinkError, check_web_url

    try:
        return check_web_url(value)
    except LinkError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


LINK_LANGUAGES: Final = ("fr", "en")
"""The languages the printed cards and QR captions are written in."""
OTHER_IMAGES: Final = (".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".webp", ".bmp", ".tif", ".tiff")
"""Names --plot refuses: another format's, which the PNG it writes is not."""


@click.command(context_settings=CONTEXT)
@click.option(
    "--bot-username",
    metavar="NAME",
    callback=_bot_username,
    help="The bot's username from @BotFather, like tour_innovation_bot: 5 to 32 letters, "
    "digits and '_', ending in 'bot' (SURVEYBOT_BOT_USERNAME).",
)
@click.option(
    "--web-url",
    metavar="URL",
    callback=_web_url,
    help="The address respondents reach the web chat at, like https://enquete.example.org "
    "(SURVEYBOT_PUBLIC_URL). With it, each stage also gets a web link, <URL>/s/<code>, "
    "and the QR codes open it: a page offering Telegram or the browser.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write links.csv, links.html and qr/<code>.png and .svg into DIR "
    "(created if needed; files there are replaced only with --force or once you say yes). "
    "Without it, print the CSV.",
)
@STAGES_OPTION
@click.option(
    "--flow",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Flow file (SURVEYBOT_FLOW; default: the bundled questionnaire): its title is "
    "on each card.",
)
@click.option(
    "--flows",
    metavar="FILES",
    help="The flows the bot runs (SURVEYBOT_FLOWS): with several, one link and QR code per "
    "stage and audience.",
)
@click.option(
    "--lang",
    type=click.Choice(LINK_LANGUAGES),
    help="Language of the dates and labels on the QR codes and the page (default: the "
    "questionnaire's own, French for one in another language).",
)
@click.option(
    "--excel", is_flag=True, help="links.csv for French Excel: UTF-8 with BOM, ';', CRLF."
)
@click.option(
    "--bom", is_flag=True, help="links.csv for Excel in English: ',' and a BOM for the accents."
)
@FORCE_OPTION
def links(
    bot_username: str | None,
    web_url: str | None,
    out: Path | None,
    stages: Path | None,
    flow: Path | None,
    flows: str | None,
    lang: str | None,
    excel: bool,
    bom: bool,
    force: bool,
) -> None:
    """One invitation link and QR code per stage, and a printable page of them all.

    Each link opens the bot with the stage's code, so every answer is tagged
    with its workshop; each card names the questionnaire it invites to. With a
    web address (--web-url or SURVEYBOT_PUBLIC_URL), each stage also gets a web
    link to the web chat's landing page, and its QR code opens that page, where
    the respondent chooses Telegram or the browser.
    Stages marked `example: true` are included, marked "(exemple)". Print
    links.html (one card per stage), or put qr/<code>.png on a slide. The
    files are created readable by you only (mode 600). When the bot runs several
    questionnaires (--flows, SURVEYBOT_FLOWS), each stage has one link per
    audience, <code>__<audience>, that goes straight to its questionnaire.

    Example: surveybot links --bot-username tour_innovation_bot --out invitations
    """
    settings = _link_settings(stages, flow, flows, web_url=web_url, bot_username=bot_username)
    bot_username = _required_bot_username(settings)
    found, per_audience, lang = _find_links(settings, bot_username, lang)
    if out is None:
        from organiser import render_csv

        click.echo(render_csv(found, lang=lang, excel=excel, bom=bom), nl=False)
        return
    earlier = _before_writing(found, out, settings, force=force, given=web_url is not None)
    written = _write_kit(found, out, bot_username=bot_username, lang=lang, dialect=(excel, bom))
    _say_written(found, written, out, settings.public_url, per_audience=per_audience)
    _remove_stale_qr_codes(out, found, earlier)


def _link_settings(
    stages: Path | None,
    flow: Path | None,
    flows: str | None,
    *,
    web_url: str | None,
    bot_username: str | None,
) -> LinkSettings:
    """The settings `links` uses: the flags given, on top of the environment and `.env`."""
    from bot.settings import LinkSettings

    return load_settings(
        LinkSettings,
        stages=stages,
        flow=flow,
        flows=flows,
        public_url=web_url,
        bot_username=bot_username,
    )


def _required_bot_username(settings: LinkSettings) -> str:
    """The bot's username, which every link opens: a usage error when neither flag nor
    variable gives it."""
    if settings.bot_username is None:
        raise click.UsageError(
            "Missing option '--bot-username' (or SURVEYBOT_BOT_USERNAME): the links open "
            "the bot, like https://t.me/tour_innovation_bot?start=<code>."
        )
    return settings.bot_username


def _find_links(
    settings: LinkSettings, bot_username: str, lang: str | None
) -> tuple[list[StageLink], bool, str]:
    """Every stage's links, whether there is one per audience (several flows that name
    theirs) rather than one per stage, and the language they are in: `lang`, else the
    questionnaire's (an English-only survey's cards are not printed in French)."""
    from organiser import audiences_of, stage_links

    # The flows too, with one: each card names its questionnaire, and a broken flow file
    # is refused here, with its problems located, rather than at the workshop.
    catalogue, loaded = load_flow_and_stages(settings)
    if lang is None:
        own = catalogue.default.language
        lang = own if own in LINK_LANGUAGES else "fr"
    audiences = audiences_of(catalogue.flows, lang) if catalogue.several else []
    found = stage_links(
        loaded,
        bot_username,
        web_url=settings.public_url,
        audiences=audiences,
        flows=catalogue.flows,
        lang=lang,
    )
    return found, bool(audiences), lang


def _before_writing(
    found: list[StageLink], out: Path, settings: LinkSettings, *, force: bool, given: bool
) -> set[str]:
    """Refuse, before any file is written, a link too long for its QR code or files
    replaced unasked; then read the codes the kit already there lists.

    Read before writing: links.csv is written last (`write_links`), so even after a run
    that failed halfway it lists the QR codes in qr/ that the kit wrote, the ones
    `_remove_stale_qr_codes` may remove.
    """
    from organiser import codes_in_csv, kit_paths

    _refuse_links_too_long(found, given=given)
    check_outputs(kit_paths(found, out), database=database_file(settings.db), force=force)
    return codes_in_csv(out / "links.csv")


def _refuse_links_too_long(found: list[StageLink], *, given: bool) -> None:
    """Exit with status 2, as for a bad web address, if a link is too long for its QR code.

    Checked before any file is written (or replacing one asked): segno's
    DataOverflowError came after links.csv was, as a traceback.
    """
    from organiser import LinkError, check_qr_fits

    try:
        for link in found:
            check_qr_fits(link)
    except LinkError as error:
        if given:
            raise click.BadParameter(str(error), param_hint="'--web-url'") from None
        click.echo(f"error: SURVEYBOT_PUBLIC_URL: {error}", err=True)
        raise SystemExit(2) from None


def _write_kit(
    found: list[StageLink],
    out: Path,
    *,
    bot_username: str,
    lang: str,
    dialect: tuple[bool, bool],
) -> WrittenLinks:
    """Write the kit into `out`, links.csv last (`write_links`); a failure is one line, exit 1.
    `dialect`: --excel and --bom, for links.csv."""
    from organiser import LinkError, write_links

    excel, bom = dialect
    try:
        with interrupted_cleanly("writing the links"):
            return write_links(
                found, out, bot_username=bot_username, lang=lang, excel=excel, bom=bom
            )
    except LinkError as error:
        fail(str(error))


def _say_written(
    found: list[StageLink],
    written: WrittenLinks,
    out: Path,
    public_url: str | None,
    *,
    per_audience: bool,
) -> None:
    """One line on standard error: how many links and QR codes, and where they are."""
    count = len(found)
    noun = "link" if per_audience else "stage"
    plural = "s" if count != 1 else ""
    opening = f", opening {public_url}/s/<code>" if public_url else ""
    click.echo(
        f"{count} {noun}{plural}: wrote {written.csv}, {written.html} "
        f"and {count} QR code{plural} (PNG and SVG{opening}) in {out / 'qr'}",
        err=True,
    )


def _remove_stale_qr_codes(out: Path, found: list[StageLink], earlier: set[str]) -> None:
    """Remove the QR codes of an earlier run whose code these links no longer have (a stage
    renamed or removed), saying so, and warn of other pictures in qr/ that are none of them.

    Left there, qr/<old code>.png was ready to be put on a slide by mistake, opening a
    link no stage has. Only files the earlier links.csv proves the kit wrote are removed:
    another picture in qr/ may be someone's own, so it is named, not removed.
    """
    from organiser import stale_qr_files

    stale, others = stale_qr_files(out, found, earlier)
    removed: list[Path] = []
    for path in stale:
        try:
            path.unlink()
            removed.append(path)
        except OSError as error:
            others.append(path)
            click.echo(f"warning: cannot remove {path}: {error.strerror or error}", err=True)
    if removed:
        codes = ", ".join(sorted({f"'{path.stem}'" for path in removed}))
        click.echo(
            f"removed {', '.join(str(path) for path in removed)}: the QR codes of {codes}, "
            "which these stages no longer have (renamed or removed)",
            err=True,
        )
    for path in others:  # a line each: the sentence then needs no plural
        click.echo(
            f"warning: {path} is none of these stages' QR codes: if it is an old one, "
            "delete it before it is printed or put on a slide",
            err=True,
        )


@click.command(context_settings=CONTEXT)
@data_options("report on")
@click.option(
    "--stage",
    "stage_code",
    metavar="CODE",
    help="Only the responses of this stage; a link's CODE__AUDIENCE (issoudun__entreprise) "
    "also picks that audience's questionnaire.",
)
@click.option(
    "--day",
    callback=to_day,
    metavar="YYYY-MM-DD",
    help="The day counted in the 'today' column (default: today), a day in the respondents' "
    "zone (SURVEYBOT_TIMEZONE, Europe/Paris by default).",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also save the drop-off as a bar chart, a PNG image (mode 600; an existing file "
    "is replaced only with --force or once you say yes).",
)
@click.option(
    "--timezone",
    metavar="ZONE",
    help="The respondents' time zone, like Europe/Paris (SURVEYBOT_TIMEZONE): the day the 'today' column counts.",
)
@click.option(
    "--all-stages",
    is_flag=True,
    help="A row for every stage, even without responses (else named on one line under the table).",
)
@click.option(
    "--channel",
    "channels",
    type=click.Choice(CHANNEL_CHOICES),
    multiple=True,
    help="Only respondents of this channel (repeatable), as export's: --channel telegram "
    "--channel web leaves out the terminal's rehearsals. Refusals of the notice, kept with "
    "no one's channel, are then not counted.",
)
@FORCE_OPTION
def stats(
    db: str | None,
    flow: Path | None,
    flows: str | None,
    stages: Path | None,
    stage_code: str | None,
    day: dt.date | None,
    plot: Path | None,
    timezone: str | None,
    all_stages: bool,
    channels: tuple[str, ...],
    force: bool,
) -> None:
    """How many started, completed and gave up, per stage, and where respondents stop.

    The table gives, per stage: responses started, completed, abandoned
    (unfinished, untouched for SURVEYBOT_ABANDON_AFTER_DAYS: closed by the bot),
    the completion rate, the median time to complete, today's started /
    completed, and how many declined the notice (once some have); the stages
    without responses on one line under it (--all-stages: a row each). The
    drop-off view follows the questions in order: how many responses reached
    each one, and how many answered it. With several flows (--flows), each has
    its tables and its chart (--plot dropoff.png writes dropoff-entreprise.png
    and dropoff-territoire.png), or only the one --flow names. Safe to run
    while the bot is running: it only reads the database, and --plot never
    writes over it.

    Example: surveybot stats --stage pithiviers --plot dropoff.png
    """
    from bot.settings import ZoneSettings
    from flows import find_stage

    setup = load_data(db, flow, flows, stages, database_required=True)
    settings, catalogue, loaded_stages = setup.settings, setup.catalogue, setup.stages
    # `issoudun__entreprise`, as the cards print it: that workshop, that questionnaire.
    stage_code, selected, picked = stage_and_flows(setup, stage_code, flow_given=flow is not None)
    refuse_database([plot], database=database_file(settings.db))
    if plot is not None and plot.suffix.lower() in OTHER_IMAGES:
        # A PNG named .jpg opens with a warning, if at all: said before anything is read.
        raise click.BadParameter(
            f"{plot.name}: the chart is a PNG image: name it {plot.stem}.png", param_hint="'--plot'"
        )
    plots = [per_flow(plot, chosen, len(selected) > 1) for chosen in selected]
    check_outputs(plots, database=database_file(settings.db), force=force)
    refuse_changed_flows(settings.db, selected)
    zone = ZoneInfo(load_settings(ZoneSettings, timezone=timezone).timezone)
    results = [
        read_stats(
            settings.db, chosen, loaded_stages, stage_code, day, catalogue.several, zone, channels
        )
        for chosen in selected
    ]
    # Declining the notice carries the code too: a workshop may have only refusals.
    carried = any(result.total.started or result.total.declined for result in results)
    if stage_code is not None and find_stage(loaded_stages, stage_code) is None and not carried:
        refuse_unknown_stage(loaded_stages, stage_code)
    abandon_days = _abandon_after_days(timezone)
    if channels:  # said, as the tables do not: they would pass for the whole tour's
        click.echo(
            f"note: only the respondents of {', '.join(channels)} are counted "
            "(--channel); refusals of the notice, kept with no channel, are not",
            err=True,
        )
    for chosen, result, chart in zip(selected, results, plots, strict=True):
        if len(selected) > 1:
            click.echo(f"== {chosen.text(chosen.title, chosen.language)} ({chosen.id}) ==")
        _show_stats(result, chart, abandon_days, all_stages)
    if flow is None and not picked:  # a flow picked on purpose: the others are not missed
        _note_other_flows(setup, stage_code)


def _note_other_flows(setup: DataSetup, stage_code: str | None) -> None:
    """A line per flow whose responses the database holds besides those reported on.

    With one flow the stage table counts every response, whatever its flow (as it
    always has), but the drop-off only that flow's: the note says so.
    """
    from flows import find_stage
    from storage import ResponseFilter

    stage = find_stage(setup.stages, stage_code) if stage_code is not None else None
    codes = (stage.code if stage is not None else stage_code,) if stage_code else ()

    def matching(flow_id: str) -> ResponseFilter:
        return ResponseFilter(flow_id=flow_id, stage_codes=codes)

    counted = (
        "these tables do not count them"
        if setup.catalogue.several
        else "the stage table counts them, the drop-off does not"
    )
    for other in other_flows(setup.settings.db, setup.selected, matching if codes else None):
        include = how_to_include(other, setup.settings.flow_paths(), "its own tables")
        click.echo(f"note: {held(other, '--stage')}, any status; {counted}: {include}", err=True)


def _abandon_after_days(timezone: str | None) -> float | None:
    """SURVEYBOT_ABANDON_AFTER_DAYS as the bot reads it, for the legend of "abandoned"; None
    when the upkeep's settings cannot be read: a mistake in one the stats do not use (the
    retention, say) stops nothing, and the legend names the setting instead."""
    from pydantic import ValidationError

    from bot.settings import UpkeepSettings

    try:
        read = UpkeepSettings() if timezone is None else UpkeepSettings(timezone=timezone)
        return read.abandon_after_days
    except (ValidationError, OSError, UnicodeDecodeError):
        return None


def _show_stats(result: Stats, plot: Path | None, days: float | None, every: bool) -> None:
    """The two tables on standard output, and the chart to `plot` if asked."""
    from organiser import render_dropoff_png, render_dropoff_table, render_stage_table

    click.echo(render_stage_table(result, abandon_after_days=days, all_stages=every))
    click.echo()
    click.echo(render_dropoff_table(result))
    if plot is not None:
        from exports import OutputError, write_output

        try:
            with interrupted_cleanly("writing the chart"):
                write_output(plot, render_dropoff_png(result), what="the chart")
        except OutputError as error:
            fail(str(error))
        click.echo(f"wrote the drop-off chart to {plot}", err=True)

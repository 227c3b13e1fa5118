"""`surveybot links`: the invitation link and QR code of every stage, for organisers.

Registered on the `surveybot` group in `bot.cli`. Imports only click at load
time; the flows, segno and Pillow come in when the command runs.
"""

from __future__ import annotations

from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _bot_username(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from organiser import LinkError, check_bot_username

    try:
        return check_bot_username(value)
    except LinkError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


@click.command(context_settings=CONTEXT)
@click.option(
    "--bot-username",
    required=True,
    metavar="NAME",
    callback=_bot_username,
    help="The bot's username from @BotFather, like tour_innovation_bot: 5 to 32 letters, "
    "digits and '_', ending in 'bot'.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write links.csv, links.html and qr/<code>.png and .svg into DIR "
    "(created if needed). Without it, print the CSV.",
)
@click.option(
    "--stages",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Stages file (SURVEYBOT_STAGES; default: the bundled one).",
)
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Language of the dates and labels on the QR codes and the page.",
)
def links(bot_username: str, out: Path | None, stages: Path | None, lang: str) -> None:
    """One invitation link and QR code per stage, and a printable page of them all.

    Each link opens the bot with the stage's code, so every answer is tagged
    with its workshop. Stages marked `example: true` are included, marked
    "(exemple)". Print links.html (one card per stage), or put qr/<code>.png on
    a slide.

    Example: surveybot links --bot-username tour_innovation_bot --out invitations
    """
    from bot.cli import load_settings
    from flows import FlowFileError, load_stages
    from organiser import LinkError, render_csv, stage_links, write_links

    settings = load_settings(stages=stages)
    try:
        loaded = load_stages(settings.stages_path())
    except FlowFileError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None
    found = stage_links(loaded, bot_username)
    if out is None:
        click.echo(render_csv(found, lang=lang), nl=False)
        return
    try:
        written = write_links(found, out, bot_username=bot_username, lang=lang)
    except LinkError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(1) from None
    count = len(found)
    click.echo(
        f"{count} stage{'s' if count != 1 else ''}: wrote {written.csv}, {written.html} "
        f"and {count} QR code{'s' if count != 1 else ''} (PNG and SVG) in {out / 'qr'}",
        err=True,
    )

"""The `surveybot` group's class: a command typed wrong said in one line, the commands listed.

click says a usage error (an unknown option, a value refused, an option missing) in
four lines, "Usage: ...", "Try ...", a blank one, "Error: ..."; every other error of
ours is one line, `error: ...`. Here click's are said as ours are, with the command's
help named where it helps, and still exit 2, click's status for misuse. `surveybot
--help` lists the commands in the order of an organiser's day, each with a summary
that fits in full at 80 columns.
"""

from __future__ import annotations

import difflib
import re
from typing import IO, Any, Final

import click

from bot.cli.outputs import OutputGroup

SUMMARIES: Final = {
    "validate": "Check flow and stages files: every problem, located.",
    "schema": "Print the JSON Schema of flow files, for editors.",
    "chat": "Answer the questionnaire in the terminal: the way to try it.",
    "links": "An invitation link and QR code per stage, a page to print.",
    "stats": "Started, completed, gave up, per stage; where people stop.",
    "export": "Export the responses for analysis: CSV, Excel, codebook.",
    "run": "Run the Telegram bot (long polling, or a webhook).",
    "serve": "Serve the web chat (and Telegram's webhook, if asked).",
    "migrate-db": "Copy every response to another, empty database.",
    "purge": "Delete old responses (the retention period), or rehearsals.",
    "erase": "Erase a respondent: their record, every response and answer.",
}
"""Each command's line in `surveybot --help`, in the order of an organiser's day: check
the files, try the questionnaire, print the invitations, follow and export the answers,
run the bot; then the upkeep."""
ELSEWHERE: Final = {
    "qr": "the QR codes are made by 'surveybot links --bot-username NAME --out DIR' (or "
    "--web-url URL), one per stage in DIR/qr/",
}
"""What an organiser may type from Telegram's commands (`/qr CODE`), and where it is."""


class UsageLine(click.UsageError):
    """A usage error said as every error of ours is: one line, `error: ...`; exit 2."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.message}", file=file, err=True)


class Surveybot(OutputGroup):
    """The `surveybot` group: usage errors in one line, the commands in the day's order."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if cmd.short_help is None:
            cmd.short_help = SUMMARIES.get(name or cmd.name or "")
        super().add_command(cmd, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        known = [name for name in SUMMARIES if name in self.commands]
        return known + sorted(set(self.commands) - set(known))

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if ctx.resilient_parsing or name.startswith("-") or self.get_command(ctx, name):
            return super().resolve_command(ctx, args)
        said = f"no command '{name}'"
        if name.lower() in ELSEWHERE:
            said += f"; {ELSEWHERE[name.lower()]}"
        said += f"; the commands are: {', '.join(self.list_commands(ctx))}"
        near = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
        if near and name.lower() not in ELSEWHERE:
            said += f"; did you mean '{near[0]}'?"
        raise UsageLine(said, ctx)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            raise one_line(error, info_name or self.name or "surveybot") from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            command = " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))
            raise one_line(error, command) from None


NO_ARGS_IS_HELP: Final[Any] = getattr(click.exceptions, "NoArgsIsHelpError", ())
"""click 8.2's way of printing a group's help when given no command: left as it is."""


NEAR: Final = re.compile(r"\.?\s*\(?Did you mean (?:one of: )?(?P<names>[^?]+)\?\)?")
"""click's suggestions, "(Did you mean one of: '--bom', '--db'?)" or ". Did you mean …?"."""


def _near_as_ours(found: re.Match[str]) -> str:
    """click's suggestions as ours are written: "; did you mean '--bom' or '--db'?"."""
    names = [name.strip() for name in found["names"].split(",")]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"; did you mean {listed}?"


def one_line(error: click.UsageError, command: str) -> click.UsageError:
    """`error` as one line: click's message, its first letter lower-case and its final
    period dropped, as ours are written; then, where the command was typed wrong (an
    option unknown, a value or an option missing, an argument too many, two options that
    do not go together), "(see 'surveybot stats --help')". Not where a value given was
    refused (the message says why), nor for an error of no command (a terminal not in
    UTF-8). `command` names the command when the error does not (an option's value
    missing, said by click's parser)."""
    if isinstance(error, (UsageLine, NO_ARGS_IS_HELP)):
        return error
    said = "; ".join(line.strip() for line in error.format_message().splitlines() if line.strip())
    said = NEAR.sub(_near_as_ours, said)
    if said[:1].isupper() and not said[1:2].isupper():
        said = said[0].lower() + said[1:]
    if said.endswith(".") and not said.endswith(".."):
        said = said[:-1]
    if isinstance(error, click.BadParameter) and not isinstance(error, click.MissingParameter):
        return UsageLine(said, error.ctx)  # a value refused: the message says why
    if error.ctx is not None:
        said += f" (see '{error.ctx.command_path} --help')"
    elif isinstance(error, (click.BadOptionUsage, click.BadArgumentUsage)):
        said += f" (see '{command} --help')"
    return UsageLine(said, error.ctx)

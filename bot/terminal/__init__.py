"""The terminal chat: the questionnaire in a terminal, same conversation, same database.

Reads one line at a time, so it works typed by hand and with piped input (a
script of answers). Each line is read for the screen it answers (`reading`),
handed to the conversation service, and its reply printed (`display`). Every
accepted answer is committed before the next question is printed; quitting,
or the end of the input, keeps everything for the next run.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from bot.terminal.display import in_own_terms, show
from bot.terminal.reading import Leave, Screen, Unclear, read_line
from bot.terminal.words import term
from conversation import (
    Conversation,
    Goodbye,
    Menu,
    Message,
    Person,
    Question,
    Reply,
    Selection,
    Start,
    Status,
    Summary,
)
from storage import Channel


@dataclass
class Console:
    """Where the chat reads and writes; `echo` repeats piped answers so output reads as a transcript.

    `script`: the answers come from a file or a pipe, not a person, so the first one
    refused stops the chat: the next line was written for the next question, and taken
    for this one, every later answer would land one question early.
    """

    input: TextIO
    output: TextIO
    echo: bool = False
    script: bool = False
    lines: int = 0
    """Lines read so far: the number of the line refused, in a script."""

    def say(self, text: str = "") -> None:
        self.output.write(text + "\n")
        self.output.flush()

    async def ask(self) -> str | None:
        self.output.write("> ")
        self.output.flush()
        line = await _read_line(self.input)
        if not line:
            self.say()
            return None
        self.lines += 1
        line = as_text(line.rstrip("\r\n"))
        if self.echo:
            self.say(line)
        return line


def as_text(line: str) -> str:
    """A line as text, whatever the terminal's encoding.

    Bytes that are not UTF-8 come from the input stream as lone surrogates
    (`surrogateescape`), which nothing can store. A terminal sending them is
    most likely set to Latin-1 or Windows-1252, so the line is read that way:
    "Soci\\xe9t\\xe9" is "Société".
    """
    try:
        line.encode("utf-8")
        return line
    except UnicodeEncodeError:
        pass
    try:
        return line.encode("utf-8", "surrogateescape").decode("cp1252", "replace")
    except UnicodeEncodeError:  # a surrogate no byte stands for: not from a terminal
        return line.encode("utf-8", "replace").decode("utf-8")


async def _read_line(stream: TextIO) -> str:
    """One line from `stream`, read on a daemon thread.

    A blocked `readline` on a pool thread would keep the process alive after
    Ctrl+C (asyncio waits for its executor's threads at exit); a daemon thread
    does not.
    """
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str] = loop.create_future()

    def settle(outcome: Callable[[], object]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            loop.call_soon_threadsafe(lambda: line.done() or outcome())

    def read() -> None:
        try:
            got = stream.readline()
        except BaseException as error:
            failed = error  # `error` itself is gone once the except clause ends
            settle(lambda: line.set_exception(failed))
            return
        settle(lambda: line.set_result(got))

    threading.Thread(target=read, name="terminal-input", daemon=True).start()
    return await line


async def run_chat(
    conversation: Conversation,
    console: Console,
    *,
    respondent: str,
    stage_code: str | None = None,
    lang: str | None = None,
) -> int:
    """Run (or resume) one respondent's conversation until they leave; return the exit code."""
    person = Person(Channel.TERMINAL, respondent)
    reply = await conversation.handle(person, Start(stage=stage_code, language=lang))
    screen = _print(console, reply)
    try:
        while True:
            line = await console.ask()
            reading = Leave() if line is None else read_line(line, screen, reply.language)
            if isinstance(reading, Leave):
                console.say(_farewell(reply))
                return 0
            if isinstance(reading, Unclear):
                console.say(show(Message(reading.text, warning=True), reply.language) or "")
                if console.script:
                    return _stopped(console, reply.language)
                if isinstance(screen, Question | Selection):
                    # A question is short: asked again under the warning. A notice or a
                    # summary is still just above it, and would push the warning away.
                    console.say(show(screen, reply.language) or "")
                continue
            reply = await conversation.handle(person, reading)
            console.say()
            if console.script and reply.status == Status.REFUSED:
                console.say(show(Message(reply.note or "", warning=True), reply.language) or "")
                return _stopped(console, reply.language)
            screen = _next_screen(console, reply, screen)
            if _ends(reply):
                # Declined or erased: nothing is left to answer, and no Enter to wait for.
                # The goodbye just printed says what became of the answers; a farewell
                # after it ("nothing was stored") would contradict an erasure. Answers
                # given before that stay (another questionnaire's): how to reach them.
                if reply.kept:
                    console.say(term("kept_commands", reply.language))
                return 0
    except asyncio.CancelledError:
        # Ctrl+C: what was answered is kept, as with "quitter"; say so before leaving.
        console.say()
        console.say(_farewell(reply))
        raise


def _next_screen(console: Console, reply: Reply, screen: Screen | None) -> Screen | None:
    """Print the reply; the screen that now waits for an answer."""
    shown = _print(console, reply)
    if _ends(reply):
        return None  # declined or erased: nothing waits for an answer
    if shown is None and screen is not None:
        # Nothing new to answer (help, a message): the same screen again.
        console.say(show(in_own_terms(screen, None, reply.language), reply.language) or "")
        return screen
    return shown if shown is not None else screen


def _print(console: Console, reply: Reply) -> Screen | None:
    """Print the reply's screens; return the last one that waits for an answer, if any."""
    waiting: Screen | None = None
    lang = reply.language
    asked = next((s.prompt for s in reply.screens if isinstance(s, Question | Selection)), None)
    for screen in reply.screens:
        text = show(in_own_terms(screen, asked, lang), lang)
        if text is not None:
            console.say(text)
        if isinstance(screen, Menu | Question | Selection | Summary):
            waiting = screen
    return waiting


def _stopped(console: Console, lang: str) -> int:
    """A script's answer refused: said with its line number; exit status 1."""
    console.say(term("script_stopped", lang, line=console.lines))
    return 1


def _ends(reply: Reply) -> bool:
    """The conversation ends with this reply: the notice declined, or everything erased."""
    return any(isinstance(screen, Goodbye) for screen in reply.screens)


def _farewell(reply: Reply) -> str:
    if reply.response_id is None:
        # At a notice: nothing new is stored, but answers given before may be.
        return term("left_kept" if reply.kept else "left_before_start", reply.language)
    if reply.finished:
        return term("saved_done", reply.language)
    return term("saved_resume", reply.language)

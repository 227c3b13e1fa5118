"""From a reply to what a page shows: each screen as a block the template draws.

The template (templates/chat.html) only lays out; what each screen holds (a menu's
heading, a summary's buttons, notes read together) is decided here, from the
conversation's neutral screens, and a question's buttons and field in question_view.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from bot.web.heard import emoji_apart, said_answer, text_parts
from bot.web.notes import untaken
from bot.web.question_view import Button, button, question_view
from bot.web.words import web
from conversation import (
    LANGUAGE_NAMES,
    Action,
    Answered,
    DataCopy,
    Event,
    Goodbye,
    Help,
    HelpTopic,
    Intent,
    Menu,
    Message,
    Question,
    Reply,
    Screen,
    Selection,
    Status,
    Submitted,
    Summary,
    Transcript,
    Typed,
    Welcome,
    commands_help,
    encode,
    picker_labels,
    say,
)
from flows import (
    STAGE_CODE,
    Catalogue,
    Flow,
    StageDef,
    stages_for,
    typeset,
)


@dataclass
class Block:
    """One screen as the template draws it: `kind` picks the drawing."""

    kind: str
    text: str = ""
    title: str = ""
    lead: str = ""
    buttons: list[Button] = field(default_factory=list)
    entries: Sequence[tuple[str, str]] = ()
    edits: list[Button] = field(default_factory=list)
    """A summary's "change" button for each entry: on a page, beside the answer."""
    anchors: list[str] = field(default_factory=list)
    """A summary's entries' ids (`entry_id`), for each entry: where a page opens after
    one was changed."""
    warning: bool = False
    untaken: bool = False
    """A message saying what the person did was not taken (notes.py, `UNTAKEN`)."""
    revised: bool = False
    """A message saying an answer changed from the summary was ("Réponse modifiée")."""
    notes: list[Block] = field(default_factory=list)
    """A "notes" block's messages, one after the other: read, with scripts focused, together."""
    question: dict[str, Any] = field(default_factory=dict)
    groups: Sequence[tuple[str, Sequence[tuple[str, str]]]] = ()
    """"My data": each response's line with its answers, (question, answer as read back)."""


def blocks_of(reply: Reply) -> list[Block]:
    """The reply's screens as blocks, in order; what the page does not show is left out."""
    lang = reply.language
    blocks = []
    for screen in reply.screens:
        block = _block(screen, lang)
        if block is not None:
            blocks.append(block)
    return blocks


def laid_out(reply: Reply) -> tuple[Block | None, list[Block]]:
    """The reply as a page lays it out: the answers so far, then the rest of its blocks in order.

    The answers so far come first, as a chat's log does, whoever put their screen
    where: what the reply says (a refusal, the page's own "out of date") is then
    read just above the question it is about, not above the whole log, off-screen.
    """
    blocks = blocks_of(reply)
    transcripts = [block for block in blocks if block.kind == "transcript"]
    rest = [block for block in blocks if block.kind != "transcript"]
    return (transcripts[-1] if transcripts else None), _notes_together(rest)


def _notes_together(blocks: list[Block]) -> list[Block]:
    """Messages one after the other as one "notes" block: what chat.js focuses, so that a
    screen reader hears what the page says before the question below it."""
    together: list[Block] = []
    for block in blocks:
        if block.kind != "message":
            together.append(block)
        elif together and together[-1].kind == "notes":
            together[-1].notes.append(block)
        else:
            together.append(Block("notes", notes=[block]))
    return together


def entry_id(step: str) -> str:
    """The id of a question's entry in the summary (step ids are `[a-z][a-z0-9_]*`)."""
    return f"entry-{step}"


def changed_entry(reply: Reply, changing: bool) -> str | None:
    """The summary's entry of the answer just changed from it, to open the summary there.

    `changing`: the form was a question of a finished questionnaire ("Modifier"). The
    summary that comes back is long; at its top, the person would have to look for
    what they changed. Not after the last question of the first time through: then the
    thanks and the summary's top are what is new.
    """
    if not changing or not any(isinstance(screen, Summary) for screen in reply.screens):
        return None
    for screen in reply.screens:
        if isinstance(screen, Answered) and screen.answer is not None:
            return entry_id(screen.prompt.step_id)
    return None


def has_field(blocks: Sequence[Block]) -> bool:
    """Whether a question on the page is answered in a text field (which has `autofocus`)."""
    return any(block.kind == "question" and block.question["kind"] == "text" for block in blocks)


def _block(screen: Screen, lang: str) -> Block | None:
    if isinstance(screen, Message):
        closed = say("closed", lang)  # its /mydata and /delete: the page's buttons, if any
        text = closed if screen.text.startswith(closed) else screen.text.strip()
        revised = text in (say("revised", lang), say("revise_kept", lang))
        return Block(
            "message",
            text=text,
            warning=screen.warning,
            untaken=untaken(screen, lang),
            revised=revised,
        )
    if isinstance(screen, Welcome):
        return Block("welcome", title=screen.title, text=screen.intro, lead=screen.workshop or "")
    if isinstance(screen, Menu):
        titles = [
            MENU_TITLES[c.action.intent] for c in screen.choices if c.action.intent in MENU_TITLES
        ]
        return Block(
            "menu",
            text=screen.text,
            title=web(titles[0], lang) if titles else "",
            buttons=[button(c.label, c.action) for c in screen.choices],
        )
    if isinstance(screen, Question):
        return Block("question", question=question_view(screen.prompt, lang, screen.offered))
    if isinstance(screen, Selection):
        return Block("question", question=question_view(screen.prompt, lang))
    if isinstance(screen, Transcript):
        return Block("transcript", title=web("transcript", lang), entries=screen.entries)
    if isinstance(screen, Summary):
        # A chat's "change an answer" asks for a number; a page has a button on each line.
        edits = [button(choice.label, choice.action) for choice in screen.edits]
        buttons = [button(screen.revise.label, screen.revise.action)] if screen.revise else []
        return Block(
            "summary",
            title=screen.title.rstrip(" :\u00a0"),  # a heading, not a line before a list
            entries=screen.entries,
            edits=edits,
            anchors=[entry_id(choice.action.value) for choice in screen.edits],
            buttons=[] if edits else buttons,
        )
    if isinstance(screen, DataCopy):
        if not screen.responses:
            return Block("data", text=screen.text, title=screen.caption)
        # Each response's line (a list item here, not a "•") with its answers under it.
        lines = [line.removeprefix("• ") for line in screen.responses]
        groups = list(zip(lines, screen.answers, strict=True))
        return Block("data", text=screen.intro, title=screen.caption, groups=groups)
    if isinstance(screen, Help):
        text = say("unknown_command", lang) if screen.topic == HelpTopic.UNKNOWN_COMMAND else ""
        return Block("message", text=text or commands_help(lang, screen.commands))
    if isinstance(screen, Goodbye):
        key = next((key for key in GOODBYES if say(key, lang) == screen.text), "")
        text = screen.text
        if key == "declined_kept":  # the commands a chat types are the footer's buttons here
            found = web("my_data", lang), web("erase", lang)
            text += " " + web("declined_kept_buttons", lang, data=found[0], erase=found[1])
        return Block("goodbye", text=text, title=web(GOODBYES[key], lang) if key else "")
    assert isinstance(screen, Answered)
    return None  # the transcript and the next question say it


def keeping_what_was_sent(reply: Reply, event: Event) -> Reply:
    """A refused answer's question, filled in with what was sent: to correct, not to redo.

    A chat keeps what the person typed above the error; a page that came back
    empty would lose their ticks, their ranking, their "1 200,50 €".
    """
    if reply.status != Status.REFUSED or not isinstance(event, Typed | Submitted):
        return reply
    return refilled(reply, event)


def refilled(
    reply: Reply, event: Typed | Submitted, offered: tuple[tuple[str, str], ...] = ()
) -> Reply:
    """The reply's question of `event`'s step, filled in with what `event` sent (and, for a
    typed text, offering what it may have meant: `offered`, else what the question offers)."""

    def kept(screen: Screen) -> Screen:
        if not isinstance(screen, Question) or screen.prompt.step_id != event.step:
            return screen
        if isinstance(event, Typed):
            prompt = dataclasses.replace(screen.prompt, default=event.text)
            return Question(prompt, offered or screen.offered)
        codes = event.value if isinstance(event.value, list) else []
        sent = [code for code in codes if isinstance(code, str)]
        return Question(dataclasses.replace(screen.prompt, selected=tuple(sent), earlier=sent))

    return dataclasses.replace(reply, screens=tuple(kept(s) for s in reply.screens))


def footer_of(request: Request, respondent: str, reply: Reply) -> dict[str, Any]:
    """What a chat page's foot offers: the resume link while there is a response to go on
    with (`resume_url`); the person's data and its erasure while anything of theirs is
    stored (`kept`): answers to another questionnaire, one no longer run, too."""
    if reply.response_id is None:
        return {"resume_url": None, "kept": reply.kept}
    return {"resume_url": str(request.url_for("resume", respondent=respondent)), "kept": True}


def workshops(
    lang: str, stages: Sequence[StageDef], catalogue: Catalogue, chosen: Flow | None
) -> dict[str, Any]:
    """A page's list of workshops, as Telegram's (`conversation.stage_picker`): for a link
    naming an audience, only the stages for its `chosen` flow or for none (`stages_for`),
    then not told apart by audience; two in one town read apart by audience, then date."""
    shown = stages_for(stages, chosen)
    labels = picker_labels(lang, shown, None if chosen else catalogue)
    return {"stages": shown, "workshops": list(zip(shown, labels, strict=True))}


def language_buttons(languages: Sequence[str], lang: str, entry: str | None = None) -> list[Button]:
    """A button for each other language, under its own name: one tap switches. Each carries
    the page's `entry` (if well formed), as the notice's do: what the page showed is said
    again, in the language chosen (another workshop's offer, say, not the question behind it)."""
    entry = entry if entry and STAGE_CODE.fullmatch(entry) else ""
    return [
        Button(
            LANGUAGE_NAMES.get(code, code),
            encode(Action(Intent.LANGUAGE, value=code, stage=entry)),
            lang=code,
        )
        for code in languages
        if code != lang
    ]


MENU_TITLES = {
    Intent.ERASE: "erase_title",
    Intent.RESTART: "restart_title",
    Intent.SWITCH: "switch_title",
    # Not confirmations, but pages of their own too, the first a QR code may open.
    Intent.AUDIENCE: "audience_title",
    Intent.STAGE: "unknown_workshop_title",
    Intent.SWITCH_ASK: "audience_title",
}
"""A menu's heading, by what a choice of it does (a confirmation's "yes"): the page is that
question, heard first by a screen reader jumping by headings."""
GOODBYES = {
    "declined": "declined_title",
    "declined_kept": "declined_kept_title",
    "deleted": "erased_title",
}
"""A goodbye's heading, by its words: the page is the end of the conversation, which says why."""


def templates_environment(folder: Path) -> Environment:
    """Jinja2's environment for the pages' templates in `folder`: HTML escaped by default."""
    environment = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["typeset"] = typeset  # French typography, as on Telegram (typo.html)
    environment.filters["said"] = said_answer  # "3/5" heard "3 sur 5" (chat.html)
    environment.filters["emoji_apart"] = emoji_apart  # "✅ J’accepte" heard "J’accepte"
    environment.filters["text_parts"] = text_parts  # the notice's points, a list
    return environment

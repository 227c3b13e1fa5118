"""From a reply to what a page shows: each screen as a block the template draws.

The template (templates/chat.html) only lays out; which buttons a question
offers, what they carry and what a ranking asks for is decided here, from the
conversation's neutral screens.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from bot.web.heard import emoji_apart, said_answer
from bot.web.notes import untaken
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
    on_question,
    picker_labels,
    say,
)
from flows import (
    EMAIL_LENGTH,
    MAX_NUMBER_CHARS,
    OTHER,
    OTHER_TEXT_LIMIT,
    STAGE_CODE,
    Catalogue,
    Flow,
    Kind,
    Prompt,
    StageDef,
    stages_for,
    typeset,
)


@dataclass(frozen=True, slots=True)
class Button:
    """A submit button: its label and the action token it posts."""

    label: str
    token: str
    pressed: bool = False
    """The answer given before, shown as chosen."""
    lang: str = ""
    """The language its label is in, when not the page's (a language's own name)."""
    danger: bool = False
    """It erases or starts over, confirmed: drawn as such, never taken for "no"."""
    described_by: str = ""
    """The id of what says more about it: a scale's end point, by the end's label."""


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
            buttons=[_button(c.label, c.action) for c in screen.choices],
        )
    if isinstance(screen, Question | Selection):
        return Block("question", question=question_view(screen.prompt, lang))
    if isinstance(screen, Transcript):
        return Block("transcript", title=web("transcript", lang), entries=screen.entries)
    if isinstance(screen, Summary):
        # A chat's "change an answer" asks for a number; a page has a button on each line.
        edits = [_button(choice.label, choice.action) for choice in screen.edits]
        buttons = [_button(screen.revise.label, screen.revise.action)] if screen.revise else []
        return Block(
            "summary",
            title=screen.title.rstrip(" :\u00a0"),  # a heading, not a line before a list
            entries=screen.entries,
            edits=edits,
            anchors=[entry_id(choice.action.value) for choice in screen.edits],
            buttons=[] if edits else buttons,
        )
    if isinstance(screen, DataCopy):
        return Block("data", text=screen.text, title=screen.caption)
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


def refilled(reply: Reply, event: Typed | Submitted) -> Reply:
    """The reply's question of `event`'s step, filled in with what `event` sent."""

    def kept(screen: Screen) -> Screen:
        if not isinstance(screen, Question) or screen.prompt.step_id != event.step:
            return screen
        if isinstance(event, Typed):
            return Question(dataclasses.replace(screen.prompt, default=event.text))
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


def _with_words(shown: Prompt, code: str, label: str, lang: str) -> str:
    """A choice's label; the "Other" chosen before with the words given for it: "Autre
    secteur : Horlogerie", which its button alone did not show."""
    if code != OTHER or shown.other_text is None:
        return label
    return web("other_given", lang, label=label, words=shown.other_text)


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


DANGEROUS = frozenset({Intent.ERASE, Intent.RESTART, Intent.SWITCH})
"""What cannot be undone: the confirming button of "erase everything?", "start over?"."""


def _button(label: str, action: Action, *, pressed: bool = False) -> Button:
    # "English" on a French page is said in English (a language's own name, WCAG 3.1.2).
    lang = action.value if action.intent == Intent.LANGUAGE else ""
    return Button(label, encode(action), pressed, lang=lang, danger=action.intent in DANGEROUS)


def question_view(shown: Prompt, lang: str) -> dict[str, Any]:
    """What the question's form holds: its text, how it is answered, its controls."""
    view: dict[str, Any] = {
        "step": shown.step_id,
        "seq": shown.seq,
        "kind": _form_kind(shown),
        "section": shown.section,
        "text": shown.text,
        "help": shown.help,
        "progress": (
            web("progress", lang, n=shown.position, total=shown.total, section=shown.section)
            if shown.position
            else shown.section
        ),
        # What a screen reader says instead of the compact "3/51" (none without a number).
        "progress_said": (
            web("progress_said", lang, n=shown.position, total=shown.total, section=shown.section)
            if shown.position
            else ""
        ),
        # For the tab's title: where the person is, without the section's name.
        "where": web("where", lang, n=shown.position, total=shown.total) if shown.position else "",
        "controls": _controls(shown, lang),
        "columns": shown.columns or 1,  # a choice's answers a row, as far as they fit (chat.css)
    }
    kind = view["kind"]
    if kind == "info":
        view["next"] = _button(web("continue", lang), on_question(shown, Intent.NEXT))
    elif kind == "buttons":
        view["buttons"] = [
            _button(
                _with_words(shown, code, label, lang),
                on_question(shown, Intent.CHOOSE, code),
                pressed=code in shown.selected,
            )
            for code, label in shown.choices
        ]
        if shown.kind == Kind.SCALE and (shown.min_label or shown.max_label):
            view["scale"] = (shown.min_label or "", shown.max_label or "")
            view["buttons"] = _scale_ends(view["buttons"], [code for code, _ in shown.choices])
            # Each end's words said with its number ("5 = Forte"): above a row that wraps,
            # a word over the wrong button would otherwise be read as that button's.
            points = [label for code, label in shown.choices if code.lstrip("-").isdigit()]
            view["scale_points"] = (points[0], points[-1]) if points else ("", "")
    elif kind == "ticks":
        view["choices"] = [
            (code, _with_words(shown, code, label, lang), code in shown.selected)
            for code, label in shown.choices
        ]
        hint = _how_many(shown, lang)
        # Not twice: the question's own help often says it already.
        said = hint.rstrip(".").casefold() in (shown.help or "").casefold()
        view["hint"] = None if said else hint
    elif kind == "ranks":
        earlier = shown.earlier if isinstance(shown.earlier, list) else []
        view["choices"] = list(shown.choices)
        view["ranks"] = [
            (_rank_label(n, lang), earlier[n - 1] if n <= len(earlier) else "")
            for n in range(1, shown.needed + 1)
        ]
        view["hint"] = web("rank_hint", lang, count=shown.needed)
    elif kind == "text":
        view["input"] = _input(shown)
        view["value"] = shown.default or ""
        view["unit"] = web("unit", lang, unit=shown.unit) if shown.unit else None
    return view


def _how_many(shown: Prompt, lang: str) -> str:
    """A multiple choice's bounds ("Au moins 2 réponses."), and below a minimum of several,
    the choices that answer alone ("ou seulement « Aucun frein »"), as the terminal says them."""
    least, most = shown.min_selected, shown.max_selected
    if least <= 1:
        return web("at_most", lang, max=most) if most else web("several", lang)
    if most == least:
        bounds = web("exactly", lang, min=least)
    elif most:
        bounds = web("between", lang, min=least, max=most)
    else:
        bounds = web("at_least", lang, min=least)
    labels = dict(shown.choices)
    alone = [web("or_only", lang, label=labels[code]) for code in shown.exclusive]
    return ", ".join([bounds.rstrip("."), *alone]) + "." if alone else bounds


def _scale_ends(buttons: list[Button], codes: list[str]) -> list[Button]:
    """A scale's first and last points described by their labels ("1", "Faible"): heard
    beside the point, not only once above the row ("don't know" is no point of it)."""
    points = [n for n, code in enumerate(codes) if code.lstrip("-").isdigit()]
    if not points:
        return buttons
    ends = {points[0]: "scale-min", points[-1]: "scale-max"}
    return [
        dataclasses.replace(b, described_by=ends[n]) if n in ends else b
        for n, b in enumerate(buttons)
    ]


def _form_kind(shown: Prompt) -> str:
    if shown.kind == Kind.INFO:
        return "info"
    if shown.awaiting_other:
        return "text"
    if shown.kind == Kind.MULTIPLE_CHOICE:
        return "ticks"
    if shown.kind == Kind.RANKING:
        return "ranks"
    return "buttons" if shown.choices else "text"


def _input(shown: Prompt) -> dict[str, Any]:
    """The text field: its type, the keyboard a phone opens for it, the length it may take.

    A free text has no `maxlength`: a browser would cut a pasted text without a word.
    Its `limit` is shown as a count (chat.js); over it, the server refuses politely and
    gives the text back to shorten. Nor has a code (a name from a list may be long): only
    an email address and a number do, at the engine's own limits, past which neither
    could be read anyway.
    """
    if shown.awaiting_other:
        return {"element": "input", "type": "text", "inputmode": "text", "limit": OTHER_TEXT_LIMIT}
    if shown.kind == Kind.LONG_TEXT:
        return {"element": "textarea", "limit": shown.max_length, "placeholder": shown.placeholder}
    if shown.kind == Kind.EMAIL:
        # The person's own address, as the browser may fill it in (WCAG 1.3.5).
        return {
            "element": "input",
            "type": "email",
            "inputmode": "email",
            "maxlength": EMAIL_LENGTH,
            "autocomplete": "email",
        }
    if shown.kind == Kind.CODE:
        # A code or a name: a short field, no phone autocorrection of "2A".
        return {
            "element": "input",
            "type": "text",
            "inputmode": "text",
            "short": True,
        }
    if shown.kind == Kind.NUMBER:
        # type=text with a numeric keyboard: "1 200" and "3,5" are typed as people write them;
        # a count or a year needs only the digits, the larger keys of a phone's keypad.
        keys = "numeric" if shown.counting else "decimal"
        return {
            "element": "input",
            "type": "text",
            "inputmode": keys,
            "maxlength": MAX_NUMBER_CHARS,
        }
    return {
        "element": "input",
        "type": "text",
        "inputmode": "text",
        "limit": shown.max_length,
        "placeholder": shown.placeholder,
    }


def _controls(shown: Prompt, lang: str) -> list[Button]:
    """Back (always first, on the left), then skip: beside each other below the answer.

    An information step's "continue" is not one of them: it is its way forward, drawn
    where a question's answer or "send" is (`question_view`'s "next").
    """
    controls = []
    if shown.can_back:
        controls.append(_button(web("back", lang), on_question(shown, Intent.BACK)))
    if shown.can_skip:
        controls.append(_button(web("skip", lang), on_question(shown, Intent.SKIP)))
    return controls


def _rank_label(n: int, lang: str) -> str:
    return web("rank_first", lang) if n == 1 else web("rank", lang, n=n)


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
    return environment

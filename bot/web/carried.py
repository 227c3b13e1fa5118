"""The page after a form post: what the reply showed, drawn again by the page the browser opens.

A form post without scripts is answered by a redirect to the chat page (app.py). The
page the reply would have been is built here, for both ends of the redirect: the post
says what the page showed as a `Flash` of keys (`flash_after`), the chat page opened
next draws it again from them (`page_after`). A view is what a read-only event shows
again: where the person is (`Look`), the question waiting or the end with its thanks
(`KEEP`, "keep going"), their data, a confirmation to erase or to start over. The
messages the view does not show by itself are the notes (notes.py), said above it.
A refused typed text waits in the database for that page (`kept_texts`), so that
whichever instance serves it fills the field back in.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Sequence
from typing import Final

from bot.web.flash import Flash
from bot.web.notes import message_of, note_of
from bot.web.pages import refilled
from conversation import (
    Action,
    Answered,
    Command,
    CommandName,
    Conversation,
    DataCopy,
    Event,
    Goodbye,
    Intent,
    Look,
    Menu,
    Message,
    Person,
    Pressed,
    Question,
    Reply,
    Screen,
    Selection,
    Status,
    Submitted,
    Summary,
    Transcript,
    Typed,
    offered,
    say,
)
from flows import (
    SEPARATOR,
    STAGE_CODE,
    find_stage,
    is_stage_code,
    link_payload,
    split_entry,
)

log = logging.getLogger(__name__)

WAITING = (Question, Selection, Menu, Summary, Goodbye)
"""Screens a person answers (or that end the conversation): a page needs one."""
COMMANDS: Final = {
    "mydata": CommandName.MYDATA,
    "delete": CommandName.DELETE,
    "restart": CommandName.RESTART,
    "language": CommandName.LANGUAGE,
}
"""Views that are a command shown again: each only reads."""
MENUS: Final = {
    Intent.ERASE: "delete",
    Intent.RESTART: "restart",
    Intent.REVISE: "revise",
    Intent.SWITCH: "switch",
}
"""A menu asking for one of these is shown again by that view."""
ENTRIES: Final = frozenset(
    {Intent.AUDIENCE, Intent.STAGE, Intent.NO_STAGE, Intent.LANGUAGE, Intent.RESUME}
)
"""Actions whose entry (workshop, audience) decides the page opened next. "Go on" under a
switch offer carries the person's own: the page opened from the other questionnaire's
link becomes theirs, and stops offering the switch."""
KEEPING: Final = frozenset(
    {Intent.LANGUAGE, Intent.RESTART, Intent.RESUME, Intent.KEEP, Intent.SUMMARY}
)
"""Actions that keep the person in their own questionnaire: pressed on a page whose entry
is another's (its workshop, its audience), the page opened next is at their own entry, so
that neither it nor a reload offers the switch (or the other workshop) again; unless the
reply asks again (a language chosen on another workshop's offer says the offer again)."""
GOODBYES: Final = {
    "declined": "declined_hint",
    "declined_kept": "declined_kept_hint",
    "deleted": "",
}
"""The goodbyes, by their words, with the hint a chat adds (none drawn on a page)."""


async def look(conversation: Conversation, person: Person, stage: str | None) -> Reply:
    """Where the person is, as a page shows it (`Look`: no answer changes)."""
    return await conversation.handle(person, Look(stage), transcript=True)


async def completed(
    conversation: Conversation, person: Person, reply: Reply, stage: str | None
) -> Reply:
    """The reply as a page: with what it says of a stale or forged form, and with something
    to answer (a reply that has none, like "my data", is followed by where they are)."""
    said = reply.status in (Status.STALE, Status.FORGED, Status.NOTICE_FIRST)
    notes = (Message(reply.note),) if said and reply.note else ()
    if reply.status not in (Status.STALE, Status.FORGED) and any(
        isinstance(s, WAITING) for s in reply.screens
    ):
        return dataclasses.replace(reply, screens=notes + reply.screens)
    where = await look(conversation, person, stage)
    # Still the reply to a stale form (so chat.js keeps its text for its question).
    status = Status.STALE if reply.status == Status.STALE else where.status
    return dataclasses.replace(where, screens=notes + reply.screens + where.screens, status=status)


async def entry_after(
    conversation: Conversation, sent: tuple[Event, Reply], stage: str | None
) -> str | None:
    """The entry (`?stage=`) of the page to open after the event `sent` (with the
    conversation's reply to it), posted on a page of `stage`.

    Before the notice is agreed to, nothing is stored: the questionnaire and workshop
    picked from a list ride in the notice's buttons, and in the page's address, so the
    page opened next (and reloaded) shows that notice, not the list again. A button
    refused (stale, forged) leaves the page where it was: its workshop's page would offer
    to move the answers there. Going on in their own questionnaire from a page of
    another's (`KEEPING`: a language, starting over) opens their own entry.
    """
    event, reply = sent
    taken = reply.status in (Status.DONE, Status.REDELIVERED)
    if taken and _going_back(event) and _choosing_again(reply):
        # Back to "who are you answering for?" (conversation/choosing.py): the page of the
        # workshop alone, or of none, or it would show the questionnaire left again.
        return split_entry(stage)[0] or None if stage else None
    if not taken or not isinstance(event, Pressed):
        return stage
    intent = event.action.intent
    if intent in KEEPING and stage and reply.response_id is not None and not _an_offer(reply):
        own = await _own_entry(conversation, reply.response_id, stage)
        if own is not None:
            return own or None
    if intent not in ENTRIES:
        return stage
    stages = conversation.stages
    # A workshop's own code first: with one questionnaire, a code may hold "__".
    code, audience = event.action.stage, None
    if not is_stage_code(stages, code):
        code, audience = split_entry(code)
    found = find_stage(stages, code)
    # The full code, not the short reference a button may carry ("#" would end the address).
    payload = f"{found.code if found else ''}{SEPARATOR + audience if audience else ''}"
    if not payload and event.action.intent != Intent.NO_STAGE:
        return stage  # a language chosen with no entry: the page's own stays
    return payload if STAGE_CODE.fullmatch(payload) else None


async def _own_entry(conversation: Conversation, response_id: int, stage: str) -> str | None:
    """The entry of the person's own response ("" for none), if the page's entry, `stage`,
    is another's: its workshop not theirs, or its audience another questionnaire's; None
    if it is theirs (or their response is gone)."""
    response = await conversation.store.get_response(response_id)
    if response is None:
        return None
    stages, catalogue = conversation.stages, conversation.catalogue
    page_stage, own_stage = find_stage(stages, stage), find_stage(stages, response.stage_code)
    other_workshop = bool(page_stage and own_stage and page_stage.code != own_stage.code)
    linked = catalogue.chosen_by(stage, stages) if catalogue.several else None
    flow = catalogue.by_id(response.flow_id)
    if flow is None or not (other_workshop or (linked is not None and linked.id != flow.id)):
        return None
    try:
        return link_payload(own_stage, catalogue.audience_code(flow))
    except ValueError:  # too long for an address's entry: the page without one
        return ""


def _going_back(event: Event) -> bool:
    """Whether the event goes back: /back, "↩ Retour", or "↩ Changer de questionnaire" (the
    questionnaires' list for a workshop alone: no audience in its entry)."""
    if isinstance(event, Command):
        return event.name == CommandName.BACK
    if not isinstance(event, Pressed):
        return False
    action = event.action
    return action.intent == Intent.BACK or (
        action.intent == Intent.AUDIENCE and not split_entry(action.stage)[1]
    )


def _choosing_again(reply: Reply) -> bool:
    """Whether the reply is the list of questionnaires ("Une entreprise / Un acteur…", and
    "English" to read it in another language)."""
    last = reply.screens[-1] if reply.screens else None
    intents = {c.action.intent for c in last.choices} if isinstance(last, Menu) else set()
    return Intent.AUDIENCE in intents and intents <= {Intent.AUDIENCE, Intent.LANGUAGE}


def _an_offer(reply: Reply) -> bool:
    """Whether the reply offers to go on (the offer, a confirmation): a choice that page's
    entry asks, which the page at that entry shows again."""
    return any(
        isinstance(s, Menu) and any(c.action.intent == Intent.RESUME for c in s.choices)
        for s in reply.screens
    )


async def flash_after(
    conversation: Conversation,
    person: Person,
    stage: str | None,
    sent: tuple[Event, Reply],
    page: Reply,
) -> Flash:
    """What `page`, the reply to the form `sent`, shows that the chat page would not by itself.

    `sent` is the event and the conversation's own reply to it; `page` the page that
    reply makes (`completed`), before a refused answer is filled back in.
    """
    event, reply = sent
    # The page opened next is in the reply's language: the redirect's cookie says it.
    person = dataclasses.replace(person, language_hint=page.language)
    flash = Flash()
    messages = [s for s in page.screens if isinstance(s, Message)]
    # A question alone is what the chat page shows, but during a change after the end,
    # where the page opened shows the summary again.
    if messages or page.finished or not _a_question(page):
        flash = await _view_and_notes(conversation, person, stage, reply, page)
    if reply.status != Status.REFUSED:
        return flash
    if isinstance(event, Typed) and event.step:
        kept = await conversation.keep_refused_text(person, event.text)
        # The codes it may have meant ("Corse": 2A, 2B), offered again on the page.
        near = tuple(
            code for s in reply.screens if isinstance(s, Question) for code, _ in s.offered
        )
        return dataclasses.replace(flash, step=event.step, kept=kept, codes=near)
    if isinstance(event, Submitted):
        codes = event.value if isinstance(event.value, list) else []
        sent_codes = tuple(code for code in codes if isinstance(code, str))
        return dataclasses.replace(flash, step=event.step, codes=sent_codes)
    return flash


async def page_after(
    conversation: Conversation,
    person: Person,
    stage: str | None,
    flash: Flash,
) -> Reply:
    """The page a form's reply was, drawn again from its flash (in its language, if it says
    one: the browser has forgotten the erased person's)."""
    if flash.language:
        person = dataclasses.replace(person, language_hint=flash.language)
    page = await _shown(conversation, person, flash.view, stage)
    lang = page.language
    notes = tuple(m for n in flash.notes if (m := message_of(n, lang)) is not None)
    page = dataclasses.replace(page, screens=notes + page.screens)
    if flash.kept:
        text = await conversation.take_refused_text(person, flash.kept)
        if text is None:
            return page
        return refilled(page, Typed(text, step=flash.step), _offered(conversation, page, flash))
    if flash.step:
        return refilled(page, Submitted(flash.step, 0, list(flash.codes)))
    return page


def _offered(conversation: Conversation, page: Reply, flash: Flash) -> tuple[tuple[str, str], ...]:
    """The codes a refused text may have meant (`flash.codes`), as its question offers them."""
    asked = [s.prompt for s in page.screens if isinstance(s, Question)]
    if not flash.codes or not asked or asked[0].step_id != flash.step:
        return ()
    flow = conversation.catalogue.by_id(page.flow_id) or conversation.flow
    return offered(flow, asked[0], flash.codes, page.language)


async def _view_and_notes(
    conversation: Conversation, person: Person, stage: str | None, reply: Reply, page: Reply
) -> Flash:
    """The view that shows what `page` shows, and the messages it leaves out, as notes."""
    views = _candidates(reply)
    for view in views:
        shown = await _shown(conversation, person, view, stage)
        if _shows_the_same(page, shown):
            break
    else:
        # Not expected: the page after the redirect shows where the person is, with the notes.
        log.info("no view shows the page of a %s reply again; showing %s", reply.status, views[0])
        view = views[0]
        shown = await _shown(conversation, person, view, stage)
    left_out = Counter(_messages(shown))
    notes = []
    for message in _messages(page):
        if left_out[message]:
            left_out[message] -= 1
        elif (note := note_of(message, page.language)) is not None:
            notes.append(note)
        else:
            log.info("a message of a page cannot be carried across the redirect: dropped")
    return Flash(notes=tuple(notes), view=view)


def _candidates(reply: Reply) -> list[str]:
    """The views that may show what `reply` showed, the likeliest first."""
    for screen in reply.screens:
        if isinstance(screen, Goodbye):
            lang = reply.language
            return [key for key in GOODBYES if say(key, lang) == screen.text] or ["look"]
        if isinstance(screen, DataCopy):
            return ["mydata"]
        if isinstance(screen, Menu):
            intents = {choice.action.intent for choice in screen.choices}
            if any(c.action.intent == Intent.RESTART and c.action.stage for c in screen.choices):
                return ["restart_linked"]
            found = [view for intent, view in MENUS.items() if intent in intents]
            if found:
                return found
            if intents == {Intent.LANGUAGE}:
                return ["language"]
    # Where the person is, as a page opened shows it; else as "keep going" does: the
    # end as just reached (the outro, with the company's name, not "already answered"),
    # an answer being changed after the end (not the summary); else the summary alone,
    # as the end reached again after changing an answer shows it ("Réponse modifiée").
    return ["look", "now", "summary"]


async def _shown(conversation: Conversation, person: Person, view: str, stage: str | None) -> Reply:
    """What `view` shows now (only reads)."""
    if view in GOODBYES:
        lang = conversation.language_from_hint(person)
        hint = say(GOODBYES[view], lang) if GOODBYES[view] else ""
        goodbye = Goodbye(say(view, lang), typed_hint=hint)
        kept = await conversation.keeps_anything_of(person)  # for the page's foot
        return Reply(screens=(goodbye,), language=lang, kept=kept)
    event = _event_of(view, stage)
    reply = await conversation.handle(person, event, transcript=True)
    return reply if isinstance(event, Look) else await completed(conversation, person, reply, stage)


def _event_of(view: str, stage: str | None) -> Event:
    if view in COMMANDS:
        return Command(COMMANDS[view])
    if view == "now":
        return Pressed(Action(Intent.KEEP))
    if view == "summary":
        return Pressed(Action(Intent.SUMMARY))
    if view == "revise":
        return Pressed(Action(Intent.REVISE_MENU))
    if view == "restart_linked":
        # "Start over?" asked from another workshop's page: starting over moves the answers
        # to the page's workshop, as the button on that page did.
        return Pressed(Action(Intent.RESTART_ASK, stage=stage or ""))
    if view == "switch":
        # "Switch, and erase?" again: the page's entry names the questionnaire switched to.
        return Pressed(Action(Intent.SWITCH_ASK, stage=stage or ""))
    return Look(stage)


def _a_question(page: Reply) -> bool:
    """Whether the page shows a question waiting, and only that: as the chat page does."""
    shown = [s for s in page.screens if not isinstance(s, Answered | Transcript)]
    return len(shown) == 1 and isinstance(shown[0], Question)


def _shows_the_same(page: Reply, shown: Reply) -> bool:
    """Whether `shown` has what `page` has but messages, and no message `page` has not."""
    if _drawn(page) != _drawn(shown):
        return False
    return not Counter(_messages(shown)) - Counter(_messages(page))


def _drawn(reply: Reply) -> list[Screen]:
    # A page draws a summary whole, whether a chat would keep it behind a button or not.
    return [
        dataclasses.replace(s, whole=None) if isinstance(s, Summary) else s
        for s in reply.screens
        if not isinstance(s, Message | Answered)
    ]


def _messages(reply: Reply) -> Sequence[Message]:
    return [s for s in reply.screens if isinstance(s, Message)]

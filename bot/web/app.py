"""The web chat: a questionnaire in a phone's browser, for respondents without Telegram.

A Starlette application (ASGI): each request is parsed into an event for the
conversation service (`forms`), like a Telegram update, and its reply drawn as
a page (`pages`, Jinja2 templates with autoescaping). The same flow, stages,
database and rules as on Telegram; what comes next is the conversation's to decide
(`carried` only keeps a page's address on the person's own questionnaire).

    GET  /            the tour's workshops, each with its landing card (landing.py)
    GET  /s/<stage>   the workshop's landing card: answer here, or open in Telegram
    GET  /chat        where the person is (changes nothing), and what a form's reply said
    POST /chat        an answer, a button, a command: a redirect to GET /chat
    GET  /r/<id>      the resume link: what it holds, and "resume here"
    POST /r/<id>      resume here: this browser becomes that respondent
    GET  /mydata.json everything stored about the person, to download
    GET  /handover    hand the device to the next person? (handover.py)
    POST /handover    this browser forgets its person: the workshop's card, for the next one

A chat opened from a workshop's link (`/chat?stage=<code>`) keeps `?stage=` in
every form and link of its pages, so the answers are tagged with the workshop
even after a refusal of the notice, a change of language or a reload. Whatever
goes wrong (too many requests, a form from another site, a body too large) is
a page of the site too, in the person's language.

A form posted without scripts is answered "303 See Other" to the chat page
(post/redirect/get): reloading it, or coming back to it, never posts the form
again. What the reply said that the chat page does not say by itself (a refusal,
"out of date", the person's data) goes along in a signed cookie and is said once
(flash.py, carried.py). chat.js posts in the background and is answered with the
page itself, to redraw in place (`requests.SCRIPT_HEADER`); redirected too when the form changes
the page's entry (`entry_after`), so that the address it shows and reloads is the new one.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import Scope

from bot.http import (
    HEALTH,
    MAX_UPDATE,
    BodyLimit,
    PublicAddress,
    RateLimit,
    SafeHeaders,
    SameOrigin,
    health_route,
)
from bot.web.carried import completed, entry_after, flash_after, look, page_after
from bot.web.cookies import cookie_flags, forget, remember
from bot.web.flash import FLASH_COOKIE, FLASH_SECONDS, Flash, Note, decode, encode
from bot.web.forms import Unreadable, delivery_of, field_of, read_posted
from bot.web.handover import Handover, erased, handover_url
from bot.web.identity import (
    COOKIE,
    LANGUAGE_COOKIE,
    form_token,
    new_delivery,
    new_id,
    token_matches,
    valid_id,
)
from bot.web.landing import Landing
from bot.web.notes import message_of
from bot.web.pages import (
    changed_entry,
    footer_of,
    has_field,
    keeping_what_was_sent,
    laid_out,
    language_buttons,
    templates_environment,
    workshops,
)
from bot.web.problems import RETRY_AFTER_S, problem_words
from bot.web.requests import by_script, chat_url, cookies_refused, language_of, respondent_of
from bot.web.words import web
from conversation import (
    Command,
    CommandName,
    Conversation,
    DataCopy,
    Message,
    Person,
    Reply,
    Status,
    data_copy,
)
from organiser import stage_title
from storage import Channel, StorageError

log = logging.getLogger(__name__)

HERE = Path(__file__).parent


@dataclass
class WebChat:
    """What the pages need: the conversation, the secret behind form tokens, the bot's name,
    and the site's public address when it stands behind a proxy."""

    conversation: Conversation
    secret: bytes
    bot_username: str | None = None
    public_url: str | None = None


def create_app(
    chat: WebChat,
    *,
    routes: list[BaseRoute] | None = None,
    burst: float = 30,
    per_second: float = 2,
) -> Starlette:
    """The web application; `routes` adds others (the Telegram webhook) behind the same guards.

    Each person may send `burst` requests at once, then `per_second`: plenty for
    someone answering, not for a script (see `RateLimit` for the crowd's share).
    """
    templates = Jinja2Templates(env=templates_environment(HERE / "templates"))
    pages = Pages(chat, templates)
    landing = Landing(pages)
    extra = routes or []
    return Starlette(
        routes=[
            Route("/", landing.index, name="index"),
            Route("/s/{stage}", landing.card, name="landing"),
            Route("/chat", pages.chat, methods=["GET", "POST"], name="chat"),
            Route("/r/{respondent}", pages.resume, methods=["GET", "POST"], name="resume"),
            Route("/mydata.json", pages.my_data, name="my_data"),
            Route("/handover", Handover(pages).page, methods=["GET", "POST"], name="handover"),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
            health_route(chat.conversation.store.ping),
            *extra,
        ],
        middleware=[
            *([Middleware(PublicAddress, url=chat.public_url)] if chat.public_url else []),
            Middleware(SafeHeaders),
            Middleware(SameOrigin, refuse=pages.refusal),
            Middleware(
                RateLimit,
                burst=burst,
                per_second=per_second,
                who=respondent_of,
                # A balancer's health checks are not a person's requests (and cost one probe).
                exempt=("/static/", HEALTH, *(r.path for r in extra if isinstance(r, Route))),
                refuse=pages.refusal,
            ),
            # The other routes (Telegram's webhook) take an update, larger than a form.
            Middleware(
                BodyLimit,
                limits={r.path: MAX_UPDATE for r in extra if isinstance(r, Route)},
                refuse=pages.refusal,
            ),
        ],
        exception_handlers={
            404: pages.not_found,
            HTTPException: pages.http_error,
            StorageError: pages.storage_error,
        },
    )


@dataclass
class Pages:
    """The request handlers: parse, ask the conversation, draw."""

    site: WebChat
    templates: Jinja2Templates

    @property
    def conversation(self) -> Conversation:
        return self.site.conversation

    async def chat(self, request: Request) -> Response:
        """The conversation: where the person is (GET), or what they just did (POST)."""
        if request.method == "HEAD":
            # Routed with GET by Starlette: a monitor's or a link checker's look. Never a
            # form posted, and nothing read once is spent on it (a refusal's message, the
            # text kept for its page), nor a cookie set.
            return Response(media_type="text/html; charset=utf-8")
        respondent = valid_id(request.cookies.get(COOKIE))
        fresh = respondent is None
        respondent = respondent or new_id()
        person = Person(Channel.WEB, respondent, language_of(request, self.conversation))
        # The link's workshop, as the forms carry it: what shows the notice shows it for that one.
        stage = request.query_params.get("stage")
        if request.method == "GET":
            return await self._chat_page(request, person, stage, fresh=fresh)
        form = await request.form(max_files=0, max_fields=64)
        if cookies_refused(request, field_of(form, "issued")):
            return self._problem(request, 400, {}, key="cookies")  # nothing to take: say why
        if fresh or not token_matches(self.site.secret, respondent, field_of(form, "token")):
            # No cookie, or a form from another page: nothing is taken; show the page as it is.
            return await self._only_note(request, person, stage, Note("web", "expired"), fresh)
        event = read_posted(form)
        if isinstance(event, Unreadable):
            return await self._only_note(request, person, stage, Note("say", "forged"), fresh)
        if event == Command(CommandName.HELP):  # "/aide" typed: how this page is answered
            return await self._only_note(request, person, stage, Note("web", "typed_help"), fresh)
        reply = await self.conversation.handle(
            person, event, delivery=delivery_of(form), transcript=True
        )
        # The next person on this browser: a new id, and the browser's language (handover.py).
        if forgotten := erased(event, reply):
            person, fresh = dataclasses.replace(person, external_id=new_id()), True
        page = await completed(self.conversation, person, reply, stage)
        # The page opened next is for what the form chose (a questionnaire, a workshop).
        after = await entry_after(self.conversation, (event, reply), stage)
        changed = changed_entry(page, field_of(form, "changing") == "1")
        if by_script(request) and after == stage:
            page = keeping_what_was_sent(page, event)
            return self._page(request, person, page, fresh=fresh, at=changed, keep=not forgotten)
        # chat.js too is redirected to a new entry: a reload must not show the old entry's page.
        flash = await flash_after(self.conversation, person, after, (event, reply), page)
        if forgotten:  # the goodbye in the erased person's language, the browser forgetting it
            flash = dataclasses.replace(flash, language=page.language)
        return self._redirect(
            request, person, flash, after, lang=page.language, fresh=fresh, at=changed
        )

    async def _chat_page(
        self, request: Request, person: Person, stage: str | None, *, fresh: bool
    ) -> Response:
        """Where the person is; after a form post, with what its reply said (once)."""
        carried = request.cookies.get(FLASH_COOKIE)
        flash = None
        if carried is not None and not fresh:
            flash = decode(carried, self.site.secret, person.external_id)
        if flash is None:
            reply = await look(self.conversation, person, stage)
        else:
            reply = await page_after(self.conversation, person, stage, flash)
        keep = flash is None or not flash.language  # an erased person's: not kept
        response = self._page(request, person, reply, fresh=fresh, keep=keep)
        forget(request, response, FLASH_COOKIE)  # said once: a reload shows the page as it is
        return response

    async def _only_note(
        self, request: Request, person: Person, stage: str | None, note: Note, fresh: bool
    ) -> Response:
        """A form that is not taken: the page as it is, with why (or, for "/aide", how)."""
        if not by_script(request):
            return self._redirect(request, person, Flash(notes=(note,)), stage, fresh=fresh)
        reply = await look(self.conversation, person, stage)
        said = message_of(note, reply.language)
        return self._page(request, person, reply, fresh=fresh, note=said.text if said else None)

    def _redirect(
        self,
        request: Request,
        person: Person,
        flash: Flash,
        stage: str | None,
        *,
        lang: str | None = None,
        fresh: bool = False,
        at: str | None = None,
    ) -> Response:
        """303 to the chat page (its workshop, its prefix, at what is new or at the summary's
        entry `at`, just changed), the flash with it.

        Reloading that page, or coming back to it, opens it again; nothing is posted twice.
        """
        response = RedirectResponse(f"{chat_url(request, stage)}#{at or 'now'}", status_code=303)
        if fresh:
            remember(request, response, COOKIE, person.external_id)
        if flash.language:  # an erasure's goodbye: the browser forgets the language too
            forget(request, response, LANGUAGE_COOKIE)
        elif lang is not None and request.cookies.get(LANGUAGE_COOKIE) != lang:
            remember(request, response, LANGUAGE_COOKIE, lang)
        if not flash.empty:
            value = encode(flash, self.site.secret, person.external_id)
            response.set_cookie(FLASH_COOKIE, value, max_age=FLASH_SECONDS, **cookie_flags(request))
        return response

    async def resume(self, request: Request) -> Response:
        """The resume link: what it holds, then (once confirmed) this browser answers as
        that respondent from now on. Opening the link changes nothing: a link sent by
        someone else must not silently make this browser answer into their questionnaire,
        nor drop the one it holds (a form)."""
        lang = language_of(request, self.conversation)
        respondent = valid_id(str(request.path_params["respondent"]))
        here = valid_id(request.cookies.get(COOKIE))
        if respondent is not None and respondent == here:
            return RedirectResponse(request.url_for("chat"), status_code=303)
        copy = await self.data_of(respondent, lang) if respondent else None
        if respondent is None or copy is None or not copy.responses:
            return self.draw(
                request, "resume.html", lang, unknown=True, status_code=404 if respondent else 400
            )
        if request.method == "POST":
            form = await request.form(max_files=0, max_fields=8)
            if token_matches(self.site.secret, respondent, field_of(form, "token")):
                response = RedirectResponse(request.url_for("chat"), status_code=303)
                remember(request, response, COOKIE, respondent)
                return response
        mine = await self.data_of(here, lang) if here is not None else None  # this browser's
        # In the page's language, not the respondent's: a page is in one language.
        shown = data_copy(
            copy.data,
            lang,
            self.conversation.stages,
            self.conversation.catalogue.flows,
            zone=self.conversation.zone,  # the day it was for the respondents
            closed=self.conversation.closed,  # then "unfinished", not "to resume"
            retired=await self.conversation.retired_names(copy.data, lang),
        )
        return self.draw(
            request,
            "resume.html",
            lang,
            responses=shown.responses,
            replaces=bool(mine and mine.responses),
            done=shown.finished,
            token=form_token(self.site.secret, respondent),
            post_url=request.url_for("resume", respondent=respondent),
        )

    async def data_of(self, respondent: str, lang: str) -> DataCopy | None:
        """What is stored about a respondent, as "my data" shows it (in their language)."""
        person = Person(Channel.WEB, respondent, lang)
        reply = await self.conversation.handle(person, Command(CommandName.MYDATA))
        return next((s for s in reply.screens if isinstance(s, DataCopy)), None)

    async def my_data(self, request: Request) -> Response:
        """Everything stored about the person, as a JSON file."""
        respondent = valid_id(request.cookies.get(COOKIE))
        lang = language_of(request, self.conversation)
        copy = await self.data_of(respondent, lang) if respondent else None
        if copy is None:
            return self._not_found(request, lang)
        return Response(
            json.dumps(copy.data, ensure_ascii=False, indent=2),
            media_type="application/json",
            headers={"content-disposition": f'attachment; filename="{copy.filename}"'},
        )

    async def not_found(self, request: Request, error: Exception) -> Response:
        return self._not_found(request, language_of(request, self.conversation))

    async def http_error(self, request: Request, error: Exception) -> Response:
        """What Starlette refuses (a method not allowed, a form it cannot read), as a page."""
        assert isinstance(error, HTTPException)
        return self._problem(request, error.status_code, error.headers or {})

    async def storage_error(self, request: Request, error: Exception) -> Response:
        """The database out of reach (PostgreSQL down, a disk full): a page saying to try
        again in a minute, not a bare "Internal Server Error"; one line in the log."""
        log.error("the web chat could not use the database: %s", error)
        return self._problem(request, 503, {"Retry-After": str(RETRY_AFTER_S)})

    def refusal(self, scope: Scope, status: int, headers: Mapping[str, str]) -> Response:
        """What the guards refuse (too many requests, another site's form, too large), as a page."""
        return self._problem(Request(scope), status, headers)

    def _problem(
        self, request: Request, status: int, headers: Mapping[str, str], key: str | None = None
    ) -> Response:
        # The way on is the same address, opened: after a wait, or without what was refused.
        lang = language_of(request, self.conversation)
        words = problem_words(status, lang, key, method=request.method)
        response = self.draw(
            request, "problem.html", lang, status_code=status, again_url=str(request.url), **words
        )
        response.headers.update(headers)
        return response

    # --- drawing -------------------------------------------------------------------

    def _page(
        self,
        request: Request,
        person: Person,
        reply: Reply,
        *,
        fresh: bool = False,
        note: str | None = None,
        at: str | None = None,
        keep: bool = True,
    ) -> Response:
        """The chat page of `reply`; its language kept on the browser, unless not to `keep`."""
        lang = reply.language
        flow = self.conversation.flow_of(reply.flow_id)
        screens = ((Message(note),) if note else ()) + reply.screens
        transcript, blocks = laid_out(Reply(screens=screens, language=lang))
        here = chat_url(request, request.query_params.get("stage"))
        response = self.draw(
            request,
            "chat.html",
            lang,
            transcript=transcript,
            blocks=blocks,
            # A page opened at a fragment gets no `autofocus` (HTML): a text field's focus
            # brings it, and what is just above it, on screen by itself.
            anchor=not has_field(blocks),
            token=form_token(self.site.secret, person.external_id),
            # One per form (chat.html): a footer press is not the page's answer sent twice.
            delivery=new_delivery,
            issued=fresh,  # the page sets the cookie: its forms say so
            chat_url=here,
            # Without scripts, the page a form brings opens at what is new, not at the top.
            post_url=f"{here}#now",
            languages=language_buttons(flow.languages, lang, request.query_params.get("stage")),
            flow=flow,
            completed=reply.finished,  # complete, even while an answer is being changed
            changed=at,  # the summary's entry just changed, where chat.js shows the page
            untaken=reply.status == Status.STALE,  # chat.js keeps the text sent, for its question
            **footer_of(request, person.external_id, reply),
            handover_url=handover_url(request, request.query_params.get("stage")),
        )
        if fresh:
            remember(request, response, COOKIE, person.external_id)
        if not keep:
            forget(request, response, LANGUAGE_COOKIE)
        elif request.cookies.get(LANGUAGE_COOKIE) != lang:
            remember(request, response, LANGUAGE_COOKIE, lang)
        return response

    def draw(
        self, request: Request, template: str, lang: str, *, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        """`template` in `lang`; its workshops those of the flow `chosen` in `context`, if any."""
        flow = context.pop("flow", None) or self.conversation.flow
        chosen = context.pop("chosen", None)  # a link's audience: its flow's stages, or none's
        talk = self.conversation
        response: HTMLResponse = self.templates.TemplateResponse(
            request,
            template,
            {
                "lang": lang,
                "title": flow.text(flow.title, lang),
                "words": lambda key, **values: web(key, lang, **values),
                **workshops(lang, talk.stages, talk.catalogue, chosen),  # "stages", "workshops"
                "stage_title": stage_title,
                "closed": self.conversation.closed,  # the tour is over: no way to answer
                **context,
            },
            status_code=status_code,
        )
        return response

    def _not_found(self, request: Request, lang: str) -> HTMLResponse:
        return self.draw(request, "landing.html", lang, stage=None, missing=True, status_code=404)

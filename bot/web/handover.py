"""Forgetting a browser's person: handing the device to the next person, and after an erasure.

The web chat knows a person by a random id in a cookie (identity.py). At a workshop, one
tablet on the welcome desk, opened at the workshop's link, is answered by one person after
another: without a way to hand it over, the next person would go on as the previous one,
read their answers and get their resume link. So every questionnaire page offers it (the
footer; the end page puts it forward):

    GET  /handover?stage=<entry>   asks first: the answers stay saved; an unfinished
                                   response's resume link (and its QR code) to keep,
                                   unless the questionnaire is closed (nothing to finish)
    POST /handover?stage=<entry>   this browser forgets its person (its cookies dropped,
                                   nothing erased), then the workshop's landing card

The confirmation is a form with the person's form token, behind `SameOrigin` as every
form, so another site cannot make a browser forget its person. After an erasure ("Oui,
tout effacer") the browser gets a new id too (`erased`, app.py): the erased person's old
resume link must never open the answers of whoever answers next on that browser. Starting
over is the same person, and keeps the id. No conversation rule is involved: which
browser holds which id is the web channel's own matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import urlencode

import segno
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.web.cookies import forget
from bot.web.flash import FLASH_COOKIE
from bot.web.forms import field_of
from bot.web.identity import COOKIE, LANGUAGE_COOKIE, form_token, token_matches, valid_id
from bot.web.requests import chat_url, language_of
from conversation import Conversation, DataCopy, Event, Goodbye, Intent, Pressed, Reply, Status
from flows import STAGE_CODE, find_stage, split_entry

FORGOTTEN: Final = (COOKIE, FLASH_COOKIE, LANGUAGE_COOKIE)
"""What a browser keeps of its person: who they are, what a form said, their language
(the next person reads the card in their browser's language, not the last one's choice)."""
QR_SCALE: Final = 4
"""Pixels per module of the resume link's QR code: about 170 px, read by any phone camera."""


def handover_url(request: Request, stage: str | None) -> str:
    """The hand-over's address, with the page's entry (`?stage=`) its card is opened at."""
    url = str(request.url_for("handover"))
    return f"{url}?{urlencode({'stage': stage})}" if stage and STAGE_CODE.fullmatch(stage) else url


def erased(event: Event, reply: Reply) -> bool:
    """Whether the event erased the person ("Oui, tout effacer" taken): the browser's id goes."""
    return (
        isinstance(event, Pressed)
        and event.action.intent == Intent.ERASE
        and reply.status == Status.DONE
        and any(isinstance(s, Goodbye) for s in reply.screens)
    )


class Secret(Protocol):
    @property
    def secret(self) -> bytes: ...


class Pages(Protocol):
    """What the hand-over needs of the other pages (app.py's `Pages`): the secret behind
    form tokens, the conversation, a page drawn as theirs, what is stored about a person."""

    @property
    def site(self) -> Secret: ...

    @property
    def conversation(self) -> Conversation: ...

    def draw(
        self, request: Request, template: str, lang: str, *, status_code: int = 200, **context: Any
    ) -> HTMLResponse: ...

    async def data_of(self, respondent: str, lang: str) -> DataCopy | None: ...


@dataclass
class Handover:
    """The hand-over's page and its confirmation, drawn as the other pages are."""

    pages: Pages

    async def page(self, request: Request) -> Response:
        entry = request.query_params.get("stage")
        card = self._card(request, entry)
        respondent = valid_id(request.cookies.get(COOKIE))
        if respondent is None:
            # No one to forget (already handed over: a double tap, the back button).
            return RedirectResponse(card, status_code=303)
        secret = self.pages.site.secret
        if request.method == "POST":
            form = await request.form(max_files=0, max_fields=8)
            if token_matches(secret, respondent, field_of(form, "token")):
                response = RedirectResponse(card, status_code=303)
                forget(request, response, *FORGOTTEN)
                return response
            # Another person's page, or a forged form: nothing forgotten; the page as it is.
        lang = language_of(request, self.pages.conversation)
        copy = await self.pages.data_of(respondent, lang)
        responses = copy.data.get("responses", []) if copy else []
        # Closed: nothing is left to finish, so no resume link to keep (only this browser forgets).
        closed = self.pages.conversation.closed
        unfinished = not closed and any(r.get("status") != "completed" for r in responses)
        link = str(request.url_for("resume", respondent=respondent))
        return self.pages.draw(
            request,
            "handover.html",
            lang,
            saved=bool(responses),
            resume_url=link if unfinished else None,
            qr=_qr_svg(link) if unfinished else None,
            token=form_token(secret, respondent),
            post_url=handover_url(request, entry),
            chat_url=chat_url(request, entry),
        )

    def _card(self, request: Request, entry: str | None) -> str:
        """Where the next person starts: the workshop's card at the page's entry (its
        audience too); an audience alone, its chat; none, the tour's workshops."""
        if entry and STAGE_CODE.fullmatch(entry):
            if find_stage(self.pages.conversation.stages, entry) is not None:
                return str(request.url_for("landing", stage=entry))
            if split_entry(entry)[1]:
                return chat_url(request, entry)
        return str(request.url_for("index"))


def _qr_svg(url: str) -> Markup:
    """The resume link as an inline SVG QR code (drawn by segno from our own address)."""
    svg = segno.make_qr(url, error="m").svg_inline(scale=QR_SCALE, border=4, omitsize=False)
    return Markup(svg)  # segno's own markup: only the modules of the URL it encodes

"""The tour's workshops (`/`) and a workshop's card (`/s/<stage>`): where a QR code leads.

The card names the workshop and its day, then offers to answer here or in Telegram. Back
at it on the same browser (days later, the same phone), a person is met as they left:
an unfinished response is offered to resume ("Reprendre ici"), a completed one is thanked
and shown ("Revoir mes réponses") rather than invited to answer again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.web.handover import handover_url
from bot.web.identity import COOKIE, valid_id
from bot.web.requests import language_of
from bot.web.words import web
from conversation import AtCard, Conversation, Person, answers_count, of_place, town
from flows import find_stage, format_day, link_payload, split_entry
from organiser import deep_link, stage_title
from storage import Channel


class Site(Protocol):
    @property
    def bot_username(self) -> str | None: ...


class Pages(Protocol):
    """What the cards need of the other pages (app.py's `Pages`): the conversation, the
    site's Telegram bot, a page drawn as theirs."""

    @property
    def site(self) -> Site: ...

    @property
    def conversation(self) -> Conversation: ...

    def draw(
        self, request: Request, template: str, lang: str, *, status_code: int = 200, **context: Any
    ) -> HTMLResponse: ...


@dataclass
class Landing:
    """The workshops' list and each workshop's card, drawn as the other pages are."""

    pages: Pages

    async def index(self, request: Request) -> Response:
        """The tour's workshops, each with its landing card."""
        lang = language_of(request, self.pages.conversation)
        return self.pages.draw(request, "landing.html", lang, stage=None, index=True)

    async def card(self, request: Request) -> Response:
        """The workshop's card: its name and day, then "answer here" or "open in Telegram"."""
        talk = self.pages.conversation
        lang = language_of(request, talk)
        code = str(request.path_params["stage"])
        stage = find_stage(talk.stages, code)
        # A link per audience (`pithiviers__territoire`) keeps it, to an unknown one's list too.
        chosen = talk.catalogue.by_audience(split_entry(code)[1])
        audience = chosen.audience.code if chosen is not None and chosen.audience else ""
        if stage is None:  # the list: a known audience's stages only (`pages.workshops`)
            listed = {"audience": audience, "chosen": chosen}
            return self.pages.draw(
                request, "landing.html", lang, stage=None, status_code=404, **listed
            )
        payload = link_payload(stage, audience)
        bot = self.pages.site.bot_username
        title = stage_title(stage, lang=lang)
        here = await self._response_here(request, code, lang)
        return self.pages.draw(
            request,
            "landing.html",
            lang,
            stage=stage,
            workshop=web("workshop", lang, city=town(title), of_city=of_place(title), stage=stage),
            day=format_day(stage.date, lang),
            answer_url=f"{request.url_for('chat')}?stage={payload}",
            telegram_url=deep_link(bot, payload) if bot else None,
            # The card is titled as its chat will be: a stage's own `flow:` counts too.
            flow=talk.catalogue.chosen_by(code, talk.stages),
            finished=here is not None and here.finished,
            handover_url=handover_url(request, code),
            under_way=None if here is None or here.finished else answers_count(lang, here.answers),
        )

    async def _response_here(self, request: Request, code: str, lang: str) -> AtCard | None:
        """This browser's person's response at the card, if they have one there."""
        mine = valid_id(request.cookies.get(COOKIE))
        if mine is None:
            return None
        return await self.pages.conversation.at_card(Person(Channel.WEB, mine, lang), code)

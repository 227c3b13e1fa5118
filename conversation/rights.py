"""The respondent's rights within a turn: a copy of their data, and erasing it.

Erasing cannot be undone, so it is asked first; the confirmation is for the
moment it was offered at only: the state's sequence number, and the response
it was offered for (`tokens.response_mark`), since an erasure removes the state
with its number, and a new start counts from the beginning again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from conversation import views
from conversation.choosing import Choosing
from conversation.screens import Goodbye, Menu, Message
from conversation.tokens import response_mark
from conversation.versions import StoredVersions
from conversation.words import say
from flows import Flow
from storage import SurveyStore


@dataclasses.dataclass
class Rights(Choosing):
    """/mydata, /delete and "Oui, tout effacer"."""

    zone: dt.tzinfo = views.RESPONDENTS_ZONE
    """The respondents' time zone (the service's): /mydata says its days."""

    async def _mydata(self) -> None:
        session, lang = self.session, self.lang
        if session.respondent is None:
            self.screens.append(Message(say("mydata_none", lang)))
            return
        data = await self.store.respondent_data(session.respondent.id)
        running = self.several or (self.flow,)
        copy = views.data_copy(
            data,
            lang,
            self.stages,
            running,
            zone=self.zone,
            closed=self.closed,
            retired=await retired_names(self.store, data, running, lang),
            answered_on=await self._answered_on(data),
        )
        self.screens.append(copy)
        state = session.state
        if state is not None and not state.finished and not (session.kept_as_given or self.closed):
            # The copy is long: a chat's question is pushed far up, so it comes again below.
            self.show_current()

    async def _answered_on(self, data: dict[str, Any]) -> dict[tuple[str, int], Flow]:
        """The stored versions of the flows `data`'s responses were given on, that are kept."""
        versions = self.versions or StoredVersions(self.store)
        kept: dict[tuple[str, int], Flow] = {}
        for response in data.get("responses", []):
            key = (str(response.get("flow") or ""), response.get("flow_version"))
            if isinstance(key[1], int) and (flow := await versions.get(*key)) is not None:
                kept[key] = flow
        return kept

    def _delete(self) -> None:
        if self.session.respondent is None:
            self.arrived = None  # not even the link they came by is kept
            self.screens.append(Message(say("mydata_none", self.lang)))
        else:
            self.screens.append(self._erase_menu())

    def _response_mark(self) -> str:
        """The mark of the response an erasure's confirmation is offered for now."""
        response = self.session.response
        return response_mark(response.key if response is not None else None)

    def _erase_menu(self) -> Menu:
        return views.erase_menu(self.lang, self._seq(), self._response_mark())

    async def _erase(self) -> None:
        if self.session.respondent is None:
            return  # nothing stored (already erased: a double tap)
        await self._erase_person()  # logs the keys erased
        self.screens.append(Goodbye(say("deleted", self.lang)))


async def retired_names(
    store: SurveyStore, data: dict[str, Any], running: Sequence[Flow], lang: str
) -> dict[str, str]:
    """The questionnaires of `data`'s responses no longer run, by flow id, as their people
    knew them: the audience or title stored with the version answered (the newest stored,
    else), or the id (`views.data_copy`'s `retired`)."""
    names: dict[str, str] = {}
    for response in data.get("responses", []):
        flow_id = str(response.get("flow") or "")
        if flow_id and flow_id not in names and all(f.id != flow_id for f in running):
            names[flow_id] = await _stored_name(store, flow_id, response.get("flow_version"), lang)
    return names


async def _stored_name(store: SurveyStore, flow_id: str, version: object, lang: str) -> str:
    stored = await store.flow_versions(flow_id)
    kept = [v for v in stored if v.version == version] or stored[-1:]
    if not kept:
        return flow_id
    try:
        content = json.loads(kept[0].content)
    except ValueError:
        return flow_id
    audience = content.get("audience") if isinstance(content, dict) else None
    label = audience.get("label") if isinstance(audience, dict) else None
    title = content.get("title") if isinstance(content, dict) else None
    return _in(label, lang) or _in(title, lang) or flow_id


def _in(text: object, lang: str) -> str:
    """A stored text (one string, or one per language) in `lang`, else its first."""
    if isinstance(text, dict):
        text = text.get(lang) or next(iter(text.values()), "")
    return text.strip() if isinstance(text, str) else ""

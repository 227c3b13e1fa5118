"""The respondent's rights within a turn: a copy of their data, and erasing it.

Erasing cannot be undone, so it is asked first; the confirmation is for the
moment it was offered at only: the state's sequence number, and the response
it was offered for (`tokens.response_mark`), since an erasure removes the state
and a new start counts from the beginning again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from conversation import views
from conversation.choosing import Choosing
from conversation.screens import Goodbye, Menu, Message
from conversation.tokens import response_mark
from conversation.words import say


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
        self.screens.append(
            views.data_copy(
                data, lang, self.stages, self.several, zone=self.zone, closed=self.closed
            )
        )

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
        session = self.session
        if session.respondent is None:
            return  # nothing stored (already erased: a double tap)
        await self._erase_person()
        self.screens.append(Goodbye(say("deleted", self.lang)))

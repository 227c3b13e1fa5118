"""A link to the other questionnaire, for someone who began (or answered) one.

With several questionnaires (one per audience), a person counts once: their
latest response decides their flow. Someone who picked the wrong audience, or
who also speaks for a chamber, may then open the other audience's link. They
are told which questionnaire is theirs and which one the link is for, and
choose: go on, or switch. Switching is confirmed first, as it erases what was
given (as /delete does: the respondent, their responses, their consent), then
the link's questionnaire begins in the same turn, as a first visit by that link
would: its welcome, its notice, the link's workshop.

`Switching` adds these steps to `Showing`; `Turn` (conversation/turn.py) decides
when they apply. With one questionnaire none does: nothing is ever `linked`.
"""

from __future__ import annotations

import dataclasses

from conversation import views
from conversation.actions import Action
from conversation.screens import Message
from conversation.showing import Showing
from conversation.words import Words, say
from flows import Flow, StageDef, effective_answers, entry, find_stage

WORDS: dict[str, dict[str, str]] = {
    # Above the offer when the link is another workshop's: switching moves there too.
    "switch_other_workshop": {
        "fr": "Vos réponses sont rattachées {was_au_stage} {of_was} ; ce lien est celui "
        "{linked_du_stage} {of_linked} : en changeant de questionnaire, vous répondriez pour "
        "{linked}.",
        "en": "Your answers are linked to the {was} {was_stage}; this link is for the "
        "{linked} {linked_stage}: switching questionnaires, you would answer for {linked}.",
    },
}
say_switch = Words(WORDS)


@dataclasses.dataclass
class Switching(Showing):
    """The offer to switch questionnaires, its confirmation, and the switch."""

    def _other_linked(self) -> Flow | None:
        """The questionnaire the event's link is for, when it is not this one."""
        linked = self.linked
        return linked if linked is not None and linked.id != self.flow.id else None

    def _offer_switch(self, linked: Flow, stage: StageDef | None) -> None:
        """A link to the other questionnaire: go on with this one, or switch to the link's."""
        session = self.session
        self._say_updated()
        shown = self.prompt_of(session.state) if session.state else None
        offer = views.switch_offer(
            self.lang,
            views.questionnaire_name(self.flow, self.lang),
            views.questionnaire_name(linked, self.lang),
            shown,
            finished=session.finished,
            ref=entry(stage, _audience_of(linked)),
            mine=self._own_entry(),
        )
        tagged = self._tagged()
        if stage is not None and tagged is not None and self._tagged_elsewhere(stage):
            self.screens.append(Message(switch_elsewhere(self.lang, tagged, stage)))
        self.screens.append(offer)

    def _own_entry(self) -> str:
        """The entry of the person's own questionnaire: their response's workshop, its audience."""
        response = self.session.response
        stage = find_stage(self.stages, response.stage_code) if response else None
        return entry(stage, _audience_of(self.flow))

    def _ask_switch(self, ref: str) -> None:
        """Switching erases the answers given here: say how many, and ask first."""
        linked = self._other_linked()
        assert linked is not None
        state = self.session.state
        erased = len(effective_answers(self.flow, state)) if state else 0
        self.screens.append(
            views.switch_menu(
                self.lang,
                self._seq(),
                views.questionnaire_name(self.flow, self.lang),
                views.questionnaire_name(linked, self.lang),
                erased,
                ref,
                self._own_entry(),
            )
        )

    async def _switch(self, stage: StageDef | None) -> None:
        """Erase this questionnaire's answers (one person counts once), then begin the link's."""
        linked = self._other_linked()
        assert linked is not None
        session = self.session
        left = views.questionnaire_name(self.flow, self.lang)
        await self._erase_response("switched questionnaire")
        self.flow, self.audience = linked, _audience_of(linked)
        self.picked = False  # the link's questionnaire, not one picked from the list
        if session.lang not in linked.languages:
            session.lang = linked.language
        self.screens.append(Message(say("switched", self.lang, current=left)))
        await self._begin(stage)

    async def _switched_already(self, action: Action) -> None:
        """A switch button, and this is already the link's questionnaire: switched (a second
        tap: stale), or the switch's reply was lost and it comes again (a redelivery: the
        erasure holds no delivery id, so the link's welcome and notice are shown again)."""
        if self.session.response is not None:
            self._stale()
            return
        if action.lang in self.flow.languages:
            self.session.lang = action.lang  # nothing is stored before the notice is agreed to
        await self._begin(find_stage(self.stages, action.stage))


def _audience_of(flow: Flow) -> str:
    """A flow's audience code, as links and buttons carry it ('' for a flow without)."""
    return flow.audience.code if flow.audience else ""


def switch_elsewhere(lang: str, tagged: StageDef, linked: StageDef) -> str:
    """ "Your answers are linked to the Pithiviers workshop; this link is for the Vitré
    workshop: switching questionnaires, you would answer for Vitré"."""
    return say_switch("switch_other_workshop", lang, **views.two_workshops(lang, tagged, linked))

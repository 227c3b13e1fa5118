"""Choosing the questionnaire again, for someone who picked the wrong one from the list.

With several questionnaires, a link naming only the workshop asks who is
answering ("Une entreprise / Un acteur du territoire"). A person who tapped the
wrong one can go back to that list while nothing is answered yet: "↩ Changer de
questionnaire" under the notice, or /back at the notice or at the first
question. The list comes again for the same workshop, and the choice made there
is a first choice (the notice of that questionnaire). A response already agreed
to, with nothing answered, is erased first (one person counts once).

Only a questionnaire picked from the list is offered this (`Showing.picked`):
one a link or a workshop's `flow:` decides is that link's, as the organiser
meant it. Once an answer is given, another questionnaire is the switch's
(conversation/switching.py), which says what it erases: offered by the other
questionnaire's link, and beside "start over?" (`_other_questionnaires`), where
someone who picked the wrong one looks for a way back.
"""

from __future__ import annotations

import dataclasses

from conversation import views
from conversation.actions import Action, Intent
from conversation.screens import Choice, Menu
from conversation.switching import Switching
from conversation.words import say
from flows import Catalogue, entry, find_stage, stages_for


@dataclasses.dataclass
class Choosing(Switching):
    """Back to "who are you answering for?" before any answer; the restart's confirmation."""

    def _may_choose_again(self) -> bool:
        """Picked from the list, and nothing answered yet: at the notice, or at the first
        question with no answer given (nor skipped) and nothing to go back to."""
        if not self.picked or len(self.several) < 2:
            return False
        session, state = self.session, self.session.state
        if session.response is None:
            return state is None
        if state is None or session.finished or session.needs_consent(self.flow):
            return False
        return not (state.answers or state.skipped or state.others or state.history)

    async def _choose_again(self) -> None:
        """The list of questionnaires again, for the workshop the notice (or the response
        with nothing answered, which goes) was for: as the workshop's link shows it."""
        session = self.session
        if session.response is not None:
            code = session.response.stage_code
        else:
            code = self.arrived.entry if self.arrived is not None else None
        stage = find_stage(self.stages, code)
        if session.response is not None:
            await self._erase_response()  # nothing answered: only the agreement goes with it
        self.catalogue = Catalogue(self.several)
        self.picked, self.audience = False, ""
        await self._begin(stage)

    def _restart_menu(self, stage: str = "", mine: str = "") -> Menu:
        """ "Start over?", naming the questionnaire when the bot runs several, and offering
        the others there (`_other_questionnaires`)."""
        name = views.questionnaire_name(self.flow, self.lang) if self.audience else ""
        menu = views.restart_menu(self.lang, self._seq(), stage, mine=mine, name=name)
        return dataclasses.replace(menu, choices=menu.choices + self._other_questionnaires())

    def _other_questionnaires(self) -> tuple[Choice, ...]:
        """The bot's other questionnaires the workshop runs, while this one is unfinished:
        a wrong tap on "who is answering?" found out after some answers is undone here,
        where someone looks for a way back (the switch asks first, saying what it erases)."""
        session = self.session
        if len(self.several) < 2 or session.response is None or session.finished:
            return ()
        tagged = self._tagged()
        return tuple(
            Choice(
                say("switch_to", self.lang, linked=views.questionnaire_name(other, self.lang)),
                Action(Intent.SWITCH_ASK, stage=entry(tagged, other.audience.code), lang=self.lang),
            )
            for other in self.several
            if other.id != self.flow.id
            and other.audience is not None
            and (tagged is None or tagged in stages_for(self.stages, other))
        )

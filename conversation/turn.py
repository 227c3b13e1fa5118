"""One turn of the conversation: an event from a respondent, the rules, the screens to show.

Every decision a channel needs lives here, once: whether a notice must be agreed
to first, whether a button is stale or forged, what comes after an answer, what a
finished respondent sees, how a changed questionnaire is carried over. Every
change is committed, with the delivery id of the event that caused it, before
the screens that show it are returned.
"""

from __future__ import annotations

import dataclasses

from conversation import actions, rules, views
from conversation.actions import ENTRY_INTENTS, REVISION_INTENTS, SEQUENCED, Action, Intent
from conversation.again import AnsweringAgain
from conversation.events import (
    Command,
    CommandName,
    Event,
    Look,
    Pressed,
    Start,
    Submitted,
    Typed,
    Unreadable,
    help_commands,
)
from conversation.screens import (
    Goodbye,
    Help,
    HelpTopic,
    Message,
    Status,
)
from conversation.words import say
from flows import (
    Outcome,
    ResponseState,
    StageDef,
    answer,
    answer_text,
    entry,
    find_stage,
    revise,
    skip,
    split_entry,
    start,
)


@dataclasses.dataclass
class Turn(AnsweringAgain):
    """The rules applied to one event of one respondent; `reply()` says what to show."""

    async def play(self, event: Event) -> None:
        """Apply the rules to `event`."""
        await self._carry_over()
        if isinstance(event, Start):
            await self._start(event)
        elif isinstance(event, Look):
            await self._look(event)
        elif isinstance(event, Typed | Submitted):
            await self._answer(event)
        elif isinstance(event, Pressed):
            if event.action.about_question:
                await self._question_action(event.action)
            else:
                await self._menu_action(event.action)
        elif isinstance(event, Command):
            await self._command(event.name)
        elif isinstance(event, Unreadable) and self.session.response is None:
            await self._before_agreeing()
        elif isinstance(event, Unreadable) and self._at_the_end():
            # A thumbs-up sticker once finished: the end, as a "merci" gets; no question waits.
            self._show_finished()
        elif isinstance(event, Unreadable):
            self.screens.append(Message(say("not_text", self.lang)))
            self.show_current()
        if self.untold_update:
            # Carried onto a new version of the flow, and not yet told: say so, and where.
            self.show_current()

    # --- opening -------------------------------------------------------------------

    async def _start(self, event: Start) -> None:
        if event.language and event.language != self.lang:
            await self._set_language(event.language)
        stage = find_stage(self.stages, event.stage)
        session = self.session
        linked = self._other_linked()
        await self._tag_if_untagged(stage)
        if linked is not None and session.response is not None:
            self._offer_switch(linked, stage)
        elif session.needs_consent(self.flow):
            self._ask_consent(stage, changed=True)
        elif session.resumable:
            # Unfinished, or closed as abandoned after a long pause: either can go on.
            self._offer_resume(stage)
        elif session.finished:
            self._show_finished(stage)
        else:
            # A plain /start at the notice keeps the link it was shown for.
            await self._arrive(event.stage or (self.arrived.entry if self.arrived else None))

    async def _look(self, event: Look) -> None:
        """Where the person is: the notice, the question waiting, or the end; no answer
        changes (a flow without a notice begins, as at `/start`: `_arrive`).

        A page opened from the other questionnaire's link offers the switch, as `/start`
        does; going on takes the page to the person's own entry (`switch_offer`)."""
        session = self.session
        linked = self._other_linked()
        await self._tag_if_untagged(find_stage(self.stages, event.stage))
        if session.response is None:
            await self._arrive(event.stage)
        elif linked is not None:
            self._offer_switch(linked, find_stage(self.stages, event.stage))
        elif session.finished and not session.changing_an_answer:
            self._show_finished(find_stage(self.stages, event.stage))
        elif session.resumable and self._tagged_elsewhere(
            stage := find_stage(self.stages, event.stage)
        ):
            self._offer_resume(stage)  # another workshop's link: say which one keeps what
        else:
            if session.changing_an_answer and self._opened_by_the_change():
                # A page reloaded at the question a change called for says why, as it did.
                self.screens.append(Message(say("revise_opened", self.lang)))
            self.show_current()

    async def _arrive(self, code: str | None) -> None:
        """A first visit by a link: its workshop's welcome, or the list when it names none known."""
        stage = find_stage(self.stages, code)
        if split_entry(code)[0] and stage is None:
            # A mistyped or outdated code: asking beats an answer silently left untagged.
            self.arrived = None  # the list replaces the notice shown before, if any
            flows = self.catalogue or self.flow  # which the listed stages are for
            self.screens.append(views.stage_picker(self.lang, self.stages, self.audience, flows))
        else:
            await self._begin(stage)

    async def _answer(self, event: Typed | Submitted) -> None:
        session = self.session
        state = session.state
        if state is None or session.response is None:
            await self._before_agreeing()
        elif self._at_the_end():
            await self._typed_after_end(event)
        elif session.needs_consent(self.flow):
            self._ask_consent(None, changed=True)
        elif self.untold_update:
            # Typed for a question of the old version: show where they are instead.
            self.show_current()
        elif isinstance(event, Typed) and event.again is not None:
            await self._answer_again(state, event.again, event.text)
        elif event.step is not None and rules.is_stale(state, event.step, event.seq or 0):
            self._stale("stale_answer")  # for a question that is no longer the one waiting
        elif isinstance(event, Typed):
            await self._apply(state, answer_text(self.flow, state, event.text, self.lang))
        else:
            await self._apply(state, answer(self.flow, state, event.value, self.lang))

    def _at_the_end(self) -> bool:
        """Finished, and no answer being changed (kept as given: even mid-revision)."""
        state = self.session.state
        return state is not None and (state.finished or self.session.kept_as_given)

    async def _before_agreeing(self) -> None:
        """Anything but the notice's buttons before agreeing: the notice again, for the link
        it was shown for (nothing is stored before agreeing: the service remembers it a
        while), or the list of who answers when that came first.

        A typed "oui" is not taken as agreeing: the memory may be another moment's (another
        instance's, before a refusal there); the button carries the notice's version.
        """
        if self.arrived is None:
            # No notice shown that is known of: a first message, without a link.
            await self._begin(None)
            return
        stage = find_stage(self.stages, self.arrived.entry)
        if self.catalogue is not None:
            self.screens.append(views.audience_picker(self.catalogue, self.lang, stage))
            return
        self.screens.append(Message(say("notice_waiting", self.lang)))
        self._ask_consent(stage, changed=False)

    async def _typed_after_end(self, event: Typed | Submitted) -> None:
        """A number of the summary opens its question to change it; a reply to an earlier
        question changes its answer (`_answer_again`); anything else, the end.

        Whether the picker was shown or not: the summary's lines are numbered, and the
        picker asks for those numbers, so a typed "3" means the same either way."""
        state = self.session.state
        assert state is not None
        step = None
        if isinstance(event, Typed) and not self.session.kept_as_given:
            if event.again:
                await self._answer_again(state, event.again, event.text)
                return
            step = rules.named_in_summary(self.flow, state, event.text, self.lang)
        if step is None:
            self._show_finished()
        else:
            await self._revise(step)

    async def _question_action(self, action: Action) -> None:
        state = self.session.state
        if self.session.needs_consent(self.flow):
            self.status, self.note = Status.NOTICE_FIRST, say("consent_first", self.lang)
            self._ask_consent(None, changed=True)
            return
        if state is None or rules.is_stale(state, action.step, action.seq):
            self._stale(rules.stale_word(state, action))
            return
        if rules.drawn_otherwise(action, state, self.prompt_of):
            # "Valider (2)" of the latest question, drawn before the latest ticks.
            self._stale("stale_selection")
            return
        if self.session.kept_as_given:  # a question of the old version, shown mid-revision
            self._show_finished()
            return
        await self._apply(state, rules.move(self.flow, state, action, self.lang))

    async def _apply(self, before: ResponseState, outcome: Outcome) -> None:
        """Commit the outcome, then: the question left as answered, and what comes next."""
        if not outcome.accepted:
            self.status, self.note = Status.REFUSED, outcome.error
            self.screens.append(Message(outcome.error or "", warning=True, reason=outcome.reason))
            self.show_current(outcome.near)
            return
        after = outcome.state
        left = self.prompt_of(before)  # computed when it was asked, if in this process
        changing = self.session.changing_an_answer
        await self._save(after)
        if changing and after.finished:
            self._ended_again(before, after)
        if left is None:
            self.show_current()
            return
        if after.current == before.current and not after.finished and not after.awaiting_other:
            # A tick in a multiple choice, the next rank of a ranking: the same question.
            shown = self.prompt_of(after)
            if shown is not None:
                self._show_selection(after, shown)
                return
        self.screens.append(views.answered(self.flow, left, before, after, self.lang))
        opened = changing and after.reviewing and after.current != before.current
        if opened and (self.with_transcript or not views.asked_anew(before)):
            # The change opened a question (not a step back, nor on after one): why not the
            # end. Said once in a chat, above the first; a page says it on each of its pages.
            self.screens.append(Message(say("revise_opened", self.lang)))
        self.show_current()

    # --- menus -----------------------------------------------------------------------

    async def _menu_action(self, action: Action) -> None:
        if await self._menu_refused(action):
            return
        stage = find_stage(self.stages, action.stage)
        if action.intent in ENTRY_INTENTS:
            await self._entry_action(action, stage)
        elif action.intent in REVISION_INTENTS:
            await self._revision_action(action)
        else:
            await self._going_on_action(action, stage)

    async def _menu_refused(self, action: Action) -> bool:
        """Whether the button is forged, already acted on, or from another moment (and said so)."""
        state = self.session.state
        if not rules.offered(action, self.flow, self.stages, state, self.lang, self.linked):
            # Well-formed, but naming nothing this conversation offers: forged.
            self.status, self.note = Status.FORGED, say("forged", self.lang)
            return True
        if action.intent in (Intent.SWITCH_ASK, Intent.SWITCH) and self._other_linked() is None:
            await self._switched_already(action)
            return True
        if action.intent in SEQUENCED and action.seq != (state.seq if state else 0):
            # "Oui, tout effacer" pressed after going on: it was for another moment.
            self._stale()
            return True
        if action.intent == Intent.ERASE and action.value not in ("", self._response_mark()):
            # Offered before an erasure, pressed after starting again (the same `seq`).
            self._stale()
            return True
        return False

    async def _entry_action(self, action: Action, stage: StageDef | None) -> None:
        """The notice agreed to or declined, the workshop or audience picked, a language."""
        intent = action.intent
        if intent in (Intent.CONSENT, Intent.DECLINE):
            await self._consent(action, stage)
        elif intent == Intent.LANGUAGE:
            await self._set_language(action.value, stage=stage, announce=True)
        elif self.session.response is None:  # STAGE, NO_STAGE, AUDIENCE
            if action.lang:  # what the list was said in (chosen there, or by the link)
                await self._set_language(action.lang)
            await self._begin(stage)
        else:  # the list's button, from before the questionnaire began: nothing to pick
            self._stale()

    async def _going_on_action(self, action: Action, stage: StageDef | None) -> None:
        """Resuming, keeping, starting over, or taking the link's other questionnaire."""
        intent, state = action.intent, self.session.state
        finished = self.session.finished and state is not None and state.finished
        if intent == Intent.SUMMARY and finished:
            self._show_summary(brief=action.value != actions.WHOLE)  # "Annuler" in the picker
        elif intent == Intent.KEEP and action.value == actions.DECLINED:
            self._kept()  # "No" to /delete or /restart
        elif intent == Intent.RESUME and finished:
            self._show_finished()  # "Garder mes réponses" (an older "Non, continuer" too)
        elif intent in (Intent.RESUME, Intent.KEEP, Intent.SUMMARY):
            self.show_current()
        elif intent == Intent.RESTART_ASK:
            self.screens.append(self._restart_menu(action.stage, self._mine_if_elsewhere(stage)))
        elif intent == Intent.RESTART:
            await self._restart(stage)
        elif intent == Intent.SWITCH_ASK:
            self._ask_switch(action.stage)
        elif intent == Intent.SWITCH:
            await self._switch(stage)

    async def _revision_action(self, action: Action) -> None:
        """Changing an answer after finishing, or erasing everything, confirmed."""
        intent, state = action.intent, self.session.state
        if intent == Intent.ERASE:
            await self._erase()
        elif self.session.kept_as_given:
            self._show_finished()  # an old "change an answer" button, from before the update
        elif state is None:
            self.show_current()
        elif intent == Intent.REVISE_MENU:
            self.screens.append(views.revise_menu(self.flow, state, self.lang))
        elif not state.finished:
            self._stale()  # an earlier picker's number, while another answer is being changed
        else:
            await self._revise(action.value)

    async def _consent(self, action: Action, stage: StageDef | None) -> None:
        session = self.session
        if action.lang:
            session.lang = action.lang
        if action.intent == Intent.CONSENT:
            if action.version != self.flow.consent_version:
                # Agreeing to a notice that has changed since it was shown: show this one.
                self._ask_consent(stage, changed=True)
                return
            await self._agree(stage)
            return
        if session.response is not None and not session.needs_consent(self.flow):
            # "Je refuse" on an older copy of the notice, after agreeing to this one: what
            # was given stays unless the person confirms erasing it (as with /delete).
            self.screens.append(self._erase_menu())
            return
        await self._decline(stage)

    async def _agree(self, stage: StageDef | None) -> None:
        session = self.session
        version = self.flow.consent_version
        assert version is not None
        if session.response is None:
            await self._create_response(stage)
        elif session.needs_consent(self.flow):
            await self.store.record_consent(
                session.response.id, version=version, now=self.clock(), update_id=self.delivery
            )
            session.response = dataclasses.replace(session.response, consent_version=version)
            self.show_current()
        # Otherwise already agreed (a double tap, an old button): nothing to do.

    async def _decline(self, stage: StageDef | None) -> None:
        """Keep nothing but the refusal, and nothing of who refused.

        A changed notice declined erases what was kept under the old one; answers to another
        questionnaire (one no longer run, say) stay, and the goodbye says so.
        """
        session = self.session
        now = self.clock()
        # A changed notice comes without the link's workshop: the response it replaces has it.
        stage_code = stage.code if stage else None
        if stage_code is None and session.response is not None:
            stage_code = session.response.stage_code
        if session.response is not None and session.respondent is not None:
            await self._erase_response("withdrew their consent")
        await self.store.record_refusal(
            version=self.flow.consent_version or "",
            stage_code=stage_code,
            now=now,
            update_id=self.delivery,
        )
        self.arrived = None  # answered: nothing to remember
        if session.respondent is not None:
            kept = say("declined_kept_hint", self.lang)
            self.screens.append(Goodbye(say("declined_kept", self.lang), typed_hint=kept))
            return
        where = stage or find_stage(self.stages, stage_code)
        back = entry(where, self.audience) if where is not None else ""
        hint = say("declined_hint", self.lang)
        self.screens.append(Goodbye(say("declined", self.lang), typed_hint=hint, entry=back))

    async def _restart(self, stage: StageDef | None) -> None:
        """Start over in the same response (so one person never counts twice)."""
        session = self.session
        if session.response is None:
            await self._begin(stage)
            return
        tagged = session.response.stage_code
        # `seq` goes on rising: every button offered before the restart ("Oui, recommencer",
        # "Oui, tout effacer", a question's) stays stale in the new attempt.
        after = session.state.seq + 1 if session.state is not None else 0
        fresh = start(self.flow).model_copy(update={"seq": after})
        await self._save(fresh, stage=stage, restarted=True)
        # Started over from another workshop's link: the answers now go to that workshop.
        moved = stage is not None and stage.code != tagged
        self.screens.append(Message(views.restarted(self.lang, stage if moved else None)))
        self.show_current()

    async def _revise(self, step_id: str) -> None:
        state = self.session.state
        if state is None or self.session.response is None:
            self.show_current()
            return
        revised = revise(self.flow, state, step_id)
        if revised != state:
            await self._save(revised)
        self.show_current()

    async def _set_language(
        self, lang: str, *, stage: StageDef | None = None, announce: bool = False
    ) -> None:
        session = self.session
        if lang not in self.flow.languages:
            return
        session.lang = lang
        if session.respondent is not None:
            response_id = session.response.id if session.response else None
            await self.store.set_language(
                session.respondent.id, lang, response_id=response_id, now=self.clock()
            )
        if not announce:
            return
        self.screens.append(Message(say("language_set", lang)))
        if session.response is None and self.flow.consent_version is not None:
            # Not agreed yet: the welcome and the notice again, in the language chosen, for
            # the link it was shown for (the /language menu does not carry it).
            if stage is None and self.arrived is not None:
                stage = find_stage(self.stages, self.arrived.entry)
            await self._begin(stage)
        elif session.resumable and self._tagged_elsewhere(stage):
            self._offer_resume(stage)  # asked on another workshop's offer: the offer again
        else:
            self.show_current()

    # --- commands and the respondent's rights -----------------------------------------------

    async def _command(self, name: CommandName) -> None:
        session = self.session
        lang = self.lang
        if name == CommandName.HELP:
            self.screens.append(Help(commands=help_commands(self.several or (self.flow,))))
        elif name == CommandName.UNKNOWN:
            self.screens.append(Help(HelpTopic.UNKNOWN_COMMAND))
        elif name in (CommandName.BACK, CommandName.SKIP):
            await self._move(name)
        elif name == CommandName.RESTART and session.response is None and self.arrived:
            await self._before_agreeing()
        elif name == CommandName.RESTART:
            if session.response is None:
                self.screens.append(Message(say("nothing_open", lang)))
            else:
                self.screens.append(self._restart_menu())
        elif name == CommandName.LANGUAGE:
            self.screens.append(views.language_menu(self.flow, lang))
        elif name == CommandName.MYDATA:
            await self._mydata()
        elif name == CommandName.DELETE:
            self._delete()

    async def _move(self, name: CommandName) -> None:
        """`/back` and `/skip`: like their buttons, on whatever question is on screen."""
        state = self.session.state
        if name == CommandName.BACK and self._may_choose_again():
            await self._choose_again()  # the audience picked from the list: the list again
        elif state is None and self.arrived is not None:
            await self._before_agreeing()
        elif state is None:
            self.screens.append(Message(say("nothing_open", self.lang)))
        elif state.finished or self.session.kept_as_given:  # kept as given: only shown
            self._show_finished()
        elif self.session.needs_consent(self.flow):
            self._ask_consent(None, changed=True)
        elif self.untold_update:
            self.show_current()
        elif name == CommandName.BACK:
            outcome = rules.go_back(self.flow, state, self.lang)
            if outcome.accepted:
                await self._apply(state, outcome)
            else:
                self.screens.append(Message(outcome.error or ""))
        else:
            await self._apply(state, skip(self.flow, state, self.lang))

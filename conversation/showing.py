"""What every turn shows and saves: the screen waiting, the notice, the offer to resume, the end;
committing a state.

`Showing` holds one turn's session and the screens collected so far; `Turn`
(conversation/turn.py) adds the rules that decide which of these comes next.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from conversation import views
from conversation.known_states import KnownStates
from conversation.live import LiveMessages
from conversation.progress import save_state
from conversation.screens import Message, Question, Reply, Screen, Selection, Status
from conversation.session import Session
from conversation.versions import StoredVersions
from conversation.words import say
from flows import (
    Catalogue,
    Flow,
    Prompt,
    ResponseState,
    StageDef,
    entry,
    find_stage,
    first_open,
    pipe,
    prompt,
    start,
    visible_steps,
    without_hidden_personal,
)
from storage import Response, ResponseStatus, SurveyStore

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Arrival:
    """What a person without a response was last shown the notice (or the audience list)
    for: the link's entry ("" without one) and the language it was in."""

    entry: str
    lang: str
    picked: bool = False
    """The notice is for the questionnaire the person picked from the list (their link named
    none): it offers to choose again (`Choosing`)."""


@dataclasses.dataclass
class Showing:
    """One respondent's turn: what it shows, and the writes that come before it."""

    store: SurveyStore
    flow: Flow
    stages: Sequence[StageDef]
    clock: Callable[[], datetime]
    session: Session
    delivery: int | None
    screens: list[Screen] = dataclasses.field(default_factory=list)
    status: Status = Status.DONE
    note: str | None = None
    live_message: int | None = None
    with_transcript: bool = False
    """Show the questions answered so far before the question (a channel without a chat log)."""
    untold_update: bool = False
    """Carried onto a new version of the flow in this turn, and not told yet: say so once."""
    closed: bool = False
    """The questionnaire is closed (the service's): nothing is carried over, nothing written
    but an erasure; /mydata and /delete are answered alone, with no question after them."""
    catalogue: Catalogue | None = None
    """Set when the bot runs several flows and nothing has chosen one yet: ask who answers."""
    audience: str = ""
    """The flow's audience code when the bot runs several (it rides in the notice's buttons)."""
    linked: Flow | None = None
    """The flow what brought the event names (its link's audience or workshop), when the bot
    runs several: another than `flow` offers a switch (`Turn`). None when it names none."""
    several: tuple[Flow, ...] = ()
    """Every flow the bot runs, when it runs several (() with one): to name a response's
    questionnaire, and to list them again for someone who picked the wrong one."""
    picked: bool = False
    """The person picked `flow` from the list of questionnaires (not their link, nor their
    workshop's `flow:`): until they answer, they may choose again (`Choosing`)."""
    arrived: Arrival | None = None
    """For a person who has not agreed yet (nothing is stored before): the notice they were
    shown last, as the service remembers it (None: not known); this turn's, once it shows one."""
    end_note: str | None = None
    """Said instead of the outro when the end is reached again after changing an answer:
    the thanks were said the first time."""
    brief_end: bool = False
    """The end reached again by one answer changed, the summary's lines as numbered before:
    a chat may leave the summary just sent behind a button (`Summary.whole`)."""
    held: LiveMessages | None = None
    """The live messages the service holds for a channel's delivery marks (conversation/live.py)."""
    known: KnownStates | None = None
    """The states the service last wrote or read, with their prompts (conversation/known_states.py)."""
    versions: StoredVersions | None = None
    """The flows' earlier versions as stored, read once per process (conversation/versions.py)."""
    given: Flow | None = None
    """The version of the flow a response kept as given was answered on, as the store keeps
    it (`_carry_over` reads it): its recap reads back with it. None: `flow` reads it."""

    @property
    def lang(self) -> str:
        return self.session.lang

    def reply(self) -> Reply:
        """What to show, and what a channel needs to show it."""
        response = self.session.response
        return Reply(
            screens=tuple(self.screens),
            status=self.status,
            note=self.note,
            language=self.lang,
            response_id=response.id if response else None,
            live_message=self.live_message,
            finished=self.session.finished,
            flow_id="" if self.catalogue is not None else self.flow.id,
            kept=self.session.respondent is not None,
        )

    async def _begin(self, stage: StageDef | None) -> None:
        """A new response: the welcome, then the notice to agree to (nothing stored before)."""
        self.arrived = Arrival(entry(stage, self.audience), self.lang, self.picked)
        if self.catalogue is not None:
            self.screens.append(views.audience_picker(self.catalogue, self.lang, stage))
            return
        self.screens.append(views.welcome(self.flow, self.lang, stage))
        if self.flow.consent_version is not None:
            self._ask_consent(stage, changed=False)
            return
        await self._create_response(stage)

    async def _create_response(self, stage: StageDef | None) -> None:
        session = self.session
        person = session.person
        state = start(self.flow)
        # The first row about this person, now that they have agreed: with the response
        # and the consent, in one transaction.
        session.respondent, response = await self.store.enrol(
            person.channel,
            person.external_id,
            flow_id=self.flow.id,
            flow_version=self.flow.version,
            stage_code=stage.code if stage else None,
            language=self.lang,
            state_json=state.model_dump_json(),
            current_step=state.current,
            now=self.clock(),
            update_id=self.delivery,
            consent_version=self.flow.consent_version,
        )
        self._stored(response, state)
        self.show_current()

    # --- answers -------------------------------------------------------------------

    def _seq(self) -> int:
        """The state's sequence number now (0 before any response)."""
        state = self.session.state
        return state.seq if state else 0

    def _stale(self, word: str = "stale") -> None:
        """A button (or, with `stale_answer`, a form) for a moment that has passed."""
        self.status, self.note = Status.STALE, say(word, self.lang)

    async def _save(
        self,
        state: ResponseState,
        *,
        stage: StageDef | None = None,
        applies: bool = True,
        restarted: bool = False,
    ) -> None:
        """Commit `state`, with the delivery id of this event if it `applies` it, in one go."""
        session = self.session
        assert session.response is not None
        state = without_hidden_personal(self.flow, state)  # taken back: not kept either
        response = await save_state(
            self.store,
            self.flow,
            session.response,
            state,
            self.clock(),
            lang=self.lang,
            stage_code=stage.code if stage else None,
            update_id=self.delivery if applies else None,
            restarted=restarted,
        )
        self._stored(response, state)

    def _stored(self, response: Response, state: ResponseState) -> None:
        """`state` is now `response`'s, as its `state_json`: the session's and the service's."""
        self.session.replace_response(response, state)
        if self.known is not None:
            self.known.wrote(response.id, response.state_json, state, self.clock())

    def prompt_of(self, state: ResponseState) -> Prompt | None:
        """What to show for `state` of this session's response, computed once per state."""
        response = self.session.response
        if self.known is None or response is None:
            return prompt(self.flow, state, self.lang)
        return self.known.prompt(response.id, self.flow, state, self.lang, self.clock())

    async def _erase_person(self) -> None:
        """Erase the respondent and everything they gave, if they exist; nothing is left open.
        Logs the keys of the responses erased (`erasure_line`)."""
        session = self.session
        if session.respondent is not None:
            self._forget_response()
            report = await self.store.erase_respondent(session.respondent.id)
            if report.responses:
                line = erasure_line(
                    session.person.channel, "erased their data", report.keys, whole=True
                )
                log.info("%s", line)
        session.respondent = None
        session.replace_response(None, None)

    async def _erase_response(self, cause: str = "went back to the list of questionnaires") -> None:
        """Erase the response open (a switch, a notice declined, the list chosen again): not
        a response the person gave another questionnaire, which `_erase_person` would take.
        Their only one, it takes the respondent too (the store's `erase_response`). `cause`
        is what the person did, in the words of the line it logs (`erasure_line`); by
        default, choosing again from the list (`Choosing._choose_again`)."""
        session = self.session
        if session.response is not None:
            self._forget_response()
            report = await self.store.erase_response(session.response.id)
            if report.responses:
                log.info(
                    "%s", erasure_line(session.person.channel, cause, report.keys, whole=False)
                )
                if await self._left_with_nothing():
                    session.respondent = None
        session.replace_response(None, None)

    async def _left_with_nothing(self) -> bool:
        respondent = self.session.respondent
        if respondent is None:
            return True
        found = await self.store.get_respondent_by_id(respondent.id)
        return found is None

    def _forget_response(self) -> None:
        response = self.session.response
        if response is not None and self.held is not None:
            # Forgotten before the erasure is queued: SQLite may give the freed response
            # id to the next person who agrees, and a mark must not write it to theirs.
            self.held.forget(response.id)
        if response is not None and self.known is not None:
            self.known.forget(response.id, self.clock())  # their answers, in memory

    async def _carry_over(self) -> None:
        """A response saved under an older version of the flow goes on under this one; one
        completed on it is kept as given, and read back with it (`given`)."""
        session = self.session
        if session.kept_as_given and session.response is not None:
            self.given = await self._given_flow(session.response.flow_version)
        if self.closed or not session.outdated or session.state is None or not session.resumable:
            return  # closed: a copy of one's data or an erasure is no reason to write
        # Not the event's own change (done again, it changes nothing): the event's id goes
        # with the change it brings, so the two are never split by a crash between them.
        await self._save(session.state, applies=False)
        self.untold_update = True

    async def _given_flow(self, version: int) -> Flow | None:
        """`version` of the flow, as stored the first time it ran (`keep_flow_versions`);
        None if it is not kept, or cannot be read by this surveybot: the recap then reads
        the response with the current file, as it did before versions were kept."""
        versions = self.versions or StoredVersions(self.store)
        return await versions.get(self.flow.id, version)

    @property
    def _recap_flow(self) -> Flow:
        """The flow a summary reads the response with: the version it was kept as given on."""
        return self.given if self.given is not None and self.session.kept_as_given else self.flow

    # --- showing where the respondent is ------------------------------------------------

    def show_current(self, near: tuple[str, ...] = ()) -> None:
        """The question waiting for an answer, or the end of the questionnaire; `near`: the
        codes a refused reply may have meant, which the question offers (`Question.offered`)."""
        session = self.session
        state = session.state
        if state is None or session.response is None:
            self.screens.append(Message(say("nothing_open", self.lang)))
            return
        if session.needs_consent(self.flow):
            # A button sent before the notice changed ("Reprendre ▶" in a reminder, "Non,
            # continuer"...): the new notice comes before any question.
            self._ask_consent(None, changed=True)
            return
        self._say_updated()
        shown = self.prompt_of(state)
        if shown is not None and self.with_transcript:
            # First, as a chat's log is above everything: what this turn says (a refusal,
            # "language changed") then reads just above the question it is about.
            self.screens.insert(0, views.transcript(self.flow, state, self.lang))
        if shown is not None and self._back_to_an_open_question():
            self.screens.append(Message(say("asked_after_update", self.lang)))
        if shown is None:
            if self.end_note is not None:
                self.screens.append(Message(say(self.end_note, self.lang)))
            elif self.flow.outro is not None:
                self.screens.append(Message(pipe(self.flow, self.flow.outro, self.lang, state)))
            self._show_summary(brief=self.brief_end)
            return
        self.screens.append(Question(shown, views.offered(self.flow, shown, near, self.lang)))

    def _show_selection(self, state: ResponseState, shown: Prompt) -> None:
        """The question on screen changed in place (a tick, back from its "Other" text).

        A page redrawn whole keeps the answers above it, as `show_current` gives them.
        """
        if self.with_transcript:  # first, as `show_current` puts it
            self.screens.insert(0, views.transcript(self.flow, state, self.lang))
        self.screens.append(Selection(shown))

    def _back_to_an_open_question(self) -> bool:
        """The engine took an unfinished response back to a question left open before
        answers given (`reviewing`, flows/engine.py): one whose answer a new version of the
        flow no longer takes, or a question it added before where the person was. Said
        with the question each time it is shown, but after a refusal of its answer."""
        session = self.session
        state = session.state
        if state is None or session.finished or not state.reviewing:
            return False  # a finished response's change says why its own way (revise_opened)
        if self.status == Status.REFUSED or state.current != first_open(self.flow, state):
            return False
        order = [step.id for step in visible_steps(self.flow, state)]
        later = order[order.index(state.current) + 1 :] if state.current in order else []
        return any(step in state.answers or step in state.skipped for step in later)

    def _show_finished(self, stage: StageDef | None = None) -> None:
        """The thanks and the summary; a response given on another version stays as it is.
        A change of answer under way: the question being changed, where a typed line goes
        (the summary's buttons would be stale), saying why if the change opened it. Opened
        by another workshop's link (`stage`): which workshop the answers stay with."""
        state = self.session.state
        assert state is not None
        self._say_updated()
        # Kept as given (another version since): shown as it was given, nothing asked.
        if self.session.changing_an_answer:
            if first_open(self.flow, state) is not None:
                self.screens.append(Message(say("already_done_open", self.lang)))
            self.show_current()
            return
        as_given = self.session.kept_as_given
        self.screens.append(
            Message(say("already_done_as_given" if as_given else "already_done", self.lang))
        )
        tagged = self._tagged()
        if stage is not None and tagged is not None and self._tagged_elsewhere(stage):
            self.screens.append(Message(_done_elsewhere(self.lang, tagged, stage)))
        self._show_summary()

    def _ended_again(self, before: ResponseState, after: ResponseState) -> None:
        """The end reached again by changing an answer: "changed" or "unchanged" instead of
        the outro, and whether the summary the person saw before still reads right."""
        kept = (before.answers, before.others, before.skipped)
        self.end_note = (
            "revise_kept" if (after.answers, after.others, after.skipped) == kept else "revised"
        )
        self.brief_end = views.changed_alone(self.flow, before, after)

    def _kept(self) -> None:
        """ "No" to erasing or starting over: said so, then where the person was; once
        finished, the end as they saw it before (the summary behind a button, in a chat)."""
        self.screens.append(Message(say("nothing_erased", self.lang)))
        state = self.session.state
        if self.session.finished and state is not None and state.finished:
            self._show_summary(brief=True)
        else:
            self.show_current()

    def _show_summary(self, *, brief: bool = False) -> None:
        """The summary alone, with "change an answer" (unless kept as given); `brief`: the
        person saw it just before, as `views.summary_screen` says."""
        state = self.session.state
        assert state is not None
        as_given = self.session.kept_as_given
        brief = brief and not as_given
        recap = self._recap_flow
        self.screens.append(
            views.summary_screen(recap, state, self.lang, as_given=as_given, brief=brief)
        )

    def _opened_by_the_change(self) -> bool:
        """The question on screen is one a changed answer opened (never answered yet)."""
        state = self.session.state
        return state is not None and state.current == first_open(self.flow, state)

    def _tagged(self) -> StageDef | None:
        """The workshop the response is tagged with, if it is one of the list."""
        response = self.session.response
        return find_stage(self.stages, response.stage_code) if response else None

    def _tagged_elsewhere(self, stage: StageDef | None) -> bool:
        """The link's workshop is known, and not the one the response is tagged with."""
        tagged = self._tagged()
        return stage is not None and tagged is not None and tagged.code != stage.code

    async def _tag_if_untagged(self, stage: StageDef | None) -> None:
        """Answers under way begun with no workshop (from the bare address) take the one of
        the link they are next opened by, and the person is told: the analysts count each
        workshop's answers, and its landing card said they would be linked to it. Answers
        already linked to a workshop keep it (another's link offers the choice), and so do
        answers to another questionnaire than the link's, or under a notice not agreed to."""
        session = self.session
        response, state = session.response, session.state
        if stage is None or response is None or response.stage_code is not None:
            return
        other = self.linked is not None and self.linked.id != self.flow.id
        if state is None or other or not session.resumable or session.needs_consent(self.flow):
            return
        await self._save(state, stage=stage, applies=False)
        self.screens.append(Message(views.tagged_now(self.lang, stage)))

    def _mine_if_elsewhere(self, stage: StageDef | None) -> str:
        """The person's own entry, for "go on" under a menu opened from another workshop's
        link: a web page takes it, and does not ask again at its next reload ("" if not)."""
        return entry(self._tagged(), self.audience) if self._tagged_elsewhere(stage) else ""

    def _offer_resume(self, stage: StageDef | None) -> None:
        """ "You have a questionnaire in progress": go on, or start over from `stage`'s link;
        with nothing given yet (agreed, or started over, then left), its first question."""
        session = self.session
        state, response = session.state, session.response
        given = state is None or bool(state.answers or state.skipped)
        in_progress = response is not None and response.status == ResponseStatus.IN_PROGRESS
        # With several questionnaires the offer names the one begun: said even then.
        if not given and in_progress and not self.audience and not self._tagged_elsewhere(stage):
            self.show_current()  # not "0 answers of 51: go on, or start over?"
            return
        self._say_updated()
        shown = self.prompt_of(session.state) if session.state else None
        # Named when the bot runs several questionnaires: which one is in progress.
        name = views.questionnaire_name(self.flow, self.lang) if self.audience else ""
        mine = self._mine_if_elsewhere(stage)
        self.screens.append(
            views.resume_offer(self.lang, shown, stage, name, tagged=self._tagged(), mine=mine)
        )

    def _ask_consent(self, stage: StageDef | None, *, changed: bool) -> None:
        """The information notice, before anything else (after the news of an update, if any)."""
        self._say_updated()
        again = self.picked and self.session.response is None  # picked from the list
        self.screens.append(
            views.consent_menu(
                self.flow, self.lang, stage, changed=changed, audience=self.audience, again=again
            )
        )

    def _say_updated(self) -> None:
        if self.untold_update:
            self.screens.append(Message(say("flow_updated", self.lang)))
            self.untold_update = False


@functools.lru_cache(maxsize=16)
def _done_elsewhere(lang: str, tagged: StageDef, linked: StageDef) -> str:
    """ "Your answers stay linked to the Pithiviers workshop; this link is the Vitré one's":
    a finished respondent at a second workshop is counted once, at the first."""
    return say("done_other_workshop", lang, **views.two_workshops(lang, tagged, linked))


def erasure_line(channel: str, cause: str, keys: Sequence[str], *, whole: bool) -> str:
    """The one trace an erasure a person makes leaves, for the operator who restores an older
    backup: what they did (`cause`: "erased their data", "withdrew their consent"...) and the
    pseudonymous keys of the responses erased (those `/mydata` shows and `surveybot erase
    --response` takes), never a name, an id or an answer. Found with `grep erasure:`."""
    # `whole`: the person erased everything, and is erased whole again; else one response
    # (consent withdrawn, another questionnaire chosen), erased alone: the rest was kept.
    # One key erases the whole person: the first, the oldest, which an older backup holds
    # if it holds them at all. The line is the command to run, copied as it is.
    key = keys[0] if keys else "KEY"
    command = f"surveybot erase --response {key}" + ("" if whole else " --response-only")
    return (
        f"erasure: a {channel} respondent {cause} (responses {', '.join(keys)}): after "
        f"restoring an older backup, erase them again with {command}"
    )

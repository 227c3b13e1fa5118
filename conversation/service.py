"""The conversation service: the one entry point every channel calls.

A channel parses its input into an `Event`, calls `Conversation.handle` with the
`Person` it came from and its delivery id, and shows the `Reply`'s screens. The
service loads the respondent's session once, applies the rules (`Turn`), and
commits every change together with the delivery id before returning, so an
input redelivered after a crash is recognised and never applied twice.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal, NamedTuple
from zoneinfo import ZoneInfo

from conversation.actions import Intent
from conversation.again import earlier_questions
from conversation.closing import closed_notice, still_served
from conversation.events import Event, Person, Pressed, entry_of
from conversation.known_states import KnownStates
from conversation.live import LiveMessages
from conversation.memory import Recent
from conversation.queues import PersonQueues
from conversation.repeats import KEPT, WINDOW, RecentScreens
from conversation.rights import retired_names
from conversation.screens import Reply, Status
from conversation.session import Session, language_for, open_session
from conversation.showing import Arrival
from conversation.turn import Turn
from conversation.versions import StoredVersions, keep_flow_versions
from flows import (
    Catalogue,
    Flow,
    Prompt,
    ResponseState,
    StageDef,
    effective_answers,
    find_stage,
    prompt,
)
from storage import (
    Channel,
    Conflict,
    Response,
    ResponseStatus,
    SessionRecord,
    Stage,
    StorageError,
    SurveyStore,
)

log = logging.getLogger(__name__)
AUDIENCES_WARNED: Final = 10
"""Audiences of links for a questionnaire not running said at most, once each."""

ARRIVALS_KEPT_FOR = timedelta(days=1)
"""How long the notice shown to someone who has not agreed yet is remembered: a person may
read it in the morning and answer after the workshop."""

ATTEMPTS = 5
"""How many times a turn is decided again when another instance changed the person first."""


class Situation(NamedTuple):
    """Where a person is, read outside a turn (`Conversation.situation`)."""

    where: Literal["new", "answering", "finished", "kept"]
    """"new": not agreed yet (nothing stored); "answering": at a question (changing an
    answer after finishing too); "finished": at the end, answers changeable; "kept":
    completed under another version of the flow, shown as given, never changed."""
    lang: str
    """The language a turn would answer in."""
    live_message: int | None
    """The channel's message showing the question waiting (None: none, or not known)."""
    waiting: Prompt | None = None
    """The question waiting, as a turn would show it (None: none)."""
    earlier: tuple[Prompt, ...] = ()
    """The questions answered or skipped before, for a reply quoting one (none: "kept")."""


class AtCard(NamedTuple):
    """A person back at a workshop's card with a response there (`Conversation.at_card`)."""

    answers: int
    finished: bool
    """Completed: the card thanks them and offers their answers, not a new start."""


def utc_now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


class Conversation:
    """The rules of the questionnaire as a conversation, for every channel."""

    def __init__(
        self,
        store: SurveyStore,
        flows: Flow | Catalogue | Sequence[Flow],
        stages: Sequence[StageDef],
        *,
        clock: Callable[[], datetime] = utc_now,
        timezone: str = "Europe/Paris",
        closed: bool = False,
    ) -> None:
        """`timezone`: the respondents' (SURVEYBOT_TIMEZONE, as `Policy.timezone`), in which
        the day a response was started is said to them (/mydata, the web resume page).
        `closed`: the questionnaire is closed (SURVEYBOT_CLOSED, as `Policy.closed`): every
        event is told so and changes nothing, but /mydata and /delete (conversation/closing.py)."""
        self.store = store
        self.catalogue = Catalogue.of(flows)
        self.flow = self.catalogue.default
        """The default flow: the only one, or the first of several."""
        self.stages = tuple(stages)
        self.clock = clock
        self.zone = ZoneInfo(timezone)
        """The respondents' time zone: the days said to them are its days."""
        self.closed = closed
        """The questionnaire is closed: answers are no longer taken (conversation/closing.py)."""
        # Respondents shown their current screen again after a redelivery: once a minute is
        # enough to replace a reply lost in a crash.
        self._reshown: Recent[tuple[Channel, str], bool] = Recent(WINDOW, KEPT)
        # The notice each person who has not agreed yet was shown, for the link it was shown
        # for: nothing is stored before agreeing, so their "oui" or sticker would lose it.
        self._arrivals: Recent[tuple[Channel, str], Arrival] = Recent(ARRIVALS_KEPT_FOR, KEPT)
        # The response of each person who agreed to a questionnaire picked from the list (not
        # their link's): until they answer, /back takes them to the list again.
        self._picked: Recent[tuple[Channel, str], int] = Recent(ARRIVALS_KEPT_FOR, KEPT)
        self._queues = PersonQueues()
        # Each person's previous reply, so a welcome, notice or summary is not sent again at
        # every message they write (conversation/repeats.py).
        self._recent = RecentScreens()
        self.live_messages = LiveMessages()
        """Live messages a channel writes later, with its delivery marks (conversation/live.py)."""
        # Each response's last state, parsed and prompted once (conversation/known_states.py).
        self._known = KnownStates()
        self._versions = StoredVersions(store)
        # The audiences of links opened for a questionnaire this bot does not run, said once.
        self._audiences_warned: set[str] = set()

    async def sync_with_files(self) -> None:
        """What every start does before taking input: record each flow's version (raising
        `FlowVersionChanged` for a file changed under a version already run), then keep
        the stages file's workshops in the database, for exports and statistics."""
        await keep_flow_versions(self.store, self.catalogue.flows, now=self.clock())
        await self.store.sync_stages(
            [
                Stage(
                    code=stage.code,
                    city=stage.city,
                    region=stage.region,
                    territory=stage.territory,
                    date=stage.date,
                    flow_id=stage.flow,
                )
                for stage in self.stages
            ]
        )
        if self.closed:
            log.info("the questionnaire is closed: respondents are told so")

    async def handle(
        self,
        person: Person,
        event: Event,
        *,
        delivery: int | None = None,
        transcript: bool = False,
    ) -> Reply:
        """Apply `event` from `person`; return what to show once every change is committed.

        `delivery` identifies the input at its channel (a Telegram update id): one
        already applied is not applied again. `transcript` asks for the questions
        answered so far before each question, for a channel that keeps no chat log.
        One person's inputs are applied one after the other, in the order they came.
        """
        self._warn_of_audience(entry_of(event))
        async with self._queues.turn_of((person.channel, person.external_id)):
            for _ in range(ATTEMPTS - 1):
                try:
                    return await self._handle(person, event, delivery, transcript)
                except Conflict as conflict:
                    # Another instance applied this input, or another of this person's,
                    # between our read and our write, which wrote nothing: read again and
                    # decide again, as if this input had come after that one.
                    log.info("deciding input %s again: %s", delivery, conflict)
            return await self._handle(person, event, delivery, transcript)

    def _warn_of_audience(self, entry_text: str | None) -> None:
        """Tell the operator, once per audience, of a link for a questionnaire not running
        (`pithiviers__territoire` with only the companies' one): its respondents are given
        the one running, and an organiser would otherwise learn it from the export."""
        audience = self.catalogue.audience_not_run(entry_text, self.stages)
        if audience is None or audience.lower() in self._audiences_warned:
            return
        if len(self._audiences_warned) >= AUDIENCES_WARNED:
            return  # said enough: the operator has the point
        self._audiences_warned.add(audience.lower())
        running = f"'{self.flow.id}'" + (
            f" (audience '{a.code}')" if (a := self.flow.audience) else ""
        )
        log.warning(
            "a link for audience '%s' was opened (%s), but the only questionnaire running is "
            "%s, which those who open it are given: to run each audience's questionnaire, "
            "set SURVEYBOT_FLOWS (bundled, a folder, or the flow files)",
            audience,
            entry_text,
            running,
        )

    async def _handle(
        self, person: Person, event: Event, delivery: int | None, transcript: bool
    ) -> Reply:
        live = self.live_messages.view()  # before the read: conversation/live.py says why
        # One flow: its latest response. Several: the latest of any, which decides the flow.
        record = await self.store.load_session(
            person.channel,
            person.external_id,
            flow_id=None if self.catalogue.several else self.flow.id,
            update_id=delivery,
        )
        key = (person.channel, person.external_id)
        now = self.clock()
        flow, record, arrival = self._flow_for(key, event, record, now)
        session = open_session(
            flow or self.flow,
            person,
            record,
            lambda id_, text: self._known.parse(id_, text, now),
            await self._saved_under(flow or self.flow, record.response),
        )
        if arrival is not None and arrival.lang in (flow or self.flow).languages:
            session.lang = arrival.lang
        turn = self._turn(session, delivery, flow, live)
        turn.arrived = arrival
        if self.catalogue.several:
            # A link to the other questionnaire, for someone who began one: offered a switch.
            turn.linked = self.catalogue.chosen_by(entry_of(event), self.stages)
            turn.picked = self._was_picked(key, event, record, arrival, flow, now)
        turn.with_transcript = transcript
        if self.closed and not still_served(event):
            # The tour is over: said once, politely, and nothing read is written back.
            turn.screens.append(closed_notice(turn.lang))
            return turn.reply()
        if record.handled:
            log.info("input %s was already handled; not applying it twice", delivery)
            return self._redelivered(turn)
        respondent = session.respondent
        if respondent is not None and respondent.blocked_at is not None:
            # They write to us again, so they no longer block the bot.
            await self.store.set_blocked(respondent.id, blocked=False, now=now)
        await turn.play(event)
        turn.screens = self._recent.thinned(turn, event)
        if turn.session.response is None and turn.arrived is not None:
            self._arrivals.put(key, turn.arrived, self.clock())
        elif arrival is not None:
            self._arrivals.pop(key, self.clock())
        response = turn.session.response
        if response is not None and turn.picked:
            self._picked.put(key, response.id, self.clock())
        else:
            self._picked.pop(key, self.clock())
        return turn.reply()

    def _was_picked(
        self,
        key: tuple[Channel, str],
        event: Event,
        record: SessionRecord,
        arrival: Arrival | None,
        flow: Flow | None,
        now: datetime,
    ) -> bool:
        """Whether the person picked `flow` from the list of questionnaires, rather than their
        link or their workshop's `flow:` naming it (not known: not picked, as before).

        Their response, if it is the one they agreed to after picking; else the audience
        button pressed under the list (the notice shown before named no questionnaire),
        or the notice of a questionnaire picked so, shown again for what names no other.
        """
        if flow is None:
            return False
        if record.response is not None:
            return self._picked.get(key, now) == record.response.id
        if arrival is None:
            return False
        if isinstance(event, Pressed) and event.action.intent == Intent.AUDIENCE:
            return arrival.picked or self.catalogue.chosen_by(arrival.entry, self.stages) is None
        named = entry_of(event)
        return arrival.picked and named in (None, arrival.entry)

    def _flow_for(
        self, key: tuple[Channel, str], event: Event, record: SessionRecord, now: datetime
    ) -> tuple[Flow | None, SessionRecord, Arrival | None]:
        """The person's flow (None: several, and they must pick), the record, how they came.

        Their latest response's flow; without one (or one to a flow no longer run),
        what brought them decides if it can, or else the link of the notice they were
        shown, if it is remembered.
        """
        flow = self.catalogue.by_id(record.response.flow_id) if record.response else None
        if flow is not None:
            return flow, record, None
        arrival = self._arrivals.get(key, now)
        entered = entry_of(event) or (arrival.entry if arrival else None)
        if isinstance(event, Pressed) and event.action.intent == Intent.AUDIENCE:
            # "↩ Changer de questionnaire" names the workshop alone, or nothing: the list.
            entered = event.action.stage
        chosen = self.catalogue.chosen_by(entered, self.stages)
        return chosen, dataclasses.replace(record, response=None), arrival

    def _turn(
        self,
        session: Session,
        delivery: int | None,
        flow: Flow | None,
        live: Mapping[int, int | None],
    ) -> Turn:
        """The turn, with the flow decided (None: several, and the person must pick one)."""
        response = session.response
        chosen = flow or self.flow
        return Turn(
            store=self.store,
            flow=chosen,
            catalogue=None if flow is not None else self.catalogue,
            # None yet: the person picks the flow; a workshop picked from a list does not.
            audience=self.catalogue.audience_code(flow) if flow is not None else "",
            several=self.catalogue.flows if self.catalogue.several else (),
            stages=self.stages,
            clock=self.clock,
            zone=self.zone,
            session=session,
            delivery=delivery,
            live_message=live.get(response.id, response.prompt_message_id) if response else None,
            held=self.live_messages,
            known=self._known,
            versions=self._versions,
            closed=self.closed,
        )

    def _redelivered(self, turn: Turn) -> Reply:
        """The reply may have been lost with the crash: show the current screen, once."""
        person = turn.session.person
        key = (person.channel, person.external_id)
        now = self.clock()
        if self._reshown.get(key, now) is None:
            self._reshown.put(key, True, now)
            turn.show_current()
        turn.status = Status.REDELIVERED
        return turn.reply()

    async def remember_live_message(
        self, response_id: int, message_id: int | None, *, with_marks: bool = False
    ) -> None:
        """Record which of the channel's messages shows the live question (None: none).

        `with_marks`: the channel writes it with the marks of its deliveries, taken
        from `live_messages`, instead of a commit of its own now.
        """
        if with_marks:
            self.live_messages.hold(response_id, message_id)
            return
        self.live_messages.forget(response_id)
        try:
            await self.store.set_prompt_message(response_id, message_id)
        except StorageError as error:
            # Tidiness only (the next reply removes that message's buttons): the answer is
            # committed and its reply sent, so the update is handled; failing it now would
            # have it delivered again and the question sent twice. Held in memory instead,
            # for the next write that carries the marks.
            self.live_messages.hold(response_id, message_id)
            log.warning("the message showing the live question is not recorded: %s", error)

    async def keep_refused_text(self, person: Person, text: str) -> str:
        """Keep a refused typed answer for the page a channel draws after a redirect, on
        any instance: its id, or "" if it could not be kept (the refusal is said anyway)."""
        try:
            return await self.store.keep_text(person.external_id, text, now=self.clock())
        except StorageError as error:
            log.warning("a refused typed answer is not kept for its page: %s", error)
            return ""

    async def take_refused_text(self, person: Person, key: str) -> str | None:
        """The text kept under `key` for this person, once; None if gone or not theirs."""
        try:
            return await self.store.take_kept_text(key, person.external_id, now=self.clock())
        except StorageError as error:
            log.warning("a refused typed answer kept for its page cannot be read: %s", error)
            return None

    async def set_blocked(self, person: Person, *, blocked: bool) -> None:
        """The person blocked the channel (or unblocked it): no reminder while blocked."""
        respondent = await self.store.get_respondent(person.channel, person.external_id)
        if respondent is not None:
            await self.store.set_blocked(respondent.id, blocked=blocked, now=self.clock())

    async def keeps_anything_of(self, person: Person) -> bool:
        """Whether anything of the person's is stored (a response to any questionnaire, one
        no longer run too): their data and its erasure are then theirs to reach (`Reply.kept`)."""
        return await self.store.get_respondent(person.channel, person.external_id) is not None

    async def at_card(self, person: Person, entry: str) -> AtCard | None:
        """The person's response the card of `entry` (a workshop's code, perhaps with its
        audience) would take them back to: the same workshop, and the card's questionnaire
        or any when the card leaves the choice; one closed as abandoned resumes. None
        otherwise, or unfinished with nothing answered: Telegram would then lose nothing."""
        if self.closed:
            return None
        several = self.catalogue.several
        record = await self.store.load_session(
            person.channel, person.external_id, flow_id=None if several else self.flow.id
        )
        response, stage = record.response, find_stage(self.stages, entry)
        if response is None or stage is None:
            return None
        flow, chosen = (
            self.catalogue.by_id(response.flow_id),
            self.catalogue.chosen_by(entry, self.stages),
        )
        same_stage = (response.stage_code or "").lower() == stage.code.lower()
        if flow is None or not same_stage or (chosen is not None and chosen.id != flow.id):
            return None
        state = ResponseState.model_validate_json(response.state_json)
        finished = response.status == ResponseStatus.COMPLETED
        answers = len(effective_answers(flow, state))
        return AtCard(answers, finished) if answers or finished else None

    async def _saved_under(self, flow: Flow, response: Response | None) -> Flow | None:
        """The version of `flow` an unfinished response was saved under, as stored, when it
        is not `flow`'s: what its answers meant (`open_session`). None otherwise."""
        if response is None or response.flow_version == flow.version:
            return None
        if response.status == ResponseStatus.COMPLETED:
            return None  # kept as given: not carried over
        return await self._versions.get(flow.id, response.flow_version)

    async def situation(self, person: Person) -> Situation:
        """Where the person is, for a word a channel says outside a turn (an edited message,
        a quoted one), in one read that writes nothing."""
        live = self.live_messages.view()  # before the read, as a turn takes it
        record = await self.store.load_session(
            person.channel,
            person.external_id,
            flow_id=None if self.catalogue.several else self.flow.id,
        )
        response = record.response
        if response is None:
            return Situation("new", await self.language_kept(person), None)
        now = self.clock()
        session = open_session(
            self.flow_of(response.flow_id),
            person,
            record,
            lambda id_, text: self._known.parse(id_, text, now),
        )
        where: Literal["answering", "finished", "kept"] = "answering"
        if session.kept_as_given:
            where = "kept"
        elif session.finished and (session.state is None or session.state.finished):
            where = "finished"
        message = live.get(response.id, response.prompt_message_id)
        lang, state, flow = session.lang, session.state, self.flow_of(response.flow_id)
        if where == "kept" or state is None:
            return Situation(where, lang, message)
        earlier = earlier_questions(flow, state, lang)
        return Situation(where, lang, message, prompt(flow, state, lang), earlier)

    async def retired_names(self, data: dict[str, Any], lang: str) -> dict[str, str]:
        """The questionnaires no longer run that a copy of someone's data names, by id, as
        they knew them (for `views.data_copy` drawn again in another language)."""
        return await retired_names(self.store, data, self.catalogue.flows, lang)

    def flow_of(self, flow_id: str | None) -> Flow:
        """The flow a response was given to, or the default one when it is not run any more."""
        return self.catalogue.by_id(flow_id) or self.flow

    def language_from_hint(self, person: Person) -> str:
        """The language of the person's app (or page), if the flow has it, else the flow's
        first: for someone nothing is known about yet. `language_kept` reads their choice."""
        return language_for(self.flow, person.language_hint)

    async def language_kept(self, person: Person) -> str:
        """The language this person chose, if they have, else `language_from_hint`: for a word
        said outside a turn (an apology, the flood notice), at the price of a read."""
        try:
            respondent = await self.store.get_respondent(person.channel, person.external_id)
        except StorageError:
            # Said on error paths, the database's own failures included: never fail there.
            return self.language_from_hint(person)
        if respondent is not None and respondent.language in self.flow.languages:
            return respondent.language
        # Not agreed yet, so nothing stored: the language of the notice (or list) last shown.
        arrival = self._arrivals.get((person.channel, person.external_id), self.clock())
        if arrival is not None and arrival.lang in self.flow.languages:
            return arrival.lang
        return self.language_from_hint(person)

"""Work done without a respondent's input: one polite reminder, closing stale responses, purging.

Everything is read from the database each time, so a restart neither loses a
reminder that is due nor sends one twice. A channel claims each reminder this
module finds (`claim`: marks it in the database), only then sends it, and
reports how it went: not sent for now (`not_sent`: tried again later), or the
person blocked the channel (`unreachable`). With several instances on one
database, one at a time does a round (`exclusively`, a lease in the database);
the others skip it, since the work is being done.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from conversation.actions import Action, Intent
from conversation.events import Person
from conversation.policy import Policy
from conversation.screens import Choice, Menu
from conversation.session import open_session
from conversation.words import answered_so_far, say
from flows import Catalogue, Flow, ResponseState, prompt, typeset
from storage import (
    KEEP_DONE,
    Channel,
    NotFound,
    Response,
    SessionRecord,
    SurveyStore,
)

log = logging.getLogger(__name__)

# Telegram redelivers an update for 24 hours at most; ids older than this are dead weight.
KEEP_HANDLED_UPDATES = dt.timedelta(days=7)
REMINDERS = "reminders"
UPKEEP = "upkeep"
"""The leases of the two rounds: one instance at a time does each."""
KEEP_UNHANDLED = dt.timedelta(days=1)
"""How long a bot switched to a webhook keeps the updates a poller left not handled: past
Telegram's own redelivery window (24 hours), nothing will ever apply them."""


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder to send: to whom, about which response, and what it says."""

    person: Person
    response_id: int
    menu: Menu
    updated_at: dt.datetime | None = field(default=None, compare=False)
    """The response's last activity when the round listed it: a reminder is claimed only
    while it still is (None: not checked)."""


class Housekeeping:
    """Reminders and upkeep for the bot's flows, by the rules of a `Policy`."""

    def __init__(
        self,
        store: SurveyStore,
        flows: Flow | Catalogue | Sequence[Flow],
        policy: Policy,
        *,
        prunes_inbox: bool = True,
    ) -> None:
        self.store = store
        self.catalogue = Catalogue.of(flows)
        self.policy = policy
        self.prunes_inbox = prunes_inbox
        """False in the long-polling bot, whose `Poller` prunes the inbox itself, only after
        its first fetch (the done rows recognise a batch Telegram delivers again)."""
        self.webhook = False
        """Telegram posts updates to a webhook (set by `register_webhook`): nothing applies
        the updates the inbox still waits for (only a `surveybot run` starting would, and a
        day late an answer would meet a question long gone); `prune_inbox` deletes them too
        once `KEEP_UNHANDLED` old. Never set in a plain
        `serve`, whose web chat may run beside a polling `surveybot run`."""

    @contextlib.asynccontextmanager
    async def exclusively(self, lease: str) -> AsyncIterator[bool]:
        """Hold `lease` for a round: yields False when another instance is doing that round."""
        held = await self.store.take_lease(lease)
        try:
            yield held
        finally:
            if held:
                await self.store.end_lease(lease)

    async def due_reminders(self, now: dt.datetime, *, channel: Channel) -> list[Reminder]:
        """The reminders due now on `channel`: none at night, none twice, none to the blocked,
        none once the questionnaire is closed."""
        policy = self.policy
        if policy.reminder_after is None or policy.closed or policy.quiet(now):
            return []
        due = await self.store.due_reminders(
            idle_since=now - policy.reminder_after, now=now, channel=channel
        )
        reminders = []
        for item in due:
            response = await self.store.get_response(item.response_id)
            flow = self.catalogue.by_id(response.flow_id) if response else None
            if response is None or flow is None:
                continue  # a flow no longer run: nothing to resume it with
            person = Person(channel, item.external_id)
            try:
                menu = self._reminding(flow, person, response)
            except Exception:  # one response that cannot be read must not stop the others'
                log.exception("response %d: its reminder could not be written", response.id)
                continue
            if menu is not None:
                reminders.append(Reminder(person, response.id, menu, response.updated_at))
        return reminders

    def _reminding(self, flow: Flow, person: Person, response: Response) -> Menu | None:
        """What the reminder says about `response`; None when there is nothing to remind of."""
        # Its state and language, read the way a turn of the conversation reads them.
        session = open_session(flow, person, SessionRecord(None, response, False))
        if session.state is None or session.state.finished:
            # Nothing left to answer: the flow's new version dropped the questions still
            # open. Not "not finished (0 of 0)"; coming back, they are told it is complete.
            return None
        return self._menu(flow, session.state, session.lang)

    def _menu(self, flow: Flow, state: ResponseState, lang: str) -> Menu:
        shown = prompt(flow, state, lang)
        text = say(
            "reminder",
            lang,
            # Typeset here: a reminder is sent as it is, not drawn like a reply's screens.
            title=typeset(flow.text(flow.title, lang), lang),
            so_far=answered_so_far(lang, shown),
        )
        return Menu(text, (Choice(say("resume", lang), Action(Intent.RESUME)),))

    async def claim(self, reminder: Reminder, now: dt.datetime) -> bool:
        """Mark the reminder as sent, before sending it; False: claimed already or no longer due.

        At most once, with a retry on a known failure: the mark is committed
        before the message goes, and given back (`not_sent`) only when the
        message surely did not reach the person. A crash between the mark and the
        send loses that one reminder rather than sending it twice on restart,
        which marking after sending did: a reminder is a courtesy, and a second
        one is what annoys.

        Claimed only while the response is as the round listed it: a round sends its
        reminders one after the other (the night's all at 09:00), and someone who went
        on or finished since is not told they left off, nor given yesterday's count (in
        the claim's own statement, so no turn can slip in between). Not claimed, theirs
        is due again after as long idle.
        """
        try:
            return await self.store.mark_reminded(
                reminder.response_id, now=now, active_at=reminder.updated_at
            )
        except NotFound:  # erased since the round listed it (/delete): no one to remind
            return False

    async def not_sent(self, reminder: Reminder) -> None:
        """The claimed reminder could not go out now (network, server error): due again."""
        await self.store.unmark_reminded(reminder.response_id)

    async def unreachable(self, reminder: Reminder, now: dt.datetime) -> None:
        """The person blocked the channel: mark them, and do not try this reminder again."""
        person = reminder.person
        respondent = await self.store.get_respondent(person.channel, person.external_id)
        if respondent is not None:
            await self.store.set_blocked(respondent.id, blocked=True, now=now)
        # Claimed already when sending; marked here too for a caller that had not.
        with contextlib.suppress(NotFound):  # erased meanwhile: nothing left to mark
            await self.store.mark_reminded(reminder.response_id, now=now)

    async def upkeep(self, now: dt.datetime) -> bool:
        """Close responses untouched for too long, delete those past the retention period,
        forget the ids of updates handled long ago, the web's refused texts not shown and
        the handled updates of the inbox (`prune_inbox`).

        False, doing nothing, while another instance does it.
        """
        async with self.exclusively(UPKEEP) as mine:
            if mine:
                await self._upkeep(now)
            else:
                log.info("another instance is doing the upkeep; skipping this round")
            return mine

    async def _upkeep(self, now: dt.datetime) -> None:
        policy = self.policy
        if policy.abandon_after is not None:
            # Not what the retention below deletes: the log would count it twice.
            kept_from = now - policy.retention if policy.retention is not None else None
            idle_since = now - policy.abandon_after
            closed = await self.store.abandon_stale(
                idle_since=idle_since, now=now, kept_from=kept_from
            )
            if closed:
                log.info(
                    "closed %d response(s) untouched for %s as abandoned",
                    closed,
                    _span(policy.abandon_after),
                )
        if policy.retention is not None:
            report = await self.store.purge_older_than(before=now - policy.retention, now=now)
            if report.responses or report.respondents:
                log.info(
                    "retention: deleted %d response(s) started over %s ago (%d answer(s)) "
                    "and %d respondent(s) left with none",
                    report.responses,
                    _span(policy.retention),
                    report.answers,
                    report.respondents,
                )
        await self.store.prune_handled_updates(before=now - KEEP_HANDLED_UPDATES)
        # The web chat's refused texts not shown in time (each is dropped as it is shown).
        await self.store.prune_kept_texts(now=now)
        await self.prune_inbox(now)

    async def prune_inbox(self, now: dt.datetime) -> int:
        """Delete the Telegram updates handled over `KEEP_DONE` ago; how many.

        The inbox holds each update as Telegram sent it (names, typed texts, also of
        people who never agreed), and only the long-polling bot writes it and prunes it
        (bot/telegram/poller.py). A bot switched to a webhook, or `serve` beside it, would
        keep what the poller left for ever: every running mode prunes, at start and then
        regularly. Deleted as erasures are (freed pages zeroed, the -wal file emptied
        within minutes: storage/checkpoints.py). Idempotent, so several instances on one
        database may all prune. Rows not done are updates still to apply: kept, but with
        a webhook (`webhook`) only until `KEEP_UNHANDLED` old, as nothing will apply them.
        """
        if not self.prunes_inbox:
            return 0
        pruned = await self.store.prune_inbox(before=now - KEEP_DONE)
        if pruned:
            log.info("deleted %d handled Telegram update(s) from the inbox", pruned)
        if self.webhook:
            unhandled = await self.store.prune_unhandled_inbox(before=now - KEEP_UNHANDLED)
            if unhandled:
                log.warning(
                    "deleted %d Telegram update(s) from the inbox that the long-polling bot "
                    "had not handled before the switch to a webhook (received over %s ago: "
                    "too late to apply)",
                    unhandled,
                    _span(KEEP_UNHANDLED),
                )
            pruned += unhandled
        return pruned


def _span(period: dt.timedelta) -> str:
    """ "30 days", "36 hours": a period as the settings give it, for the log."""
    if period % dt.timedelta(days=1) == dt.timedelta(0):
        return f"{period.days} day{'s' * (period.days != 1)}"
    return f"{period / dt.timedelta(hours=1):g} hours"

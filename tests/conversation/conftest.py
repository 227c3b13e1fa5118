"""Fixtures for the conversation's tests: the real service on a real SQLite file, and a chat driver.

A `Chat` is one person talking to one `Conversation`, the way a channel would:
it turns what the person does into an event, hands it to `Conversation.handle`
with a fresh delivery id, and keeps the reply, so a test reads like the chat:

    ana = chat(bundled)
    await ana.start("pithiviers")
    await ana.press("✅ J’accepte")
    assert ana.prompt.step_id == "company_name"

`press(label)` finds the choice with that label on the last reply's screens (a
menu, the summary's "change an answer", an answer of the question shown) and
presses its action, as a button would hand it back.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterator

import pytest

from conversation import (
    Action,
    Answered,
    Command,
    CommandName,
    Conversation,
    Event,
    Goodbye,
    Intent,
    Menu,
    Message,
    Person,
    Pressed,
    Question,
    Reply,
    Screen,
    Selection,
    Start,
    Status,
    Submitted,
    Summary,
    Typed,
    Unreadable,
    Welcome,
)
from flows import AnswerValue, Catalogue, Flow, Kind, Prompt, StageDef
from storage import Channel, Store
from tests.conftest import Clock, Peek

# The words a French respondent reads on the buttons of the conversation's menus.
AGREE = "✅ J’accepte"
DECLINE = "Je refuse"
RESUME = "Reprendre ▶"
RESTART = "Recommencer"
RESTART_YES = "Oui, recommencer"
RESTART_NO = "Non, continuer"
ERASE_YES = "Oui, tout effacer"
ERASE_NO = "Non, garder mes réponses"
REVISE = "✏️ Modifier une réponse"
NO_STAGE = "Continuer sans atelier"
# The bundled list's made-up workshops, as a picker lists them.
EXAMPLES = ["Évreux (exemple)", "Vitré (exemple)", "Épinal (exemple)", "Dunkerque (exemple)"]


@pytest.fixture(scope="session")
def stages(bundled_stages: list[StageDef]) -> list[StageDef]:
    """The bundled stages: Pithiviers (5 June 2019) first, then four made-up examples."""
    return bundled_stages


@pytest.fixture
def converse(store: Store, stages: list[StageDef], clock: Clock) -> Callable[[Flow], Conversation]:
    """`converse(flow)`: the conversation service for `flow`, on the test's store and clock."""

    def make(flow: Flow) -> Conversation:
        return Conversation(store, flow, stages, clock=lambda: clock.now)

    return make


@pytest.fixture
def bundled(converse: Callable[[Flow], Conversation], bundled_flow: Flow) -> Conversation:
    return converse(bundled_flow)


@pytest.fixture
def both(
    store: Store, stages: list[StageDef], clock: Clock, bundled_flow: Flow, actors_flow: Flow
) -> Conversation:
    """The bot running both bundled questionnaires: a link's audience picks one."""
    return Conversation(
        store, Catalogue((bundled_flow, actors_flow)), stages, clock=lambda: clock.now
    )


@pytest.fixture
def mini(converse: Callable[[Flow], Conversation], mini_flow: Flow) -> Conversation:
    return converse(mini_flow)


@pytest.fixture
def deliveries() -> Iterator[int]:
    """Delivery ids, unique across everyone in the test (like Telegram's update ids)."""
    return itertools.count(1000)


ChatFactory = Callable[..., "Chat"]


@pytest.fixture
def chat(deliveries: Iterator[int], clock: Clock) -> ChatFactory:
    """`chat(conversation, "ana", channel=..., hint="fr")`: a person talking to `conversation`.

    `with_ids=False`: a channel that gives no delivery ids (the terminal).
    """

    def make(
        conversation: Conversation,
        external_id: str = "ana",
        *,
        channel: Channel = Channel.TELEGRAM,
        hint: str | None = "fr",
        with_ids: bool = True,
    ) -> Chat:
        person = Person(channel, external_id, hint)
        return Chat(conversation, person, deliveries if with_ids else None, clock)

    return make


class Chat:
    """One person talking to one conversation; keeps the last reply, like the screen they see."""

    def __init__(
        self,
        conversation: Conversation,
        person: Person,
        deliveries: Iterator[int] | None,
        clock: Clock,
    ) -> None:
        self.conversation = conversation
        self.person = person
        self._deliveries = deliveries
        self._clock = clock
        self.reply = Reply()
        self.last_delivery: int | None = None

    # --- doing things ----------------------------------------------------------------

    async def send(self, event: Event, *, delivery: int | None = None) -> Reply:
        """Hand `event` to the service (a fresh delivery id unless one is given), a second later."""
        self._clock.tick()
        if delivery is None and self._deliveries is not None:
            delivery = next(self._deliveries)
        self.last_delivery = delivery
        self.reply = await self.conversation.handle(self.person, event, delivery=delivery)
        return self.reply

    async def start(self, stage: str | None = None, *, language: str | None = None) -> Reply:
        return await self.send(Start(stage, language))

    async def write(self, text: str) -> Reply:
        """A typed message."""
        return await self.send(Typed(text))

    async def command(self, name: str) -> Reply:
        return await self.send(Command(CommandName(name)))

    async def sticker(self) -> Reply:
        return await self.send(Unreadable())

    async def submit(self, value: AnswerValue) -> Reply:
        """A whole answer to the question on screen (the terminal's "1 3", a web form)."""
        shown = self.prompt
        return await self.send(Submitted(shown.step_id, shown.seq, value))

    async def tap(self, action: Action, *, delivery: int | None = None) -> Reply:
        """Press a button kept from an earlier screen (or made up)."""
        return await self.send(Pressed(action), delivery=delivery)

    async def press(self, label: str) -> Reply:
        """Press the choice labelled `label` on the last reply."""
        return await self.tap(self.action(label))

    async def next(self) -> Reply:
        return await self.tap(self.control(Intent.NEXT))

    async def back(self) -> Reply:
        return await self.tap(self.control(Intent.BACK))

    async def skip(self) -> Reply:
        return await self.tap(self.control(Intent.SKIP))

    async def confirm(self) -> Reply:
        return await self.tap(self.control(Intent.CONFIRM))

    # --- reading the last reply ------------------------------------------------------------

    @property
    def screens(self) -> tuple[Screen, ...]:
        return self.reply.screens

    @property
    def kinds(self) -> list[str]:
        """The types of the last reply's screens, in order: ["Answered", "Question"]."""
        return [type(screen).__name__ for screen in self.screens]

    def only(self, kind: type[Screen]) -> Screen:
        """The one screen of type `kind` in the last reply."""
        found = [screen for screen in self.screens if isinstance(screen, kind)]
        assert len(found) == 1, f"expected one {kind.__name__} in {self.kinds}"
        return found[0]

    @property
    def prompt(self) -> Prompt:
        """The question on screen in the last reply (a new question, or ticks changed in place)."""
        shown = [s.prompt for s in self.screens if isinstance(s, Question | Selection)]
        assert shown, f"no question in the last reply: {self.kinds}"
        return shown[-1]

    @property
    def menu(self) -> Menu:
        menus = [s for s in self.screens if isinstance(s, Menu)]
        assert menus, f"no menu in the last reply: {self.kinds}"
        return menus[-1]

    @property
    def messages(self) -> list[str]:
        return [s.text for s in self.screens if isinstance(s, Message)]

    @property
    def welcome(self) -> Welcome:
        return self.only(Welcome)  # type: ignore[return-value]

    @property
    def answered(self) -> Answered:
        return self.only(Answered)  # type: ignore[return-value]

    @property
    def summary(self) -> Summary:
        return self.only(Summary)  # type: ignore[return-value]

    @property
    def goodbye(self) -> Goodbye:
        return self.only(Goodbye)  # type: ignore[return-value]

    def labels(self) -> list[str]:
        """Every label that could be pressed on the last reply."""
        return [label for label, _ in self._choices()]

    def action(self, label: str) -> Action:
        """The action of the choice labelled `label` on the last reply."""
        found = [action for shown, action in self._choices() if shown == label]
        assert found, f"no choice {label!r} in the last reply; there are {self.labels()}"
        return found[-1]

    def control(self, intent: Intent) -> Action:
        """Back, skip, confirm or next on the question on screen, as its buttons carry them."""
        shown = self.prompt
        return Action(intent, seq=shown.seq, step=shown.step_id)

    def _choices(self) -> list[tuple[str, Action]]:
        choices: list[tuple[str, Action]] = []
        for screen in self.screens:
            if isinstance(screen, Menu):
                choices += [(choice.label, choice.action) for choice in screen.choices]
            elif isinstance(screen, Summary):
                choices.append((screen.revise.label, screen.revise.action))
                if screen.whole is not None:  # "see all my answers", after the brief end
                    choices.append((screen.whole.label, screen.whole.action))
            elif isinstance(screen, Question | Selection):
                shown = screen.prompt
                intent = (
                    Intent.TOGGLE
                    if shown.kind in (Kind.MULTIPLE_CHOICE, Kind.RANKING)
                    else Intent.CHOOSE
                )
                choices += [
                    (label, Action(intent, seq=shown.seq, step=shown.step_id, value=code))
                    for code, label in shown.choices
                ]
        return choices


async def agree(person: Chat, stage: str | None = None) -> Reply:
    """Open the bundled questionnaire and agree to its notice: the first question is on screen."""
    await person.start(stage)
    return await person.press(AGREE)


async def mini_to(person: Chat, step: str) -> Reply:
    """Answer mini.yaml from its start until `step` is on screen (exports "yes", scale 4)."""
    answers: dict[str, Callable[[], Awaitable[Reply]]] = {
        "welcome": person.next,
        "company": lambda: person.write("Acme"),
        "staff": lambda: person.write("12"),
        "sector": lambda: person.press("Industrie"),
        "exports": lambda: person.press("Oui"),
        "markets": lambda: _markets(person),
        "share": lambda: person.write("40"),
        "importance": lambda: person.press("4"),
        "obstacles": lambda: _ranking(person),
        "ideas": lambda: person.write("Plus de liens"),
        "email": lambda: person.write("ana@acme.fr"),
    }
    if not any(isinstance(s, Question | Selection) for s in person.screens):
        await person.start()
    for _ in range(30):
        if person.prompt.step_id == step:
            return person.reply
        await answers[person.prompt.step_id]()
        assert person.reply.status is Status.DONE, (person.reply.status, person.reply.note)
    raise AssertionError(f"never reached {step!r}; on {person.prompt.step_id!r}")


async def mini_to_end(person: Chat) -> Reply:
    """Answer every question of mini.yaml: the summary is on screen."""
    await mini_to(person, "email")
    return await person.write("ana@acme.fr")


async def _markets(person: Chat) -> Reply:
    await person.press("Europe")
    return await person.confirm()


async def _ranking(person: Chat) -> Reply:
    await person.press("Coût")
    await person.press("Temps")
    return await person.confirm()


PERSONAL_TABLES = ("respondents", "responses", "answers", "consent_refusals")


def counts(peek: Peek) -> dict[str, int]:
    """How many rows each table about people holds, read through a separate connection."""
    return {
        table: peek.query(f"SELECT COUNT(*) FROM {table}")[0][0]
        for table in (*PERSONAL_TABLES, "handled_updates")
    }


NOTHING = dict.fromkeys((*PERSONAL_TABLES, "handled_updates"), 0)
"""`counts(peek)` of a database where nothing about anyone was ever stored."""


def about_people(peek: Peek) -> dict[str, int]:
    """`counts` without the delivery ids, which say nothing about anyone and outlive erasure."""
    return {table: count for table, count in counts(peek).items() if table in PERSONAL_TABLES}


NO_ONE = dict.fromkeys(PERSONAL_TABLES, 0)
"""`about_people(peek)` once nothing about anyone is kept."""

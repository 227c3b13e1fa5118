"""The states this process last wrote or read, by response: each parsed and prompted once.

A person's next input reads back the JSON their previous turn wrote. Kept with
the state it was written from, that turn parses nothing, and finds the prompt of
the question it leaves (shown marked as answered) already computed by the turn
that asked it: a tap needs two prompts, the question left and the next one.

An entry serves only a stored text equal to its own. The state is a pure
function of that text, and a prompt of the state, the flow and the language, so
nothing here can disagree with the database: another instance's write, a
restart, anything not known, is simply parsed and computed again. Erasing a
person forgets their entry at once (`forget`): it holds their answers.
`tests/conversation/test_known_states.py` checks that a state read back from its
JSON is the one written, to the type of every value, along random answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from conversation.memory import Recent
from flows import Flow, Prompt, ResponseState, prompt

KEPT_FOR: Final = timedelta(minutes=5)
"""Long enough for a person thinking over a question; a longer pause parses once more."""
KEPT: Final = 1_024
"""Responses remembered at most, some 2 to 15 KB each (a state, its JSON, its prompt):
more than the people of the largest workshop answering at once."""


@dataclass(slots=True)
class _Known:
    text: str
    state: ResponseState
    prompts: list[tuple[Flow, str, Prompt | None]] = field(default_factory=list)
    """Computed for `state`, by flow (compared by identity) and language."""


class KnownStates:
    """The last state of each response this process wrote or read, with its prompts."""

    def __init__(self, window: timedelta = KEPT_FOR, kept: int = KEPT) -> None:
        self._known: Recent[int, _Known] = Recent(window, kept)

    def parse(self, response_id: int, text: str, now: datetime) -> ResponseState:
        """The state stored as `text`: the one known if the text is the same, else parsed."""
        known = self._known.get(response_id, now)
        if known is not None and known.text == text:
            return known.state
        state = ResponseState.model_validate_json(text)
        self._known.put(response_id, _Known(text, state), now)
        return state

    def wrote(self, response_id: int, text: str, state: ResponseState, now: datetime) -> None:
        """`state` was just stored as `text` (its `model_dump_json()`)."""
        self._known.put(response_id, _Known(text, state), now)

    def __len__(self) -> int:
        """How many responses are held."""
        return len(self._known)

    def forget(self, response_id: int, now: datetime) -> None:
        """The response is being erased: its answers leave memory too."""
        self._known.pop(response_id, now)

    def prompt(
        self, response_id: int, flow: Flow, state: ResponseState, lang: str, now: datetime
    ) -> Prompt | None:
        """`flows.prompt(flow, state, lang)`, computed once for a state known here."""
        known = self._known.get(response_id, now)
        if known is None or known.state is not state:
            return prompt(flow, state, lang)  # rebased, or not the response's stored state
        for made_for, made_in, shown in known.prompts:
            if made_for is flow and made_in == lang:
                return shown
        shown = prompt(flow, state, lang)
        known.prompts.append((flow, lang, shown))
        return shown

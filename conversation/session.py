"""A respondent's session, loaded once per event: who they are, their response, its state.

One read brings the respondent, their latest response to the flow and whether
the event's delivery id was already applied. The engine's state is parsed
once, and carried onto the flow's current version when the response was
saved under an older one (`outdated`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from conversation.events import Person
from flows import Flow, ResponseState, rebase
from storage import Respondent, Response, ResponseStatus, SessionRecord

log = logging.getLogger(__name__)


def language_for(flow: Flow, code: str | None) -> str:
    """The language a channel suggests ("en-GB" -> "en") when the flow has it, else its default."""
    if code:
        short = code.split("-")[0].lower()
        if short in flow.languages:
            return short
    return flow.language


@dataclass
class Session:
    """One respondent as loaded for one event; the service updates it as it writes."""

    person: Person
    respondent: Respondent | None
    response: Response | None
    state: ResponseState | None
    lang: str
    outdated: bool = False
    """The response was saved under another version of the flow. An unfinished one is
    carried over (`state` is rebased); a completed one is kept as it was given."""

    @property
    def finished(self) -> bool:
        """The response is complete (changing an answer afterwards keeps it so)."""
        return self.response is not None and self.response.status == ResponseStatus.COMPLETED

    @property
    def changing_an_answer(self) -> bool:
        """Complete, and back at a question to change its answer ("Modifier"); never one kept
        as given under another version, which is only shown."""
        unfinished = self.state is not None and not self.state.finished
        return self.finished and unfinished and not self.kept_as_given

    @property
    def resumable(self) -> bool:
        """There is a response to go on with: unfinished, or closed as abandoned."""
        return self.response is not None and not self.finished

    def needs_consent(self, flow: Flow) -> bool:
        """An unfinished response agreed under another notice (or none): ask again first."""
        return (
            flow.consent_version is not None
            and self.resumable
            and self.response is not None
            and self.response.consent_version != flow.consent_version
        )

    @property
    def kept_as_given(self) -> bool:
        """Completed under another version of the flow: shown, never changed."""
        return self.finished and self.outdated

    def replace_response(self, response: Response | None, state: ResponseState | None) -> None:
        """After a write: the stored response and the state it holds now."""
        self.response = response
        self.state = state
        self.outdated = False


_CARRIED_BACK: set[tuple[str, int, int]] = set()
"""(flow, from version, to version) already said in this process's log."""


def _say_carried_back(flow: Flow, newer: int) -> None:
    """Moving a response back to an older version is allowed (a file put back as it was),
    but it is also what an instance left running an old file does, in turn with one on the
    new file: then each input undoes the other's move and no one gets past their
    question. Said once per process, for the organiser to see in the log."""
    if (flow.id, newer, flow.version) in _CARRIED_BACK:
        return
    _CARRIED_BACK.add((flow.id, newer, flow.version))
    log.warning(
        "a response to %s saved under its version %d was carried back to version %d, the "
        "one this instance runs: if another instance runs the newer file, restart every "
        "instance with the same flow files, or respondents are moved back and forth",
        flow.id,
        newer,
        flow.version,
    )


def _parse(_response_id: int, text: str) -> ResponseState:
    return ResponseState.model_validate_json(text)


def open_session(
    flow: Flow,
    person: Person,
    record: SessionRecord,
    parse: Callable[[int, str], ResponseState] = _parse,
    before: Flow | None = None,
) -> Session:
    """The session for `person` from what the store read; the state parsed once, by `parse`
    (given the response's id and stored JSON: the service's may know it already). `before`:
    the version an unfinished response was saved under, when another, as stored: an answer
    whose question changed meaning since (a scale's range) is then asked again (`rebase`)."""
    response = record.response
    state = None
    outdated = False
    if response is not None:
        state = parse(response.id, response.state_json)
        outdated = response.flow_version != flow.version
        if outdated and response.status != ResponseStatus.COMPLETED:
            if response.flow_version > flow.version:
                _say_carried_back(flow, response.flow_version)
            state = rebase(flow, state, before)
    lang = language_for(flow, person.language_hint)
    if record.respondent is not None and record.respondent.language in flow.languages:
        lang = record.respondent.language
    if response is not None and response.language in flow.languages:
        lang = response.language
    return Session(person, record.respondent, response, state, lang, outdated)

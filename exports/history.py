"""The versions of a flow an export describes: the current file and the older versions kept.

The bot stores each flow version the first time it runs it (`storage.FlowVersion`,
see `conversation.versions`). An export reads them through its snapshot, so
answers given on an older version keep what that version said: a choice
removed since keeps its label, a question removed since keeps its text, kind
and conditions. The current file always wins where both say something; among
older versions, the newest.

A stored version this surveybot cannot read (written by a newer one with a new
kind of question, say) is passed over with a warning: its answers are then
exported as stored, as they were before versions were kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from pydantic import ValidationError

from flows import Choice, Flow, Kind, Step, answer_labels, choice_labels
from storage import FlowVersion, Snapshot

log = logging.getLogger(__name__)

OTHER = "other"


@dataclass(frozen=True)
class LeftOut:
    """What one version of a multiple choice does not offer (`except_chosen_in` in the flow).

    The codes answered to `named` are not offered, among `codes`: the choices
    `named` can give too, less "Other" and the exclusive ones, which are always
    offered. The engine's rule (`flows.offers`), read from the answers that
    count: a stored answer to `named` is one to a question shown.
    """

    named: str
    codes: frozenset[str]

    def never_offered(self, answer: object) -> tuple[str, ...]:
        """The codes a response answering `answer` to `named` was not offered."""
        if answer is None:
            return ()
        given = answer if isinstance(answer, list) else [answer]
        return tuple(code for code in given if isinstance(code, str) and code in self.codes)


@dataclass(frozen=True)
class FlowHistory:
    """One flow as the export sees it: the current file, then older versions, newest first."""

    current: Flow
    older: tuple[Flow, ...] = ()

    @property
    def flows(self) -> tuple[Flow, ...]:
        return (self.current, *self.older)

    @cached_property
    def _owners(self) -> dict[str, tuple[Flow, Step]]:
        owners: dict[str, tuple[Flow, Step]] = {}
        for flow in self.flows:
            for step in flow.steps():
                if step.type != Kind.INFO:
                    owners.setdefault(step.id, (flow, step))
        return owners

    def find(self, question_id: str) -> tuple[Flow, Step] | None:
        """The newest version asking `question_id`, with its step; None if none does."""
        return self._owners.get(question_id)

    def question_ids(self) -> list[str]:
        """Every question of every version: the current file's in order, then older ones."""
        return list(self._owners)

    def pairs(self, question_id: str, lang: str) -> list[tuple[str, str]]:
        """(code, label) of every answer any version offered, the current file's first."""
        merged: dict[str, str] = {}
        for flow in self.flows:
            try:
                step = flow.step(question_id)
            except KeyError:
                continue
            for code, label in answer_labels(flow, step, lang):
                merged.setdefault(code, label)
        return list(merged.items())

    def older_codes(self, question_id: str, lang: str) -> list[str]:
        """Codes only older versions offered for `question_id` (choices removed since)."""
        current = {code for code, _ in self._current_pairs(question_id, lang)}
        return [code for code, _ in self.pairs(question_id, lang) if code not in current]

    def _current_pairs(self, question_id: str, lang: str) -> list[tuple[str, str]]:
        try:
            step = self.current.step(question_id)
        except KeyError:
            return []
        return answer_labels(self.current, step, lang)

    @cached_property
    def left_out(self) -> dict[str, dict[int, LeftOut]]:
        """Question id -> flow version -> what it leaves out, for the questions whose
        version says `except_chosen_in`; other questions (and versions) have none."""
        rules: dict[str, dict[int, LeftOut]] = {}
        for flow in self.flows:
            for step in flow.steps():
                named = getattr(step, "except_chosen_in", None)
                if named is None or step.type != Kind.MULTIPLE_CHOICE:
                    continue  # a single choice has no 0/1 columns: no cell to leave empty
                choices: list[Choice] = getattr(step, "choices", [])
                codes = frozenset(c.code for c in choices if not c.exclusive and c.code != OTHER)
                # Only codes the earlier question can give: the others are always offered.
                codes &= frozenset(c.code for c in _choices(flow, named)) or codes
                rules.setdefault(step.id, {}).setdefault(flow.version, LeftOut(named, codes))
        return rules

    @cached_property
    def offered(self) -> dict[str, dict[int, frozenset[str]]]:
        """Question id -> flow version -> the codes it offered, for the choice questions
        whose versions held do not all offer the same codes (a choice added or removed).

        Empty when one version is held, the common case: an export then looks at nothing.
        """
        if not self.older:
            return {}
        by_question: dict[str, dict[int, frozenset[str]]] = {}
        for flow in self.flows:
            for step in flow.steps():
                codes = frozenset(code for code, _ in choice_labels(flow, step, flow.language))
                if codes:  # a version asking it with no choices (a kind changed) says nothing
                    by_question.setdefault(step.id, {}).setdefault(flow.version, codes)
        differing = {q: v for q, v in by_question.items() if len(set(v.values())) > 1}
        return differing

    def not_offering(self, question_id: str, code: str) -> list[int]:
        """The versions held that asked `question_id` without offering `code`, oldest first;
        none when every version held offers the same codes."""
        by_version = self.offered.get(question_id, {})
        return sorted(v for v, codes in by_version.items() if code not in codes)

    def not_offered(
        self, codes: Mapping[str, Iterable[str]]
    ) -> dict[str, dict[int, tuple[str, ...]]]:
        """Question id -> flow version -> which of `codes` (a question's 0/1 columns) that
        version did not offer, worked out once per export: an answer given on that version
        (the response's, or an older one its answer was kept from) was never shown them.
        Only questions and versions with some."""
        missing: dict[str, dict[int, tuple[str, ...]]] = {}
        for question_id, by_version in self.offered.items():
            columns = list(codes.get(question_id, ()))
            for version, offered in by_version.items():
                gone = tuple(code for code in columns if code not in offered)
                if gone:
                    missing.setdefault(question_id, {})[version] = gone
        return missing

    def asking_versions(self, question_id: str) -> list[int]:
        """The versions held (the current file and those kept) that ask `question_id`."""
        return [flow.version for flow in self.flows if _asks(flow, question_id)]

    @cached_property
    def personal_ids(self) -> frozenset[str]:
        """Questions any version marks `personal: true`: marked once, always left out unless asked."""
        return frozenset(step.id for flow in self.flows for step in flow.steps() if step.personal)


def _choices(flow: Flow, question_id: str) -> list[Choice]:
    try:
        step = flow.step(question_id)
    except KeyError:
        return []
    choices: list[Choice] = getattr(step, "choices", [])
    return choices


def _asks(flow: Flow, question_id: str) -> bool:
    try:
        flow.step(question_id)
    except KeyError:
        return False
    return True


def load_history(flow: Flow, snapshot: Snapshot) -> FlowHistory:
    """`flow` with the other versions of it the database keeps, newest first."""
    return history_of(flow, snapshot.flow_versions(flow.id))


def history_of(flow: Flow, stored: Sequence[FlowVersion]) -> FlowHistory:
    """`flow` with the other versions among `stored` (oldest first, as the store lists
    them), newest first."""
    older: list[Flow] = []
    for kept in reversed(stored):
        if kept.version == flow.version:
            continue
        try:
            older.append(Flow.model_validate_json(kept.content))
        except (ValidationError, ValueError) as error:
            log.warning(
                "flow %s version %d, as stored, cannot be read by this surveybot (%s): its "
                "answers are exported as stored",
                flow.id,
                kept.version,
                str(error).splitlines()[0],
            )
    return FlowHistory(flow, tuple(older))

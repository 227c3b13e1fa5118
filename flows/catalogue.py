"""Several questionnaires in one bot: one flow per audience, and the entries that pick one.

An organiser with one flow file changes nothing: the catalogue holds that flow
and every respondent gets it. With several (a questionnaire for companies, one
for the territory's actors), a respondent is asked "you are answering for:"
unless what brought them already says: the audience code at the end of their
invitation link (`pithiviers__territoire`, an *entry*), or a stage tied to one
flow in the stages file (`flow:`), or a response they already started.

An entry is a stage code, `__`, and an audience code; either part may be
missing (`__territoire` names an audience and no workshop). It travels in
Telegram's start payload (at most 64 of `A-Za-z0-9_-`), in web addresses and
in button data, so it is built by `entry` and read by `split_entry` (and by
`find_stage`, which first tries the whole as a stage's code: one may hold `__`).

A stage's `flow:` must name a flow the bot runs, one or several
(`stage_flow_problems`, located in the stages file): otherwise its link would
quietly give another questionnaire.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeGuard

import yaml

from flows.errors import FlowFileError, Problem
from flows.locations import where
from flows.model import Flow
from flows.stages import STAGE_CODE, StageDef, find_stage, is_stage_code, stage_digest, stage_ref
from flows.tokens import ID_PATTERN, MAX_ID_BYTES
from flows.yamlfile import PlainLoader, read_text

SEPARATOR: Final = "__"
AUDIENCE_CODE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{0,15}")
"""An audience code as a link carries it (a flow's `audience.code`, in any case)."""
# An entry in button data stays within what a stage reference takes alone (see stage_ref).
_ENTRY_BYTES: Final = 40


@dataclass(frozen=True)
class Catalogue:
    """The flows one bot runs, the first being the default."""

    flows: tuple[Flow, ...]

    def __post_init__(self) -> None:
        if not self.flows:
            raise ValueError("a catalogue needs at least one flow")

    @classmethod
    def of(cls, flows: Flow | Catalogue | Iterable[Flow]) -> Catalogue:
        """A catalogue from one flow, several, or a catalogue already made."""
        if isinstance(flows, Catalogue):
            return flows
        if isinstance(flows, Flow):
            return cls((flows,))
        return cls(tuple(flows))

    @property
    def default(self) -> Flow:
        return self.flows[0]

    @property
    def several(self) -> bool:
        """Whether respondents must be asked which questionnaire is theirs."""
        return len(self.flows) > 1

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(flow.id for flow in self.flows)

    def by_id(self, flow_id: str | None) -> Flow | None:
        return next((flow for flow in self.flows if flow.id == flow_id), None)

    def by_audience(self, code: str | None) -> Flow | None:
        if not code:
            return None
        folded = code.lower()
        return next(
            (f for f in self.flows if f.audience is not None and f.audience.code == folded), None
        )

    def audience_code(self, flow: Flow) -> str:
        """What an entry adds for `flow`: its audience code when there is a choice, else ''."""
        if not self.several or flow.audience is None:
            return ""
        return flow.audience.code

    def audience_not_run(self, entry_text: str | None, stages: Sequence[StageDef]) -> str | None:
        """The audience an entry names (`pithiviers__territoire`) that the only flow running is
        not for: its respondents get that flow, which the operator should hear of. None with
        several flows (the person is asked which is theirs), or when the entry names none."""
        if self.several or not entry_text or is_stage_code(stages, entry_text):
            return None
        stage, audience = split_entry(entry_text)
        own = self.default.audience
        if audience is None or (own is not None and own.code == audience.lower()):
            return None
        # A workshop of the file and an audience as `links` writes them: not any words typed
        # after /start, which would fill the log and tell the operator to change a setting.
        known = find_stage(stages, stage) is not None and SEPARATOR not in stage
        return audience if known and AUDIENCE_CODE.fullmatch(audience) else None

    def chosen_by(self, entry_text: str | None, stages: Sequence[StageDef]) -> Flow | None:
        """The flow an entry decides: its audience, its stage's `flow:`, or the only one."""
        if not self.several:
            return self.default
        _, audience = split_entry(entry_text)
        flow = self.by_audience(audience)
        if flow is not None:
            return flow
        stage = find_stage(stages, entry_text)
        if stage is not None and stage.flow is not None:
            return self.by_id(stage.flow)
        return None


def stages_for(stages: Sequence[StageDef], flow: Flow | None) -> list[StageDef]:
    """The stages a list offers someone answering `flow`: those tied to it or to none in
    particular (another's would be the other questionnaire's workshop); all without a flow."""
    if flow is None:
        return list(stages)
    return [stage for stage in stages if stage.flow in (None, flow.id)]


def split_entry(text: str | None) -> tuple[str, str | None]:
    """("pithiviers", "territoire") from "pithiviers__territoire"; (text, None) without `__`."""
    if not text or SEPARATOR not in text:
        return text or "", None
    stage, audience = text.rsplit(SEPARATOR, 1)
    return stage, audience or None


def entry(stage: StageDef | None, audience: str = "") -> str:
    """The entry for a link or a button: the stage's code (or reference) and the audience.

    In button data it must stay short: a long stage code is replaced by its digest
    (`stage_ref`), which `find_stage` reads as well.
    """
    if not audience:
        return stage_ref(stage) if stage else ""
    code = stage.code if stage else ""
    if stage is not None and len(f"{code}{SEPARATOR}{audience}".encode()) > _ENTRY_BYTES:
        code = stage_digest(stage)
    return f"{code}{SEPARATOR}{audience}"


def link_payload(stage: StageDef | None, audience: str = "") -> str:
    """The start payload of an invitation link: the full stage code, then the audience.

    Raises ValueError when it would not fit Telegram's 64 characters.
    """
    code = stage.code if stage else ""
    payload = f"{code}{SEPARATOR}{audience}" if audience else code
    if not STAGE_CODE.fullmatch(payload):
        raise ValueError(
            f"the link {payload!r} (stage {code!r}, audience {audience!r}) is longer than "
            "Telegram's 64 characters: shorten the stage code or the audience code"
        )
    return payload


def catalogue_problems(flows: Sequence[Flow]) -> list[str]:
    """What keeps these flows from running together, each as a sentence; [] when they can.

    What a stage does not allow with them is `stage_link_problems`' and a stage naming
    a flow that is not among them `stage_flow_problems`': located in the stages file.
    """
    if len(flows) < 2:
        return []
    problems: list[str] = []
    seen_ids: set[str] = set()
    seen_codes: dict[str, str] = {}
    for flow in flows:
        if flow.id in seen_ids:
            problems.append(f"flow id {flow.id!r} is given twice: each flow needs its own id")
        seen_ids.add(flow.id)
        if flow.audience is None:
            problems.append(
                f"flow {flow.id!r} has no 'audience:' (a code and a label): with several "
                "flows, respondents pick theirs by it"
            )
            continue
        other = seen_codes.setdefault(flow.audience.code, flow.id)
        if other != flow.id:
            problems.append(
                f"flows {other!r} and {flow.id!r} have the same audience code "
                f"{flow.audience.code!r}: give each its own"
            )
    return problems


def stage_link_problems(stages_file: str | Path, flows: Sequence[Flow]) -> list[Problem]:
    """What keeps a stage of `stages_file` from its links when the bot runs these `flows`,
    each at the line of the stage's code: a code that makes a link per audience
    (`<code>__<audience>`) longer than Telegram's 64 characters, or that holds `__`.

    A stage tied to one flow (`flow:`) has one link, its code alone, so no audience makes
    it longer. Read from the file as written, as `stage_flow_problems`; [] for a file that
    is no stages file. With one flow, a code holding `__` is a warning: its links work
    until a second questionnaire is added, and then read as a workshop and an audience.
    """
    several = len(flows) >= 2
    audiences = [flow.audience.code for flow in flows if flow.audience is not None]
    root = node_tree(stages_file)
    items = _value(root, "stages")
    if not isinstance(items, yaml.SequenceNode):
        return []
    problems: list[Problem] = []
    for item in items.value:
        code = _value(item, "code")
        if not isinstance(code, yaml.ScalarNode) or not STAGE_CODE.fullmatch(code.value):
            continue  # the file's own problem, said by its loading
        line = code.start_mark.line + 1
        tied = _is_flow_id(_value(item, "flow"))
        for audience in [] if tied or not several else audiences:
            if len(f"{code.value}{SEPARATOR}{audience}") > 64:
                problems.append(
                    Problem(
                        str(stages_file),
                        line,
                        f"stage {code.value!r} with audience {audience!r} makes a link longer "
                        "than Telegram's 64 characters: shorten the stage code or the "
                        "audience code",
                    )
                )
        if SEPARATOR in code.value:
            later = "" if several else " once a second questionnaire runs"
            problems.append(
                Problem(
                    str(stages_file),
                    line,
                    f"stage code {code.value!r} contains '{SEPARATOR}', which separates the "
                    f"workshop from the audience in links{later}: rename the stage "
                    f"({code.value.replace(SEPARATOR, '_')!r}, say)",
                    warning=not several,
                )
            )
    return problems


def stage_flow_problems(
    stages_file: str | Path, flows: Sequence[Flow | str | Path], *, configured: bool = False
) -> list[Problem]:
    """Each stage whose `flow:` names none of `flows`, located in `stages_file`.

    With one flow as with several: a respondent from that stage's link would
    quietly get another questionnaire than the stages file says. Read from the
    file as it is written, so that the stages of a file with other problems (a
    code with a space, a date that does not exist) are checked too, and one run
    says everything. A `flow:` that is no flow id at all is the file's own problem,
    reported by its loading; [] for a file that is no stages file or is not YAML.

    A flow file that did not load is given by its path: the `id:` written at its
    top counts (a stages file among them is passed over). If it has none that
    reads as a flow id, no stage can be said to name an unknown flow: [].
    `configured`: the flows are the settings' (a stages file checked alone), which
    the message says, since the author's own flow file may simply not be given.
    A `flow:` holding the audience code of one of `flows` (`territoire`, as the links
    end in `__territoire`) is told which id it means and what to write.
    """
    ids = [_flow_id(flow) for flow in flows]
    audiences = {
        flow.audience.code: flow.id
        for flow in flows
        if isinstance(flow, Flow) and flow.audience is not None
    }
    if None in ids:
        return []
    known = [flow_id for flow_id in ids if flow_id]
    root = node_tree(stages_file)
    items = _value(root, "stages")
    if not isinstance(items, yaml.SequenceNode):
        return []
    problems: list[Problem] = []
    for index, item in enumerate(items.value):
        flow = _value(item, "flow")
        if not _is_flow_id(flow) or flow.value in known:
            continue
        meant = audiences.get(flow.value.lower())
        if meant is not None:
            told = f"'{flow.value}' is the audience of {meant}: write flow: {meant}"
        else:
            told = f"the flows are: {', '.join(known)} " + (
                _CONFIGURED if configured else "(give one of their ids, or leave 'flow:' out)"
            )
        problems.append(
            Problem(
                str(stages_file),
                flow.start_mark.line + 1,
                f"unknown flow '{flow.value}'; {told}",
                where(root, ("stages", index)),
            )
        )
    return problems


_CONFIGURED = (
    "(the configured ones: give your flow file too, surveybot validate FLOW.yaml "
    "STAGES.yaml, or set SURVEYBOT_FLOW or SURVEYBOT_FLOWS)"
)


def _flow_id(flow: Flow | str | Path) -> str | None:
    """A flow's id; for a file, the `id:` written at its top, '' for a stages file, or None."""
    if isinstance(flow, Flow):
        return flow.id
    root = node_tree(flow)
    if _value(root, "stages") is not None:
        return ""
    written = _value(root, "id")
    return written.value if _is_flow_id(written) else None


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value of `key` in a mapping node (the last one, as YAML keeps); None if absent."""
    if not isinstance(node, yaml.MappingNode):
        return None
    found = [value for name, value in node.value if name.value == key]
    return found[-1] if found else None


def _is_flow_id(node: yaml.Node | None) -> TypeGuard[yaml.ScalarNode]:
    """A text node holding a flow id (a quoted or plain string, not a number or a boolean)."""
    return (
        isinstance(node, yaml.ScalarNode)
        and node.tag == STR_TAG
        and FLOW_ID.fullmatch(node.value) is not None
        and len(node.value.encode()) <= MAX_ID_BYTES
    )


FLOW_ID: Final = re.compile(ID_PATTERN)
STR_TAG: Final = "tag:yaml.org,2002:str"


def node_tree(path: str | Path) -> yaml.Node | None:
    """The file's YAML nodes, which know their lines; None if it cannot be read."""
    try:
        loader = PlainLoader(read_text(path), str(path))
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except (FlowFileError, yaml.YAMLError):
        return None  # its loading says why

"""Flows: the questionnaire format, its loader and validator, and the pure engine."""

from flows.catalogue import (
    Catalogue,
    catalogue_problems,
    entry,
    link_payload,
    split_entry,
    stage_flow_problems,
)
from flows.engine import (
    Outcome,
    acknowledge,
    answer,
    answer_text,
    back,
    choose,
    confirm,
    revise,
    skip,
    start,
    toggle,
)
from flows.errors import FlowError, FlowFileError, Problem
from flows.limits import MESSAGE_LIMIT, fitting_prefix, shown_length, split_blocks
from flows.loader import bundled_path, load_flow, load_stages, validate_file
from flows.model import Choice, Flow, Kind, Section, Step
from flows.notice import template_marks
from flows.piping import french_de, unpiped
from flows.prompts import Prompt, pipe, prompt, summary
from flows.stages import STAGE_CODE, StageDef, StagesFile, find_stage, format_day, stage_ref
from flows.state import (
    ResponseState,
    effective_answers,
    first_open,
    other_texts,
    rebase,
    visible_steps,
)
from flows.values import (
    AnswerValue,
    answer_labels,
    choice_labels,
    clip,
    display_value,
    format_number,
)

__all__ = [
    "MESSAGE_LIMIT",
    "STAGE_CODE",
    "AnswerValue",
    "Catalogue",
    "Choice",
    "Flow",
    "FlowError",
    "FlowFileError",
    "Kind",
    "Outcome",
    "Problem",
    "Prompt",
    "ResponseState",
    "Section",
    "StageDef",
    "StagesFile",
    "Step",
    "acknowledge",
    "answer",
    "answer_labels",
    "answer_text",
    "back",
    "bundled_path",
    "catalogue_problems",
    "choice_labels",
    "choose",
    "clip",
    "confirm",
    "display_value",
    "effective_answers",
    "entry",
    "find_stage",
    "first_open",
    "fitting_prefix",
    "format_day",
    "format_number",
    "french_de",
    "link_payload",
    "load_flow",
    "load_stages",
    "other_texts",
    "pipe",
    "prompt",
    "rebase",
    "revise",
    "shown_length",
    "skip",
    "split_blocks",
    "split_entry",
    "stage_flow_problems",
    "stage_ref",
    "start",
    "summary",
    "template_marks",
    "toggle",
    "unpiped",
    "validate_file",
    "visible_steps",
]

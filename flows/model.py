"""The flow model: what a questionnaire file may say, as frozen pydantic models.

A flow is sections of steps. Every user-facing string is a `Text`: either a
plain string in the flow's default language, or a mapping of language codes to
strings. Cross-references (unique ids, conditions, piping, translations) are
checked by `flows.checks`, which has the whole flow in view.
"""

from __future__ import annotations

import functools
import hashlib
import re
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from flows.list_codes import LIST_CODE_PATTERN, LIST_NAME_PATTERN, ListCode, code_key
from flows.ranges import ChoiceRange
from flows.schema_notes import describe
from flows.tokens import Code, Id

# A flow's version is stored with every response, as an INTEGER column: 32 bits on
# PostgreSQL (64 on SQLite), so the smaller bound holds on both.
MAX_VERSION = 2**31 - 1


Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
Text = str | dict[Language, str]
Scalar = str | int | float
AnswerValue = Scalar | list[str]  # a choice's code, a number, a text; ticks or ranks


class Kind(StrEnum):
    """The kinds of step a flow can hold."""

    INFO = "info"
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    YES_NO = "yes_no"
    EMAIL = "email"
    RANKING = "ranking"
    CODE = "code"


class Frozen(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, json_schema_extra=describe
    )


# --- conditions ---------------------------------------------------------------


class Compare(Frozen):
    """True when the answer to `question` equals a value, or is one of `in`.

    For a multiple-choice or ranking question, true when any selected code matches.
    `answered: true` is true when the question was answered (not skipped, not hidden).
    """

    question: Id
    equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    answered: bool | None = None
    min: float | None = Field(default=None, allow_inf_nan=False)  # .inf, 1e400, .nan: refused
    max: float | None = Field(default=None, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_test(self) -> Compare:
        tests = [t for t in (self.equals, self.in_, self.answered) if t is not None]
        ranged = self.min is not None or self.max is not None
        if len(tests) + int(ranged) != 1:
            raise ValueError(
                "a condition on a question needs exactly one of 'equals', 'in', "
                "'answered', or 'min'/'max'"
            )
        return self


class Not(Frozen):
    not_: Condition = Field(alias="not")


class All(Frozen):
    all: list[Condition] = Field(min_length=1)


class AnyOf(Frozen):
    any: list[Condition] = Field(min_length=1)


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "compare"
    if isinstance(value, BaseModel):
        return {Not: "not", All: "all", AnyOf: "any"}.get(type(value), "compare")
    return None


Condition = Annotated[
    Annotated[Compare, Tag("compare")]
    | Annotated[Not, Tag("not")]
    | Annotated[All, Tag("all")]
    | Annotated[AnyOf, Tag("any")],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message=(
            "a condition is a mapping: {question: ID, equals: VALUE}, "
            "{question: ID, in: [...]}, {not: ...}, {all: [...]} or {any: [...]}"
        ),
    ),
]


# --- steps --------------------------------------------------------------------


class Choice(Frozen):
    code: Code
    label: Text
    exclusive: bool = False
    """In a multiple choice, selecting it clears the others (e.g. "None of these")."""
    range: ChoiceRange | None = Field(default=None, exclude=True)
    """In a single choice, the whole numbers a typed count is read as (`flows.values`).

    Left out of the model's dump, hence of the content a flow version is stored
    and compared by (`conversation.versions`): it says how a typed "12" is read,
    not what is asked or stored (the code), so adding one asks for no new version.
    """

    def holds(self, number: int) -> bool:
        """`number` is within this choice's range (never, without one)."""
        if self.range is None:
            return False
        low, high = self.range
        return low <= number and (high is None or number <= high)


class _Step(Frozen):
    id: Id
    text: Text
    help: Text | None = None
    required: bool = True
    show_if: Condition | None = None
    personal: bool = False
    """The answer can identify someone (a name, an e-mail): exports leave it out unless asked."""


class InfoStep(_Step):
    type: Literal[Kind.INFO]
    required: bool = False


class TextStep(_Step):
    type: Literal[Kind.TEXT, Kind.LONG_TEXT]
    min_length: int = Field(default=1, ge=1)
    max_length: int | None = Field(default=None, ge=1, le=4000)
    placeholder: Text | None = None

    @property
    def limit(self) -> int:
        if self.max_length is not None:
            return self.max_length
        return 2000 if self.type == Kind.LONG_TEXT else 200

    @model_validator(mode="after")
    def _lengths(self) -> TextStep:
        if self.min_length > self.limit:
            # No text could be both long enough and short enough.
            raise ValueError(
                f"min_length ({self.min_length}) is greater than the longest answer "
                f"taken ({self.limit})"
            )
        return self


class NumberStep(_Step):
    type: Literal[Kind.NUMBER]
    integer: bool = True
    # Not .nan or .inf: no answer compares with them, so nothing could be answered.
    min: float | None = Field(default=None, allow_inf_nan=False)
    max: float | None = Field(default=None, allow_inf_nan=False)
    unit: Text | None = None

    @model_validator(mode="after")
    def _bounds(self) -> NumberStep:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is greater than max ({self.max:g})")
        return self

    @property
    def asks_a_year(self) -> bool:
        """Whole numbers bounded like years (`min` from 1000, `max` from 1900 to 2100): a
        count or an amount rarely is, so refusals and checks can speak of a year."""
        return (
            self.integer
            and self.min is not None
            and self.min >= 1000
            and self.max is not None
            and 1900 <= self.max <= 2100
        )


class _ChoiceStep(_Step):
    choices: list[Choice] = Field(min_length=2)
    other: bool = False
    """Adds an "Other, please specify" choice whose free text is asked next."""
    other_label: Text | None = None
    columns: int | None = Field(default=None, ge=1, le=4)
    """Buttons per row on a phone; chosen from the label lengths when absent."""
    except_chosen_in: Id | None = None
    """An earlier choice question whose answer is not offered again here (`flows.offers`)."""


class SingleChoiceStep(_ChoiceStep):
    type: Literal[Kind.SINGLE_CHOICE]


class MultipleChoiceStep(_ChoiceStep):
    type: Literal[Kind.MULTIPLE_CHOICE]
    min_selected: int | None = Field(default=None, ge=1)
    max_selected: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> MultipleChoiceStep:
        lo, hi = self.min_selected, self.max_selected
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"min_selected ({lo}) is greater than max_selected ({hi})")
        if hi is not None and hi > len(self.choices) + int(self.other):
            raise ValueError(f"max_selected ({hi}) is more than the number of choices")
        return self


class ScaleStep(_Step):
    type: Literal[Kind.SCALE]
    min: int = Field(default=1, ge=0, le=1)
    max: int = Field(default=5, ge=2, le=10)
    min_label: Text | None = None
    max_label: Text | None = None
    dont_know: bool = False


class YesNoStep(_Step):
    type: Literal[Kind.YES_NO]
    dont_know: bool = False


class EmailStep(_Step):
    type: Literal[Kind.EMAIL]


class RankingStep(_Step):
    type: Literal[Kind.RANKING]
    choices: list[Choice] = Field(min_length=2)
    top: int | None = Field(default=None, ge=1)
    """Rank only the first `top` items; all of them when absent."""

    @model_validator(mode="after")
    def _top(self) -> RankingStep:
        if self.top is not None and self.top > len(self.choices):
            raise ValueError(f"top ({self.top}) is more than the number of choices")
        return self

    @property
    def needed(self) -> int:
        return self.top or len(self.choices)


class CodeStep(_Step):
    """A code typed from a closed list (a French département: 45, 2A), read back by name.

    In the file, `codes` is a mapping of code to name, or the name of a list file
    (`departements`): the loader puts the list's mapping in its place, so the
    model always holds the mapping.
    """

    type: Literal[Kind.CODE]
    codes: Annotated[
        dict[ListCode, Text],
        Field(min_length=1),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "pattern": LIST_NAME_PATTERN},
                    {
                        "type": "object",
                        "minProperties": 1,
                        "propertyNames": {"pattern": LIST_CODE_PATTERN},
                        "additionalProperties": {
                            "anyOf": [
                                {"type": "string"},
                                {"type": "object", "additionalProperties": {"type": "string"}},
                            ]
                        },
                    },
                ]
            }
        ),
    ]
    examples: list[ListCode] | None = Field(default=None, min_length=1, max_length=3)
    """Codes quoted when an answer is refused; a list file may give them, else the first two."""
    # Not the questionnaire's content (a new source needs no new version): left out of dumps.
    source: str | None = Field(default=None, min_length=1, exclude=True)
    """Where the list comes from, which the codebook says; a list file's `source` by default."""

    @model_validator(mode="after")
    def _codes_distinct(self) -> CodeStep:
        seen: dict[str, str] = {}
        for code in self.codes:
            first = seen.setdefault(code_key(code), code)
            if first != code:
                raise ValueError(f"code '{code}' is typed like '{first}'")
        unknown = [code for code in self.examples or [] if code not in self.codes]
        if unknown:
            raise ValueError(f"examples {unknown} are not among the codes")
        return self

    @property
    def shown_examples(self) -> list[str]:
        return list(self.examples or list(self.codes)[:2])


Step = Annotated[
    InfoStep
    | TextStep
    | NumberStep
    | SingleChoiceStep
    | MultipleChoiceStep
    | ScaleStep
    | YesNoStep
    | EmailStep
    | RankingStep
    | CodeStep,
    Field(discriminator="type"),
]

ChoiceStep = SingleChoiceStep | MultipleChoiceStep | RankingStep


class Section(Frozen):
    id: Id
    title: Text
    show_if: Condition | None = None
    steps: list[Step] = Field(min_length=1)


class Audience(Frozen):
    """Who a flow is for, when one bot runs several: the answer to "you are answering for"."""

    code: Code
    """Ends an invitation link that goes straight to this flow (`pithiviers__entreprise`)."""
    label: Text
    """The button of the audience question ("Une entreprise")."""


class Flow(Frozen):
    """A whole questionnaire."""

    id: Id
    version: int = Field(ge=1, le=MAX_VERSION)
    title: Text
    language: Language = "fr"
    """The default language: plain strings are in it."""
    # Left out: the default language alone (`_languages_of_the_default`), else French.
    languages: list[Language] = Field(
        default_factory=lambda: ["fr"], min_length=1, validate_default=True
    )
    """Every Text must be given in each of these."""
    intro: Text | None = None
    consent: Text | None = None
    outro: Text | None = None
    audience: Audience | None = None
    """Needed when the bot runs several flows: how respondents pick this one."""
    sections: list[Section] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _languages_of_the_default(cls, data: Any) -> Any:
        # `language: en` alone is an English-only flow, not [fr] with English as its default.
        if isinstance(data, dict) and "languages" not in data:
            language = data.get("language")
            if isinstance(language, str) and re.fullmatch("[a-z]{2}", language):
                return {**data, "languages": [language]}
        return data

    @field_validator("languages")
    @classmethod
    def _default_language_listed(cls, languages: list[str], info: ValidationInfo) -> list[str]:
        # On the field, not the model: said with the file's other problems, not after them.
        twice = [lang for lang in dict.fromkeys(languages) if languages.count(lang) > 1]
        title = info.data.get("title")  # read before: which languages `[fr, fr]` was meant to be
        told = list(title) if isinstance(title, dict) else []
        meant, hint = list(dict.fromkeys([*languages, *told])), ""
        if len(meant) > len(set(languages)):
            hint = f" (the title is in {' and '.join(told)}: languages: [{', '.join(meant)}]?)"
        if twice:
            raise ValueError(f"{twice[0]!r} is given twice in languages: list each one once{hint}")
        language = info.data.get("language")
        if language is not None and language not in languages:
            raise ValueError(f"the default language {language!r} is not in languages {languages}")
        return languages

    def steps(self) -> list[Step]:
        return list(self._index[0])

    @cached_property
    def _index(self) -> tuple[tuple[Step, ...], dict[str, Step], dict[str, Section]]:
        # Looked up for every update: built once per (frozen) flow.
        ordered = tuple(step for section in self.sections for step in section.steps)
        by_id: dict[str, Step] = {}
        sections: dict[str, Section] = {}
        for section in self.sections:
            for step in section.steps:
                by_id.setdefault(step.id, step)
                sections.setdefault(step.id, section)
        return ordered, by_id, sections

    def section_of(self, step_id: str) -> Section:
        return self._index[2][step_id]

    def step(self, step_id: str) -> Step:
        return self._index[1][step_id]

    def text(self, text: Text, lang: str) -> str:
        """The text in `lang`, falling back to the default language."""
        if isinstance(text, str):
            return text
        return text.get(lang) or text.get(self.language) or next(iter(text.values()), "")

    @property
    def consent_version(self) -> str | None:
        """A fingerprint of the information notice: any change to it asks respondents again."""
        if self.consent is None:
            return None
        texts = {"": self.consent} if isinstance(self.consent, str) else self.consent
        return _fingerprint(tuple(sorted(texts.items())))


@functools.lru_cache(maxsize=64)
def _fingerprint(texts: tuple[tuple[str, str], ...]) -> str:
    # Read at every update: hashed once per notice (a cached property would survive
    # `model_copy(update=...)`, which copies it along with the fields).
    canonical = "\n".join(f"{lang}:{text.strip()}" for lang, text in texts)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


Not.model_rebuild()
All.model_rebuild()
AnyOf.model_rebuild()

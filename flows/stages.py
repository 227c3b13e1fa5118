"""Stages: the workshops ("villes-étapes") a response can be tagged with.

What a stage is called ("atelier", "salon", "journée portes ouvertes") is the
stages file's to say (`called:`, at its top or on one stage), for every text a
respondent reads about one; `flows.stage_nouns` speaks it.

A stage's code travels in its invitation link (a Telegram `/start` payload, a
web address), so it has one pattern, `STAGE_CODE`, used everywhere a code is
read. `find_stage` is the one way to go from what a respondent brought (a
payload, a typed code, a button's reference) to a stage; `format_day` is the
one way to write a stage's date for people.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)

from flows.model import Frozen
from flows.schema_notes import describe
from flows.tokens import ID_PATTERN, MAX_ID_BYTES, check_token

STAGE_CODE_LIMIT: Final = 64
STAGE_CODE_PATTERN: Final = rf"^[A-Za-z0-9_-]{{1,{STAGE_CODE_LIMIT}}}$"
"""What a Telegram start payload may hold: at most 64 of A-Z a-z 0-9 _ -."""
STAGE_CODE: Final = re.compile(STAGE_CODE_PATTERN)

# A stage date outside these years is a typo (or a number YAML read as a timestamp).
STAGE_YEARS = (2000, 2100)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_FORM = "YYYY-MM-DD, like 2019-06-05"
# A code longer than this travels in button data as a digest (see `stage_ref`).
_REF_BYTES: Final = 40

MONTHS: Final = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def _check_stage_date(value: object) -> object:
    """A real calendar day between 2000 and 2100; YAML gives a date, or a string when quoted."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise ValueError(f"date '{value}' has a time of day; write the day only, {_DAY_FORM}")
    if isinstance(value, str):
        text = value.strip()
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(f"date '{value}' must be written {_DAY_FORM}")
        try:
            value = dt.date.fromisoformat(text)
        except ValueError as error:
            raise ValueError(f"date '{value}' is not a real date ({error})") from None
    if not isinstance(value, dt.date):
        # An unquoted 20190605 is a number, which pydantic would read as seconds since 1970.
        raise ValueError(f"date {value!r} is not a date; write it {_DAY_FORM}")
    low, high = STAGE_YEARS
    if not low <= value.year <= high:
        raise ValueError(
            f"date {value.isoformat()} is not between {low} and {high}; check the year"
        )
    return value


def _check_city(value: object) -> object:
    """`city:` left empty reads as nothing: say what goes there, not "a valid string"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("'city' is empty: write the town of the workshop, as respondents read it")
    return value


def _check_flow_ref(value: str) -> str:
    return check_token(
        value,
        what="flow",
        pattern=ID_PATTERN,
        limit=MAX_ID_BYTES,
        shape=(
            "a flow id, as in the 'id:' at the top of a flow file: lowercase ASCII "
            "letters, digits and '_', starting with a letter"
        ),
    )


FlowRef = Annotated[
    str,
    AfterValidator(_check_flow_ref),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID_BYTES}),
]
StageDate = Annotated[dt.date, BeforeValidator(_check_stage_date)]


# A stage's name goes on a button ("Continuer sans journée portes ouvertes"): kept short.
NOUN_LIMIT: Final = 40
Noun = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NOUN_LIMIT)]


class FrenchNoun(Frozen):
    """What a stage is called in French, with what French grammar needs to say it."""

    one: Noun
    many: Noun
    gender: Literal["m", "f"]
    elision: bool | None = None
    """Whether "le"/"la" elide before it; read from its first letter when left out."""


class EnglishNoun(Frozen):
    """What a stage is called in English; `an` when "a" would be wrong."""

    one: Noun
    many: Noun
    an: bool | None = None


class OtherNoun(Frozen):
    """What a stage is called in a language surveybot's own words are not written in."""

    one: Noun
    many: Noun


def _called_schema(schema: dict[str, Any], model: type[Any]) -> None:
    describe(schema, model)
    schema["propertyNames"] = {"pattern": r"^[a-z]{2}$"}  # an editor flags "FR", "french"


class Called(Frozen):
    """What the stages are called, per language: `fr`, `en`, and others by their code."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_called_schema)
    __pydantic_extra__: dict[str, OtherNoun] = Field(init=False)

    fr: FrenchNoun | None = None
    en: EnglishNoun | None = None

    def nouns(self) -> dict[str, FrenchNoun | EnglishNoun | OtherNoun]:
        """Each language's noun that is given."""
        given = {"fr": self.fr, "en": self.en, **(self.model_extra or {})}
        return {lang: noun for lang, noun in given.items() if noun is not None}

    def over(self, other: Called | None) -> Called:
        """This one's nouns, and `other`'s in the languages this one leaves out."""
        return Called.model_validate({**(other.nouns() if other else {}), **self.nouns()})


class StageDef(Frozen):
    """One workshop ("ville-étape"): its code travels in the invitation link."""

    code: Annotated[str, Field(pattern=STAGE_CODE_PATTERN)]
    """A Telegram start payload: at most 64 of A-Z a-z 0-9 _ -."""
    city: Annotated[str, BeforeValidator(_check_city), Field(min_length=1)]
    region: str | None = None
    territory: str | None = None
    date: StageDate | None = None
    flow: FlowRef | None = None
    example: bool = False
    """Marks a made-up stage kept in the bundled file as a model for organisers."""
    called: Called | None = None
    """What this stage is called, over the file's; once loaded, the file's where it says none."""
    _file_called: Called | None = PrivateAttr(default=None)
    # The file's own nouns, set as it is loaded: a text about no stage in particular says
    # them where the stages are called differently (`flows.stage_nouns.shared_called`).

    @property
    def file_called(self) -> Called | None:
        """What the stages file calls its stages, whatever this one is called."""
        return self._file_called


class StagesFile(Frozen):
    called: Called | None = None
    stages: list[StageDef] = Field(min_length=1)

    def resolved(self) -> list[StageDef]:
        """The stages, each holding what it is called: its own nouns, else the file's.

        Stages travel alone (a `Sequence[StageDef]`), so each carries its nouns, and a
        text about one stage needs nothing else; a text about none in particular (the
        list for an unknown link) takes the noun the listed stages share, the file's
        own when they differ, else the default (`flows.stage_nouns.shared_called`).
        None: the file says nothing.
        """
        resolved = []
        for stage in self.stages:
            own = stage.called.over(self.called) if stage.called is not None else self.called
            copy = stage.model_copy(update={"called": own})
            copy._file_called = self.called
            resolved.append(copy)
        return resolved


def twin_stages(
    data: object, line: Callable[[int], int | None] = lambda index: None
) -> list[tuple[tuple[str | int, ...], str]]:
    """Each stage that reads as an earlier one in the lists respondents pick from (warned by
    `validate`, at the later stage: keeping an old code runs, but splits the answers).

    The lists say a stage's town (`city`), then its audience and date where two read the
    same (`conversation.picker_labels`); a link naming an audience lists the stages of its
    flow and of none (`flows.catalogue.stages_for`). So two stages read the same when
    their cities do (case and spaces aside), their dates (or both have none), and
    `example:`, and they are for one flow: the same `flow:`, or one without. `data` is the
    file as read, each stage checked alone; `line(index)` says where the stage at `index` is.
    """
    items = data.get("stages") if isinstance(data, dict) else None
    earlier: list[tuple[int, StageDef]] = []
    found: list[tuple[tuple[str | int, ...], str]] = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        try:
            stage = StageDef.model_validate(item)
        except ValidationError:
            continue  # the file's own problem, said by the schema's checks
        twin = next(((at, first) for at, first in earlier if _read_alike(first, stage)), None)
        earlier.append((index, stage))
        if twin is None or twin[1].code.lower() == stage.code.lower():
            continue  # a code given twice is an error of its own (`check_stage_codes`)
        said_where = f" (line {line(twin[0])})" if line(twin[0]) is not None else ""
        day = format_day(stage.date).replace("\u00a0", " ")
        shown = f"{stage.city} ({day})" if day else stage.city
        found.append(
            (
                ("stages", index),
                f"reads the same as stage '{twin[1].code}'{said_where} in the lists respondents "
                f"pick their workshop from: '{shown}' twice, for one questionnaire, and answers "
                "split between two codes with nothing telling them apart. Give one another "
                "date or another 'city' text (a venue, a district); if one is an old code kept "
                "for cards already printed, remove it: its links then open that list, where "
                'the respondent picks the other (docs/organisers.md, "Rename a stage")',
            )
        )
    return found


def _read_alike(one: StageDef, other: StageDef) -> bool:
    """Whether two stages' buttons read the same in some list: town, date, `example:`, and
    one flow (the same `flow:`, or one of them for every flow)."""
    return (
        " ".join(one.city.casefold().split()) == " ".join(other.city.casefold().split())
        and (one.date, one.example) == (other.date, other.example)
        and (one.flow is None or other.flow is None or one.flow == other.flow)
    )


def stage_ref(stage: StageDef) -> str:
    """The stage's code, or a short digest of it when it is too long for button data."""
    code = stage.code
    if len(code.encode("utf-8")) <= _REF_BYTES:
        return code
    return stage_digest(stage)


def stage_digest(stage: StageDef) -> str:
    """A short reference to any stage: '#' and 16 hexadecimal digits of its code's digest."""
    return "#" + hashlib.sha1(stage.code.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def find_stage(stages: Sequence[StageDef], key: str | None) -> StageDef | None:
    """The stage a payload, a typed code or a `stage_ref` names; None if none does.

    Codes match whatever their case: people type them from posters. An entry
    (`pithiviers__territoire`, see flows/catalogue.py) names the stage before its `__`.
    """
    if not key:
        return None
    found = _find_one(stages, key)
    if found is None and "__" in key:
        found = _find_one(stages, key.rsplit("__", 1)[0])
    return found


def is_stage_code(stages: Sequence[StageDef], key: str) -> bool:
    """Whether `key` is a stage's own code as a whole (one may hold "__" when one
    questionnaire runs), not an entry naming a stage and an audience."""
    found = _find_one(stages, key)
    return found is not None and found.code.lower() == key.lower()


def meant_stage(stages: Sequence[StageDef], typed: str) -> StageDef | None:
    """The stage `typed` likely means when it is no code: its town as written on a poster
    ("Pont-à-Mousson", "saint die") or a code a letter off ("pithivier"); None if none is.

    Organisers think in towns: `--stage Pont-à-Mousson` deserves "did you mean
    'pont-a-mousson'?", not the list of forty codes alone.
    """
    folded = _plain(typed)
    if not folded:
        return None
    for stage in stages:
        if folded in (_plain(stage.city), _plain(stage.code)):
            return stage
    codes = {_plain(stage.code): stage for stage in stages}
    close = difflib.get_close_matches(folded, list(codes), n=1, cutoff=0.85)
    return codes[close[0]] if close else None


def _plain(text: str) -> str:
    """`text` without accents, case or punctuation: "Saint-Dié" and "saint die" are alike."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "-".join(re.findall(r"[a-z0-9]+", bare.lower()))


def _find_one(stages: Sequence[StageDef], key: str) -> StageDef | None:
    if not key:
        return None
    if key.startswith("#"):
        return next((stage for stage in stages if stage_digest(stage) == key), None)
    if not STAGE_CODE.fullmatch(key):
        return None
    folded = key.lower()
    return next((stage for stage in stages if stage.code.lower() == folded), None)


def format_day(day: dt.date | None, lang: str = "fr") -> str:
    """A day as people write it: "5 juin 2019", "1er juin 2019", "5 June 2019"; '' for None.

    In French for a language without month names here (`de`), as every other word
    of the bot around it is: "Bienvenue ! … (24 mai 2025)", not "(24 May 2025)".
    """
    if day is None:
        return ""
    lang = lang if lang in MONTHS else "fr"
    months = MONTHS[lang]
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    # No-break spaces: a date is never split across two lines.
    return f"{number}\u00a0{months[day.month - 1]}\u00a0{day.year}"

"""Answer values: checking them against their step, reading typed text (`flows.readback`
shows them).

Values are plain JSON: a code (single choice, yes/no), a list of codes
(multiple choice, ranking in order), an int (scale) or "dont_know", a number,
or a string (text, e-mail).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from flows.checks import DONT_KNOW, OTHER
from flows.code_answers import code_labels, code_refusal, near_codes, read_code
from flows.messages import grouped, message
from flows.model import (
    AnswerValue,
    CodeStep,
    EmailStep,
    Flow,
    InfoStep,
    MultipleChoiceStep,
    NumberStep,
    RankingStep,
    ScaleStep,
    SingleChoiceStep,
    Step,
    TextStep,
    YesNoStep,
)
from flows.typed_text import clean_text, fold

EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[A-Za-z]{2,}$")
YES_WORDS = {"oui", "o", "yes", "y", "1"}
GOING_ON = frozenset(
    {"", "ok", "okay", "oui", "yes", "continuer", "continue", "suite", "la suite", "suivant"}
    | {"next", "go", "d'accord", "c'est parti", "allons-y", "vu", "lu"}
)
"""Words typed at an information step that mean its "Continue" button; any other text is
more likely an answer meant for the question before (a corrected year), never dropped."""
NO_WORDS = {"non", "n", "no", "2"}
_WORD = re.compile(r"[^\W\d_]+")
DONT_KNOW_WORDS = {"nsp", "ne sait pas", "je ne sais pas", "?", "dont know", "don't know", "dk"}
# Longer "numbers" are pasted junk; int() would even raise beyond 4300 digits.
MAX_NUMBER_CHARS = 30
"""The longest number read: "1 234 567,89 €" fits; a longer text is not a number."""
EMAIL_LENGTH = 254
"""The longest email address (RFC 5321's path, less its brackets)."""
SPACES = " \t\u00a0\u202f\u2009" + "".join(
    map(chr, (*range(0x2000, 0x2009), 0x200A, 0x205F, 0x3000))
)
"""Typed between thousands: a space, a no-break or narrow no-break one, a thin one; or pasted
from a formatted number: a figure space, a six-per-em one, any other of Unicode's spaces."""
GROUPED = re.compile(rf"-?[{SPACES}]?\d{{1,3}}(?:[{SPACES}']\d{{3}})+(?:[.,]\d+)?")
"""Thousands apart, each group of three after its own separator: "12 345", "1 000 000,5"."""
TWO_NUMBERS = re.compile(r"\d\s*(?:[-–—/]|\bà\b|\bto\b|\s)\s*\d")
"""Two numbers side by side ("10 15", "10-15", "10 à 15"): a range where one is asked."""


@dataclass(frozen=True)
class Invalid:
    """A rejected answer, with what to tell the respondent."""

    message: str
    near: tuple[str, ...] = ()
    """The codes a refused reply may have meant ("Corse": 2A, 2B), for buttons."""


def goes_on(text: str) -> bool:
    """Whether a text typed at an information step asks to go on: "OK", "Continuer ▶"."""
    folded = text.casefold().replace("’", "'").replace("▶", "")
    return " ".join(folded.strip(" .!").split()) in GOING_ON


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending with "…" when cut (plain text, not markup)."""
    # Flow texts are short; this guards against a runaway typed or piped answer.
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def check_value(flow: Flow, step: Step, value: object, lang: str) -> AnswerValue | Invalid:
    """The value as stored, or why it is not acceptable for `step`."""
    if isinstance(step, TextStep):
        return _check_text(step, value, lang)
    if isinstance(step, EmailStep):
        text = clean_text(value) if isinstance(value, str) else ""
        if not text:  # sent empty: nothing to find wrong with, as for a text question
            return Invalid(message("empty", lang))
        if len(text) > EMAIL_LENGTH or not EMAIL.match(text):
            return Invalid(message("bad_email", lang))
        return text
    if isinstance(step, NumberStep):
        return _check_number(step, value, lang)
    if isinstance(step, ScaleStep):
        return _check_scale(step, value, lang)
    if isinstance(step, SingleChoiceStep | YesNoStep):
        codes = choice_codes(step)
        return value if isinstance(value, str) and value in codes else _unknown(lang)
    if isinstance(step, MultipleChoiceStep):
        return _check_multiple(flow, step, value, lang)
    if isinstance(step, CodeStep):
        typed = value if isinstance(value, str) else ""
        code = read_code(flow, step, typed)
        if code is not None:
            return code
        near = near_codes(flow, step, typed)
        return Invalid(code_refusal(flow, step, near, lang), near=tuple(near))
    if isinstance(step, RankingStep):
        return _check_ranking(flow, step, value, lang)
    assert isinstance(step, InfoStep)
    return Invalid(message("finished", lang))


def _unknown(lang: str) -> Invalid:
    return Invalid(message("unknown_choice", lang))


COUNTED_UP_TO = 4000
"""A refused text's length is said below this; past it, "far too long": a chat app cuts a
long paste into messages (Telegram at 4,096 characters), and the count of the first
would read as the whole's ("4 096 characters" for 10,000 pasted)."""


def too_long(length: int, most: int, lang: str) -> str:
    """Why a text of `length` characters is refused, when `most` are allowed."""
    if length >= COUNTED_UP_TO:
        return message("far_too_long", lang, max=grouped(most, lang))
    # How many too many: on a phone, trimming 11 characters is not rewriting the answer.
    over = grouped(length - most, lang)
    return message(
        "too_long", lang, length=grouped(length, lang), over=over, max=grouped(most, lang)
    )


def _check_text(step: TextStep, value: object, lang: str) -> AnswerValue | Invalid:
    text = clean_text(value) if isinstance(value, str) else ""
    if not text:
        return Invalid(message("empty", lang))
    if len(text) > step.limit:
        return Invalid(too_long(len(text), step.limit, lang))
    if len(text) < step.min_length:
        return Invalid(message("too_short", lang, min=step.min_length))
    return text


def _check_number(step: NumberStep, value: object, lang: str) -> AnswerValue | Invalid:
    example = _example(step, lang)
    if isinstance(value, str) and not clean_text(value):
        return Invalid(message("empty", lang))  # nothing typed: not "a number, like 12"
    if isinstance(value, str):
        parsed = _typed_number(step, value, lang)
        if parsed is None:
            two = TWO_NUMBERS.search(value) is not None  # "10 15", "10-15": a range
            return Invalid(message("one_number" if two else "not_a_number", lang, example=example))
        value = parsed
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return Invalid(message("not_a_number", lang, example=example))
    if step.integer:
        if value != int(value):
            return Invalid(message("not_whole", lang, example=example))
        value = int(value)
    low, high = step.min, step.max
    if (low is not None and value < low) or (high is not None and value > high):
        return _out_of_bounds(step, value, lang)
    return value


def _typed_number(step: NumberStep, text: str, lang: str) -> float | int | None:
    """ "12", "12 stagiaires", or a rough "environ 12": several questions say an order
    of magnitude is enough, so a hedged figure is that figure."""
    for typed in (text, _unhedged(text)):
        parsed = parse_number(typed, lang)
        if parsed is None:
            parsed = _counted(step, typed, lang)
        if parsed is not None:
            return parsed
    return None


def _out_of_bounds(step: NumberStep, value: float, lang: str) -> Invalid:
    """Too small or too big: the range when the question has both bounds ("from 0 to 100",
    as a scale's refusal says it), of a year where it asks one ("a year from 1800 to 2019")."""
    low = None if step.min is None else format_number(step.min, lang)
    high = None if step.max is None else format_number(step.max, lang)
    if low is not None and high is not None:  # both bounds: the range, whichever was missed
        key = "year_range" if step.asks_a_year else "number_range"
        return Invalid(message(key, lang, min=low, max=high))
    if low is not None and step.min is not None and value < step.min:
        return Invalid(message("too_small", lang, min=low))
    return Invalid(message("too_big", lang, max=high))


def _example(step: NumberStep, lang: str) -> str:
    """A number the question takes, for its refusals: 12 (3,5), or its upper bound when 12
    is out of bounds (a year from 1800 to 2019 is not "12")."""
    value: float = 12 if step.integer else 3.5
    low = step.min if step.min is not None else value
    high = step.max if step.max is not None else value
    if not low <= value <= high:
        value = high if step.max is not None else low
    return format_number(value, lang)


def parse_number(text: str, lang: str | None = None) -> float | int | None:
    """Read "1 200", "3,5", "15 %" or "-2" as typed on a French or English phone.

    A space (or an apostrophe, "1'200") between digits only parts thousands, in groups
    of three ("1 000 000"): "10 15" is a range, "1 1" a slip, not 1015 or 11. A comma
    before groups of three digits is a thousands separator in English ("1,200"), a
    decimal mark otherwise ("1,200" is 1.2 in French).
    """
    cleaned = clean_text(text).rstrip("%€$" + SPACES)
    if re.search(rf"\d[{SPACES}']+\d", cleaned):
        if not GROUPED.fullmatch(cleaned):
            return None
        cleaned = re.sub(rf"[{SPACES}']", "", cleaned)
    cleaned = re.sub(rf"^-[{SPACES}]+", "-", cleaned)  # "- 2"
    if len(cleaned) > MAX_NUMBER_CHARS:
        return None
    if lang == "en" and re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    if re.fullmatch(r"-?\d+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"-?\d+[.,]\d+", cleaned):
        return float(cleaned.replace(",", "."))
    if re.fullmatch(r"-?\d{1,3}(,\d{3}){2,}", cleaned):  # "1,200,000", whatever the language
        return int(cleaned.replace(",", ""))
    return None


PERCENT_WORDS = "pour cent pourcent percent per cent"
"""The words for "%" a person may type instead of it: "30 pour cent", "30 percent"."""


def _counted(step: NumberStep | SingleChoiceStep, text: str, lang: str) -> float | int | None:
    """ "12 stagiaires (au total)" for "Combien de stagiaires, au total ?": a number, then words
    of the question (or its unit). Any other word is refused: "18 mois" to a question in
    years, "3 millions"."""
    found = re.fullmatch(r"(.*?\d)\s*([^\W\d_][^\d]*?)[.!]?", clean_text(text))
    if found is None:
        return None
    unit = step.unit if isinstance(step, NumberStep) else None
    said = " ".join(_texts(step.text) + _texts(unit))
    if any(text.strip() == "%" for text in _texts(unit)):
        said += " " + PERCENT_WORDS
    known = {_stem(word) for word in _WORD.findall(said)}
    if not all(_stem(word) in known for word in _WORD.findall(found[2])):
        return None
    return parse_number(found[1], lang)


def _texts(text: str | dict[str, str] | None) -> list[str]:
    """Every language's version of a flow text (a word in either is understood)."""
    if text is None:
        return []
    return [text] if isinstance(text, str) else list(text.values())


def _stem(word: str) -> str:
    """ "Salariés" and "salarié", "Interns" and "intern" alike: no case, no accents, no plural."""
    plain = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return plain[:-1] if len(plain) > 3 and plain[-1] in "sx" else plain


def _check_scale(step: ScaleStep, value: object, lang: str) -> AnswerValue | Invalid:
    if value == DONT_KNOW and step.dont_know:
        return DONT_KNOW
    if isinstance(value, str):
        parsed = parse_number(value)
        value = parsed if parsed is not None else value
    if isinstance(value, int) and not isinstance(value, bool) and step.min <= value <= step.max:
        return value
    return Invalid(message("off_scale", lang, min=step.min, max=step.max))


def _check_multiple(
    flow: Flow, step: MultipleChoiceStep, value: object, lang: str
) -> AnswerValue | Invalid:
    codes = choice_codes(step)
    if not isinstance(value, list) or not all(isinstance(v, str) and v in codes for v in value):
        return _unknown(lang)
    chosen = list(dict.fromkeys(value))
    for choice in step.choices:
        if choice.exclusive and choice.code in chosen:
            if len(chosen) > 1:
                return Invalid(message("exclusive", lang, label=flow.text(choice.label, lang)))
            # "None of these" alone is a whole answer, whatever `min_selected` asks of the
            # others: a respondent with none to name would otherwise be stuck.
            return chosen
    low = step.min_selected or 1
    if len(chosen) < low:
        return Invalid(
            message("too_few_one", lang) if low == 1 else message("too_few", lang, min=low)
        )
    if step.max_selected is not None and len(chosen) > step.max_selected:
        many = "too_many_chosen_one" if step.max_selected == 1 else "too_many_chosen"
        return Invalid(message(many, lang, max=step.max_selected, count=len(chosen)))
    return chosen


def _check_ranking(
    flow: Flow, step: RankingStep, value: object, lang: str
) -> AnswerValue | Invalid:
    codes = choice_codes(step)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return Invalid(message("rank_count", lang, count=step.needed))
    twice = next((code for code in codes if value.count(code) > 1), None)
    if twice is not None:  # two lists set alike on a page: name the item to move
        label = dict(choice_labels(flow, step, lang))[twice]
        return Invalid(message("ranked_twice", lang, label=label, count=step.needed))
    if len(value) != step.needed or not set(value) <= set(codes):
        return Invalid(message("rank_count", lang, count=step.needed))
    return list(value)


def choice_codes(step: Step) -> list[str]:
    """Codes of the answers offered, in the order shown."""
    if isinstance(step, SingleChoiceStep | MultipleChoiceStep):
        return [c.code for c in step.choices] + ([OTHER] if step.other else [])
    if isinstance(step, RankingStep):
        return [c.code for c in step.choices]
    if isinstance(step, YesNoStep):
        return ["yes", "no"] + ([DONT_KNOW] if step.dont_know else [])
    if isinstance(step, ScaleStep):
        return [str(n) for n in range(step.min, step.max + 1)] + (
            [DONT_KNOW] if step.dont_know else []
        )
    return []


def choice_labels(flow: Flow, step: Step, lang: str) -> list[tuple[str, str]]:
    """(code, label) of each answer offered, in the order shown."""
    pairs: list[tuple[str, str]] = []
    if isinstance(step, SingleChoiceStep | MultipleChoiceStep | RankingStep):
        pairs = [(c.code, flow.text(c.label, lang)) for c in step.choices]
        if not isinstance(step, RankingStep) and step.other:
            label = step.other_label
            pairs.append((OTHER, flow.text(label, lang) if label else message("other", lang)))
    elif isinstance(step, YesNoStep | ScaleStep):
        pairs = [(code, _fixed_label(code, lang)) for code in choice_codes(step)]
    return pairs


def _fixed_label(code: str, lang: str) -> str:
    if code in ("yes", "no", DONT_KNOW):
        return message(code, lang)
    return code


def read_choice(flow: Flow, step: Step, text: str, lang: str) -> str | None:
    """The code a typed reply names (a code, a label, oui/non…), if it names exactly one."""
    typed = fold(text)
    if not typed:
        return None
    if isinstance(step, YesNoStep):
        if typed in YES_WORDS:
            return "yes"
        if typed in NO_WORDS:
            return "no"
    if typed in DONT_KNOW_WORDS and DONT_KNOW in choice_codes(step):
        return DONT_KNOW
    for code, label in choice_labels(flow, step, lang):
        if typed in (fold(code), fold(label)):
            return code
    if isinstance(step, SingleChoiceStep) and ranged(step):
        return _by_count(step, text, lang)
    return None


# --- a count typed for a choice of bands ("12" for "10 à 49") -------------------------

# "environ 12", "12 environ", "~12": a rough count is still a count.
HEDGE = re.compile(
    r"^(?:[~≈]|(?:environ|env\.|a peu pres|about|around|approx\.?|approximately|roughly)\s)"
    r"|\s(?:environ|a peu pres|about|approx\.?|or so)$"
)
MAX_COUNT = 10**15
"""A typed count from this on is pasted junk, not a count (a spreadsheet keeps 15 digits)."""


def _unhedged(text: str) -> str:
    """ "environ 12" as "12", folded (no case, no accents): digits are unchanged, and words
    are compared folded."""
    return HEDGE.sub("", fold(text), count=1).strip()


def ranged(step: SingleChoiceStep) -> bool:
    """Some choices have a `range`: a typed whole number can name one."""
    return any(choice.range is not None for choice in step.choices)


def _by_count(step: SingleChoiceStep, text: str, lang: str) -> str | None:
    """The choice whose range holds the whole number typed ("12", "12 salariés",
    "environ 12"); None for a decimal, a negative or a number in no range."""
    typed = _unhedged(text)
    number = parse_number(typed, lang)
    if number is None:
        number = _counted(step, typed, lang)
    if not isinstance(number, int) or not 0 <= number < MAX_COUNT:
        return None
    return next((choice.code for choice in step.choices if choice.holds(number)), None)


def typed_refusal(flow: Flow, step: Step, lang: str) -> tuple[str, str]:
    """What a typed reply that names no answer of a choice question is told, and its key in
    `MESSAGES`: to use the buttons, named when a typed count could have answered too."""
    if not (isinstance(step, SingleChoiceStep) and ranged(step)):
        return "use_buttons", message("use_buttons", lang)
    labels = ", ".join(
        message("quoted", lang, label=label) for _, label in choice_labels(flow, step, lang)
    )
    return "choice_or_count", message("choice_or_count", lang, labels=labels)


def answer_labels(flow: Flow, step: Step, lang: str) -> list[tuple[str, str]]:
    """(code, label) of every answer a step can hold: its choices, or its list's codes."""
    return choice_labels(flow, step, lang) or code_labels(flow, step, lang)


def format_number(value: float | int, lang: str) -> str:
    """12000 -> "12 000" in French, "12,000" in English; decimals with the local mark.

    Four-digit numbers stay ungrouped, as both typographies allow, so a year reads 1987.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    group = "," if abs(value) >= 10_000 else ""
    text = f"{value:{group}}" if isinstance(value, int) else f"{value:{group}.10g}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text

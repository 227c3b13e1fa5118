"""How an answer reads back: in the summary, an echo, the export's labels, a sentence.

`display_value` is an answer as its respondent reads it back (labels, not codes;
a number in the language's typography, with its unit); `piped_value` is one
quoted inside another question's text. Checking and reading typed answers is
`flows.values`' (a code typed from a list, `flows.code_answers`').
"""

from __future__ import annotations

from flows.checks import DONT_KNOW, OTHER
from flows.code_answers import code_name
from flows.messages import typeset
from flows.model import (
    AnswerValue,
    CodeStep,
    Flow,
    MultipleChoiceStep,
    NumberStep,
    RankingStep,
    ScaleStep,
    Step,
)
from flows.values import choice_labels, format_number

ANSWERS_APART = " · "
"""Between the answers of a multiple choice read back: labels have commas ("Nouveaux
marchés, clients"), so a comma made two answers read as four; a middle dot never is one."""
AND = {"fr": "et", "en": "and"}
"""Between the last two ticks of a multiple choice piped into a sentence."""


def piped_value(flow: Flow, step: Step, value: AnswerValue, other: str | None, lang: str) -> str:
    """An answer as quoted inside a sentence: a code's name alone ("Loiret"); the ticks of a
    multiple choice as a sentence joins them ("Royaume-Uni et Reste de l'UE"), but where a
    label holds a comma ("Nouveaux marchés, clients et Numérique" reads as three), or in a
    language the bot's words are not written in: apart, as read back."""
    if isinstance(step, CodeStep):
        return code_name(flow, step, str(value), lang)
    if isinstance(step, MultipleChoiceStep) and isinstance(value, list) and lang in AND:
        said = [display_value(flow, step, [code], other, lang) for code in value]
        if len(said) > 1 and not any("," in part for part in said):
            return f"{', '.join(said[:-1])} {AND[lang]} {said[-1]}"
    return display_value(flow, step, value, other, lang)


def _unit(unit: str, lang: str) -> str:
    """A number's unit, after a no-break space so that a line never ends between the two
    ("12 salariés", "40 %"); English writes "40%"."""
    unit = unit.strip()
    if not unit or (lang == "en" and unit == "%"):
        return unit
    return f"\u00a0{unit}"


def display_value(flow: Flow, step: Step, value: AnswerValue, other: str | None, lang: str) -> str:
    """An answer as a respondent reads it back (labels, not codes)."""
    labels = dict(choice_labels(flow, step, lang))

    def label(code: str) -> str:
        if code == OTHER and other:
            return other  # the person's own words: as typed
        return typeset(labels[code], lang) if code in labels else code

    if isinstance(value, list):
        if isinstance(step, RankingStep):
            # French puts a no-break space before a semicolon; English no space.
            separator = "\u00a0; " if lang == "fr" else "; "
            return separator.join(f"{i}. {label(code)}" for i, code in enumerate(value, 1))
        return ANSWERS_APART.join(label(code) for code in value)
    if isinstance(step, NumberStep) and isinstance(value, int | float):
        return format_number(value, lang) + _unit(
            flow.text(step.unit, lang) if step.unit else "", lang
        )
    if isinstance(step, ScaleStep) and value != DONT_KNOW:
        return f"{value}/{step.max}"
    if isinstance(step, CodeStep):
        # The code and its name: the respondent sees what the code they typed means.
        return f"{value} – {code_name(flow, step, str(value), lang)}"
    return label(str(value)) if labels else str(value)

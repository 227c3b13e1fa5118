"""Checks that need the whole flow in view: ids, conditions, piping, translations.

Each check returns `(loc, message)` pairs; the loader turns a loc into a line.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from flows.messages import MESSAGES
from flows.model import (
    All,
    AnyOf,
    CodeStep,
    Compare,
    Condition,
    Flow,
    InfoStep,
    Kind,
    MultipleChoiceStep,
    Not,
    NumberStep,
    RankingStep,
    ScaleStep,
    SingleChoiceStep,
    Step,
    Text,
    TextStep,
    YesNoStep,
)
from flows.paths import Loc
from flows.piping import piped_names
from flows.range_checks import ranges_ok
from flows.unlisted import unlisted_language

OTHER = "other"
NOT_BEFORE = "which is not asked before this point"
PIPED_LATER = "is not an earlier question: it is asked at this point or later"
NO_PERSONAL_INFO = "an info step takes no answer: 'personal' has no meaning on it; remove it"
DONT_KNOW = "dont_know"

Found = list[tuple[Loc, str]]


class Unread(frozenset[str]):
    """The ids of the questions set aside (they did not parse), with where each is first
    written: `(section index, step index)` in the file."""

    at: Mapping[str, tuple[int, int]]

    def __new__(cls, ids: Iterable[str], at: Mapping[str, tuple[int, int]]) -> Unread:
        unread = super().__new__(cls, ids)
        unread.at = dict(at)
        return unread


def _written_later(unread: frozenset[str], name: str, here: Loc) -> bool:
    """`name`, set aside, is written at the place `here` (in the file) or after it; False
    when where it is written is not known."""
    place = unread.at.get(name) if isinstance(unread, Unread) else None
    if place is None or len(here) < 2 or here[0] != "sections" or not isinstance(here[1], int):
        return False
    step = here[3] if len(here) >= 4 and here[2] == "steps" and isinstance(here[3], int) else -1
    return place >= (here[1], step)


def check_flow(
    flow: Flow,
    unread: frozenset[str] = frozenset(),
    original: Callable[[Loc], Loc] = lambda loc: loc,
) -> Found:
    """Every cross-reference problem in a flow that the models alone cannot see.

    `unread` names questions left out because they did not parse (their problem
    is reported already): conditions and pipes naming them are not reported,
    unless (an `Unread`) they are written at that point or later. `original(loc)`
    is where a loc of `flow` is in the file.
    """
    found: Found = []
    earlier: dict[str, Step] = {}
    section_ids: set[str] = set()
    for si, section in enumerate(flow.sections):
        sloc: Loc = ("sections", si)
        if section.id in section_ids:
            found.append(((*sloc, "id"), f"duplicate section id '{section.id}'"))
        section_ids.add(section.id)
        found += texts_ok(flow, (((*sloc, "title"), section.title),))
        if section.show_if is not None:
            where = (*sloc, "show_if")
            found += condition_ok(flow, section.show_if, where, earlier, unread, original(sloc))
        for qi, step in enumerate(section.steps):
            qloc: Loc = (*sloc, "steps", qi)
            if step.id in earlier:
                found.append(((*qloc, "id"), f"duplicate question id '{step.id}'"))
            found += _choices_ok(step, qloc)
            if step.personal and step.type == Kind.INFO:
                found.append(((*qloc, "personal"), NO_PERSONAL_INFO))
            here = original(qloc)
            if step.show_if is not None:
                where = (*qloc, "show_if")
                found += condition_ok(flow, step.show_if, where, earlier, unread, here)
            found += _left_out_ok(flow, step, qloc, earlier, unread, here)
            texts = list(step_texts(step, qloc))
            found += texts_ok(flow, texts)
            found += pipes_ok(flow, texts, earlier, unread, here)
            earlier.setdefault(step.id, step)
    flow_texts = [
        (("title",), flow.title),
        (("intro",), flow.intro),
        (("consent",), flow.consent),
        (("outro",), flow.outro),
    ]
    present: list[tuple[Loc, Text]] = [(loc, text) for loc, text in flow_texts if text is not None]
    found += texts_ok(flow, present)
    if flow.audience is not None:
        found += texts_ok(flow, [(("audience", "label"), flow.audience.label)])
    # The outro may quote any answer; the intro and consent come before all of them.
    found += pipes_ok(flow, present[-1:] if flow.outro is not None else [], earlier, unread)
    found += pipes_ok(flow, [t for t in present if t[0] != ("outro",)], {}, frozenset())
    return found


# The languages surveybot's own words (buttons, hints, refusals, dates) are written in.
WORDS_LANGUAGES = tuple(dict.fromkeys(lang for texts in MESSAGES.values() for lang in texts))


def language_warnings(flow: Flow) -> Found:
    """A language the flow is written in but surveybot's own words are not: it runs, but
    its respondents read the buttons and messages around the questions in French."""
    others = [lang for lang in flow.languages if lang not in WORDS_LANGUAGES]
    if not others:
        return []
    known = " and ".join(WORDS_LANGUAGES)
    return [
        (
            ("languages",),
            f"surveybot's own words (buttons, hints, error messages, dates) exist in {known} "
            f"only: respondents answering in {', '.join(others)} will read them in French",
        )
    ]


# --- choices ------------------------------------------------------------------


def _choices_ok(step: Step, loc: Loc) -> Found:
    if not isinstance(step, SingleChoiceStep | MultipleChoiceStep | RankingStep):
        return []
    found: Found = []
    codes: set[str] = set()
    for index, choice in enumerate(step.choices):
        cloc: Loc = (*loc, "choices", index, "code")
        if choice.code in codes:
            found.append((cloc, f"duplicate choice code '{choice.code}'"))
        codes.add(choice.code)
        other = getattr(step, "other", False)
        if other and choice.code == OTHER:
            found.append((cloc, f"choice code '{OTHER}' is taken by 'other: true'; rename it"))
        if choice.exclusive and not isinstance(step, MultipleChoiceStep):
            exclusive: Loc = (*loc, "choices", index, "exclusive")
            found.append((exclusive, "'exclusive' only applies to multiple_choice"))
    return found + ranges_ok(step, loc)


def answer_codes(step: Step) -> set[str] | None:
    """The codes an answer to `step` can hold, or None when it is free (text, number)."""
    if isinstance(step, SingleChoiceStep | MultipleChoiceStep):
        return {c.code for c in step.choices} | ({OTHER} if step.other else set())
    if isinstance(step, RankingStep):
        return {c.code for c in step.choices}
    if isinstance(step, YesNoStep):
        return {"yes", "no"} | ({DONT_KNOW} if step.dont_know else set())
    if isinstance(step, CodeStep):
        return set(step.codes)
    return None


# --- conditions ---------------------------------------------------------------


def condition_ok(
    flow: Flow,
    condition: Condition,
    loc: Loc,
    earlier: dict[str, Step],
    unread: frozenset[str],
    here: Loc | None = None,
) -> Found:
    """The problems of `condition`, at `loc`, on the question or section at `here` in the
    file (`loc` itself when left out)."""
    here = loc if here is None else here
    if isinstance(condition, Not):
        return condition_ok(flow, condition.not_, (*loc, "not"), earlier, unread, here)
    if isinstance(condition, All | AnyOf):
        key = "all" if isinstance(condition, All) else "any"
        items = condition.all if isinstance(condition, All) else condition.any
        found: Found = []
        for index, item in enumerate(items):
            found += condition_ok(flow, item, (*loc, key, index), earlier, unread, here)
        return found
    assert isinstance(condition, Compare)
    name = condition.question
    if name in unread and name not in earlier:
        if _written_later(unread, name, here):
            return [((*loc, "question"), f"condition uses '{name}', {NOT_BEFORE}")]
        return []
    return _compare_ok(flow, condition, loc, earlier)


def _compare_ok(flow: Flow, condition: Compare, loc: Loc, earlier: dict[str, Step]) -> Found:
    name = condition.question
    qloc: Loc = (*loc, "question")
    if name not in earlier:
        return [(qloc, _not_earlier(flow, name, earlier, "condition uses"))]
    target = earlier[name]
    if isinstance(target, InfoStep):
        return [(qloc, f"condition uses '{name}', an information step with no answer")]
    if condition.min is not None or condition.max is not None:
        if not isinstance(target, NumberStep | ScaleStep):
            return [(loc, f"'min'/'max' conditions need a number or scale question, not '{name}'")]
        return _range_ok(condition, target, loc)
    if condition.in_ == []:
        return [((*loc, "in"), "'in' lists no code, so this condition is never true")]
    if isinstance(target, ScaleStep):
        return _points_ok(condition, target, loc)
    values: list[tuple[Loc, object]] = []
    if condition.equals is not None:
        values.append(((*loc, "equals"), condition.equals))
    for index, value in enumerate(condition.in_ or []):
        values.append(((*loc, "in", index), value))
    return [
        (vloc, message)
        for vloc, value in values
        if (message := _value_problem(target, value)) is not None
    ]


def _points_ok(condition: Compare, target: ScaleStep, loc: Loc) -> Found:
    """The values of an `equals` or `in` on a scale: its points, written as numbers; said
    once per condition, the values in the order written."""
    key = "equals" if condition.equals is not None else "in"
    values = [condition.equals] if condition.equals is not None else list(condition.in_ or [])
    scale = f"the {target.min}–{target.max} scale of '{target.id}'"

    def point(value: object) -> int | None:
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, int) and not isinstance(value, bool):
            return value if target.min <= value <= target.max else None
        return None

    allowed = [DONT_KNOW] if target.dont_know else []
    off = [value for value in values if point(value) is None and value not in allowed]
    quoted = [value for value in values if isinstance(value, str) and point(value) is not None]
    found: Found = []
    if off:
        listed = _and([f"'{value}'" for value in off])
        found.append(((*loc, key), f"{listed} {'is' if len(off) == 1 else 'are'} not on {scale}"))
    if quoted:
        fixed = [point(value) if value in quoted else value for value in values]
        shown = str(fixed[0]) if key == "equals" else f"[{', '.join(map(str, fixed))}]"
        listed = ", ".join(f'"{value}"' for value in quoted)
        said = f"write {listed} without quotes ({key}: {shown})"
        found.append(((*loc, key), f"the points of {scale} are numbers: {said}"))
    return found


def _and(items: list[str]) -> str:
    """ "'a'", "'a' and 'b'", "'a', 'b' and 'c'"."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]


def _range_ok(condition: Compare, target: NumberStep | ScaleStep, loc: Loc) -> Found:
    """A `min`/`max` no answer to `target` can meet: the condition is never true."""
    low, high, first, last = condition.min, condition.max, target.min, target.max
    if isinstance(target, ScaleStep) or target.integer:  # 4.5 to 4.9 holds no integer
        low = None if low is None else math.ceil(low)
        high = None if high is None else math.floor(high)
    if low is not None and high is not None and low > high:
        said = f"min {condition.min:g} and max {condition.max:g} leave no answer between them"
    elif low is not None and last is not None and low > last:
        said = f"no answer to '{target.id}' reaches min {condition.min:g}: its highest is {last:g}"
    elif high is not None and first is not None and high < first:
        said = f"no answer to '{target.id}' is as low as max {condition.max:g}: its lowest is {first:g}"
    else:
        return []
    return [(loc, f"{said}, so this condition is never true")]


def _not_earlier(flow: Flow, name: str, earlier: dict[str, Step], what: str) -> str:
    """Why `name` cannot be looked at here: asked later, or not a question at all."""
    if name in {step.id for step in flow.steps()}:
        return f"{what} '{name}', {NOT_BEFORE}"
    return f"{what} unknown question '{name}'{did_you_mean(name, earlier)}"


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """The end of a message naming the one of `known` closest to `name`, if any is close:
    "; did you mean 'company_name'?"; else ''."""
    close = difflib.get_close_matches(name, [other for other in known if other != name], n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _value_problem(target: Step, value: object) -> str | None:
    codes = answer_codes(target)
    if codes is not None:
        if str(value) not in codes:
            listed = ", ".join(sorted(codes)[:12]) + (", …" if len(codes) > 12 else "")
            return f"unknown choice '{value}' in condition on '{target.id}' (choices: {listed})"
        return None
    if isinstance(target, NumberStep) and not isinstance(value, int | float):
        return f"'{target.id}' is a number question; compare it with a number, not '{value}'"
    return None


# --- choices left out ----------------------------------------------------------

LEAVES_OUT = "'except_chosen_in' names"


def _left_out_ok(
    flow: Flow,
    step: Step,
    loc: Loc,
    earlier: dict[str, Step],
    unread: frozenset[str],
    here: Loc,
) -> Found:
    """`except_chosen_in` names an earlier choice question this one can leave codes out for."""
    if not isinstance(step, SingleChoiceStep | MultipleChoiceStep):
        return []
    name = step.except_chosen_in
    kloc: Loc = (*loc, "except_chosen_in")
    if name is not None and name in unread and name not in earlier:
        later = _written_later(unread, name, here)
        return [(kloc, f"{LEAVES_OUT} '{name}', {NOT_BEFORE}")] if later else []
    if name is None:
        return []
    target = earlier.get(name)
    if target is None:
        return [(kloc, _not_earlier(flow, name, earlier, LEAVES_OUT))]
    if not isinstance(target, SingleChoiceStep | MultipleChoiceStep | RankingStep):
        return [
            (
                kloc,
                f"{LEAVES_OUT} '{name}', a {target.type} question; "
                "name a single_choice, multiple_choice or ranking question",
            )
        ]
    codes = answer_codes(target) or set()
    # "Other" and exclusive choices are always offered: only the rest can be left out.
    open_ = [c.code for c in step.choices if not c.exclusive and c.code != OTHER]
    shared = [code for code in open_ if code in codes]
    if not shared:
        listed = ", ".join(sorted(codes)[:12]) + (", …" if len(codes) > 12 else "")
        return [
            (
                kloc,
                f"{LEAVES_OUT} '{name}', which offers none of these choices "
                f"(its codes: {listed}): nothing would be left out",
            )
        ]
    if len(step.choices) + int(step.other) <= min(len(shared), _most_chosen(target)):
        return [
            (
                kloc,
                f"'except_chosen_in': every choice here may be chosen in '{name}' already, "
                "leaving none to pick; "
                "add 'other: true' or an exclusive choice ('None of these')",
            )
        ]
    return []


def _most_chosen(step: SingleChoiceStep | MultipleChoiceStep | RankingStep) -> int:
    """How many codes an answer to `step` can hold at most."""
    if isinstance(step, SingleChoiceStep):
        return 1
    if isinstance(step, RankingStep):
        return step.needed
    return step.max_selected or len(step.choices) + int(step.other)


# --- texts --------------------------------------------------------------------


def step_texts(step: Step, loc: Loc) -> Iterator[tuple[Loc, Text]]:
    yield (*loc, "text"), step.text
    if step.help is not None:
        yield (*loc, "help"), step.help
    optional: dict[str, Text | None] = {}
    if isinstance(step, TextStep):
        optional["placeholder"] = step.placeholder
    if isinstance(step, NumberStep):
        optional["unit"] = step.unit
    if isinstance(step, ScaleStep):
        optional["min_label"] = step.min_label
        optional["max_label"] = step.max_label
    if isinstance(step, SingleChoiceStep | MultipleChoiceStep):
        optional["other_label"] = step.other_label
    for key, text in optional.items():
        if text is not None:
            yield (*loc, key), text
    if isinstance(step, SingleChoiceStep | MultipleChoiceStep | RankingStep):
        for index, choice in enumerate(step.choices):
            yield (*loc, "choices", index, "label"), choice.label


def texts_ok(flow: Flow, texts: Sequence[tuple[Loc, Text]]) -> Found:
    found: Found = []
    wanted = flow.languages
    for loc, text in texts:
        if isinstance(text, str):
            if len(wanted) > 1 and loc[-1] != "unit":  # a plain unit (km, %) is in every one
                missing = [lang for lang in wanted if lang != flow.language]
                found.append(
                    (
                        loc,
                        f"missing translation ({', '.join(missing)}): write it as a mapping "
                        + ", ".join(f"{lang}: …" for lang in wanted),
                    )
                )
            continue
        missing = [lang for lang in wanted if not text.get(lang, "").strip()]
        if missing:
            found.append((loc, f"missing translation ({', '.join(missing)})"))
        for lang in text:
            if lang not in wanted:
                found.append(((*loc, lang), unlisted_language(lang, wanted)))
    return found


def pipes_ok(
    flow: Flow,
    texts: Sequence[tuple[Loc, Text]],
    earlier: dict[str, Step],
    unread: frozenset[str],
    here: Loc | None = None,
) -> Found:
    """The pipes of `texts`, in the question at `here` in the file (each text's loc itself
    when left out)."""
    found: Found = []
    for loc, text in texts:
        strings = [text] if isinstance(text, str) else list(text.values())
        for name in sorted({piped for s in strings for piped in piped_names(s)}):
            target = earlier.get(name)
            if target is None and name in unread:
                if _written_later(unread, name, loc if here is None else here):
                    found.append((loc, f"piped name '{{{name}}}' {PIPED_LATER}"))
                continue
            if target is None:
                found.append((loc, _not_pipeable(flow, name, loc, unread)))
            elif target.type == Kind.INFO:
                piped = f"piped name '{{{name}}}'{_in_text(loc)}"
                found.append((loc, f"{piped} is an information step with no answer"))
    return found


# The texts of a flow outside its questions, as messages name them (a question's are
# said by the question's id, before the message).
FLOW_TEXTS = {
    "title": "the title",
    "intro": "the intro",
    "consent": "the consent text",
    "outro": "the outro",
}


def _in_text(loc: Loc) -> str:
    """Where a text of the flow's own is, as " in the outro"; '' for a question's."""
    return f" in {FLOW_TEXTS[str(loc[0])]}" if len(loc) == 1 and loc[0] in FLOW_TEXTS else ""


def _not_pipeable(flow: Flow, name: str, loc: Loc, unread: frozenset[str]) -> str:
    """Why `{name}` in the text at `loc` has no answer to show: asked later, or no question."""
    piped = f"piped name '{{{name}}}'"
    asked = [step.id for step in flow.steps()]
    if name not in asked:  # a question set aside (it did not parse) may be the one meant
        hint = did_you_mean(name, [*asked, *sorted(unread)])
        return f"{piped}{_in_text(loc)} is not an earlier question{hint}"
    if _in_text(loc):  # the outro sees every answer: this text is shown before any
        return (
            f"{piped}{_in_text(loc)}: no question is answered before "
            f"{FLOW_TEXTS[str(loc[0])]}; an answer can be piped into a later question or the outro"
        )
    return f"{piped} {PIPED_LATER}"

"""How long what a respondent reads can get, against Telegram's 4,096 characters a message.

Every text of a flow is rendered as a respondent could see it, in each language,
with each piped answer at its longest (a typed answer at its `max_length`, every
label of a multiple choice, an "Other" text at its limit), and measured as
Telegram counts: the text shown, once HTML entities are read (escaping `&` as
`&amp;` costs nothing), in UTF-16 code units (an emoji counts two).

The introduction, the notice and the outro may be longer than one message: a
channel sends them in several, cut between lines, at a paragraph's end where it
can (`split_blocks`, the one splitter the Telegram channel uses too). Only a
line longer than a message is an error there. A question is one message with
its buttons, so it must fit whole, with room kept for the words the channel
adds (progress, how to answer, the earlier answer offered again). Once answered,
it is edited to show its longest answer under its progress line and section
title, which must fit whole too (the summary's entry holds less).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from typing import Final

from flows.checks import OTHER, Found
from flows.engine import OTHER_TEXT_LIMIT
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
    Text,
    TextStep,
)
from flows.paths import Loc
from flows.piping import fill
from flows.readback import display_value
from flows.values import EMAIL_LENGTH, choice_labels

MESSAGE_LIMIT: Final = 4096
"""Telegram's limit on a message's text, as shown, in UTF-16 code units."""
FRAME: Final = 300
"""Room kept beside a question for the channel's own words (progress, how to answer): a
question within the limit is never clipped (the Telegram channel measures as this module
does, in UTF-16 code units, and keeps no margin of its own)."""
CURRENT_ANSWER_SHOWN: Final = 1000
"""How much of an earlier typed answer a question offers again (Telegram clips it there)."""
BUTTON_LABEL: Final = 40
"""About what a phone shows on one button; a longer label is cut (a warning, not an error)."""
NUMBER_LENGTH: Final = 20
PROGRESS: Final = "Question 999/999 · "
"""The progress line before a section's title, at its longest (the Telegram channel's)."""
ANSWER_MARK: Final = "\n\n✅ "
"""Between a question and its answer once answered. The summary's "\n    → " is 3 units
longer, which its entry's lack of progress line and section title more than makes up."""


def shown_length(text: str) -> int:
    """The length of a plain text as Telegram counts it: UTF-16 code units."""
    # Counted in C: a Python loop over every character stood out in the bot's profile.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def fitting_prefix(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 code units, cut between two of
    the symbols a reader sees: a flag, a family emoji or an accented letter is kept whole
    or left out whole (`_symbol_start`)."""
    size = 0
    for index, char in enumerate(text):
        size += 2 if ord(char) > 0xFFFF else 1
        if size > limit:
            start = _symbol_start(text, index)
            # A single symbol longer than the limit (a letter under thousands of marks)
            # is cut inside: the alternative is no progress at all.
            return start if start > 0 else index
    return len(text)


ZWJ: Final = "\u200d"
"""The zero-width joiner, which glues emoji into one (👩‍👩‍👧, 🏳️‍🌈)."""


def _symbol_start(text: str, index: int) -> int:
    """`index` moved back to where the symbol holding `text[index]` begins.

    A close approximation of Unicode's grapheme clusters, enough for what people type:
    combining marks, variation selectors, skin tones and flag tags belong to the symbol
    before them, a joiner glues two emoji, and regional indicators pair into flags.
    """
    while 0 < index < len(text) and (
        _extends(text[index]) or text[index - 1] == ZWJ or _second_indicator(text, index)
    ):
        index -= 1
    return index


def _extends(char: str) -> bool:
    code = ord(char)
    return (
        char == ZWJ
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tags (the flags of England, Scotland, Wales)
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (Mn, listed for clarity)
    )


def _second_indicator(text: str, index: int) -> bool:
    """`text[index]` is the second regional indicator of a flag (🇫🇷 is 🇫 then 🇷)."""
    if not _indicator(text[index]):
        return False
    run = 0
    while index - run > 0 and _indicator(text[index - run - 1]):
        run += 1
    return run % 2 == 1


def _indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def split_blocks(
    blocks: Sequence[str],
    limit: int = MESSAGE_LIMIT,
    measure: Callable[[str], int] = shown_length,
) -> list[str]:
    """Lines joined by newlines into as few messages as fit in `limit`, each as `measure` counts.

    A message ends after a blank line (a paragraph's end) when one is at hand,
    else between two lines; a line is never cut, and one longer than `limit` is
    a message of its own (the flow checks make sure no flow text is). Blank
    lines at the edges of a message are dropped: Telegram refuses an empty one.
    """
    parts: list[list[str]] = []
    current: list[str] = []
    lengths: list[int] = []  # each block's measure, taken once (measuring is the cost)
    size = 0  # the measure of `current` joined by newlines, kept as blocks are added
    for block in blocks:
        length = measure(block)
        if current and size + 1 + length > limit:
            # Cut after the last paragraph's end in the message, if there is one.
            blank = max((i for i, b in enumerate(current) if i and not b.strip()), default=None)
            if blank is not None and _size(lengths[blank + 1 :]) + 1 + length <= limit:
                parts.append(current[:blank])
                current, lengths = current[blank + 1 :], lengths[blank + 1 :]
            else:
                parts.append(current)
                current, lengths = [], []
            size = _size(lengths)
        size = size + 1 + length if current else length
        current.append(block)
        lengths.append(length)
    parts.append(current)
    trimmed = [_trim(part) for part in parts]
    messages = ["\n".join(part) for part in trimmed if part]
    return messages or ["\n".join(blocks)]


def _size(lengths: Sequence[int]) -> int:
    """The measure of blocks joined by newlines, from each block's."""
    return sum(lengths) + max(len(lengths) - 1, 0)


def _trim(blocks: list[str]) -> list[str]:
    start, end = 0, len(blocks)
    while start < end and not blocks[start].strip():
        start += 1
    while end > start and not blocks[end - 1].strip():
        end -= 1
    return blocks[start:end]


# --- checking a flow ----------------------------------------------------------


def check_limits(flow: Flow) -> tuple[Found, Found]:
    """(errors, warnings): texts too long for a message, button labels too long for a button."""
    errors: Found = []
    warnings: Found = []
    longest = _Longest(flow)
    for loc, text in (
        (("title",), flow.title),
        (("intro",), flow.intro),
        (("consent",), flow.consent),
        (("outro",), flow.outro),
    ):
        if text is not None:
            errors += _lines_fit(flow, loc, text, longest)
    for si, section in enumerate(flow.sections):
        for qi, step in enumerate(section.steps):
            qloc: Loc = ("sections", si, "steps", qi)
            errors += _question_fits(flow, step, qloc, longest)
            warnings += _labels_fit(flow, step, qloc)
    return errors, warnings


class _Longest:
    """Each question's answer at its longest, as read back, per language."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.cache: dict[tuple[str, str], str | None] = {}

    def answer(self, step_id: str, lang: str) -> str | None:
        key = (step_id, lang)
        if key not in self.cache:
            try:
                step = self.flow.step(step_id)
            except KeyError:
                step = None
            self.cache[key] = None if step is None else longest_answer(self.flow, step, lang)
        return self.cache[key]

    def pipe(self, text: Text, lang: str) -> str:
        return fill(self.flow.text(text, lang), lambda name: self.answer(name, lang))


def longest_answer(flow: Flow, step: Step, lang: str) -> str | None:
    """The longest answer to `step` as a respondent reads it back; None for an info step."""
    filler = "x"
    if isinstance(step, InfoStep):
        return None
    if isinstance(step, TextStep):
        return filler * step.limit
    if isinstance(step, EmailStep):
        return filler * EMAIL_LENGTH
    if isinstance(step, NumberStep):
        unit = f" {flow.text(step.unit, lang)}" if step.unit else ""
        return "9" * NUMBER_LENGTH + unit
    if isinstance(step, CodeStep):
        shown = [display_value(flow, step, code, None, lang) for code in step.codes]
        return max(shown, key=shown_length)
    labels = choice_labels(flow, step, lang)
    other = filler * OTHER_TEXT_LIMIT
    by_length = sorted(labels, key=lambda pair: -shown_length(pair[1]))
    codes = [code for code, _ in by_length]
    value: AnswerValue
    if isinstance(step, MultipleChoiceStep):
        value = codes[: step.max_selected] if step.max_selected else codes
        if step.other and OTHER not in value:
            value = [*value[:-1], OTHER]
    elif isinstance(step, RankingStep):
        value = codes[: step.needed]
    elif isinstance(step, SingleChoiceStep):
        longer = step.other and shown_length(other) > shown_length(by_length[0][1])
        value = OTHER if longer else codes[0]
    elif isinstance(step, ScaleStep):
        shown = [display_value(flow, step, _scale_value(code), None, lang) for code in codes]
        return max(shown, key=shown_length)
    else:
        value = codes[0]
    return display_value(flow, step, value, other, lang)


def _scale_value(code: str) -> AnswerValue:
    return int(code) if code.isdigit() else code


def _languages(flow: Flow, text: Text) -> Iterator[tuple[str, Loc]]:
    """Each language the flow is read in, with where its text sits under a text's loc."""
    for lang in flow.languages:
        suffix: Loc = (lang,) if isinstance(text, dict) and lang in text else ()
        yield lang, suffix


def _lines_fit(flow: Flow, loc: Loc, text: Text, longest: _Longest) -> Found:
    """A text sent in as many messages as it needs: each line must fit in one."""
    found: Found = []
    for lang, suffix in _languages(flow, text):
        lines = longest.pipe(text, lang).split("\n")
        length = max(shown_length(line) for line in lines)
        if length > MESSAGE_LIMIT:
            found.append(
                (
                    (*loc, *suffix),
                    f"{_in(flow, lang)}a paragraph of {length:,} characters"
                    f"{_piped(flow, text, lang)} is longer than a Telegram message "
                    f"({MESSAGE_LIMIT:,}); break it into paragraphs with a blank line",
                )
            )
    return found


def _question_fits(flow: Flow, step: Step, loc: Loc, longest: _Longest) -> Found:
    """A question is one message: its section, text, help and answers, with the channel's words."""
    found: Found = []
    section = flow.section_of(step.id)
    for lang, suffix in _languages(flow, step.text):
        pieces = [flow.text(section.title, lang), longest.pipe(step.text, lang)]
        if step.help is not None:
            pieces.append(longest.pipe(step.help, lang))
        pieces += [label for _, label in choice_labels(flow, step, lang)]
        if isinstance(step, ScaleStep):
            pieces += [longest.pipe(t, lang) for t in (step.min_label, step.max_label) if t]
        if isinstance(step, TextStep | EmailStep | NumberStep | CodeStep):
            # Asked again after "back", the earlier answer is offered with it.
            answer = longest.answer(step.id, lang) or ""
            pieces.append(answer[:CURRENT_ANSWER_SHOWN])
        length = sum(shown_length(piece) for piece in pieces) + len(pieces) + FRAME
        if length > MESSAGE_LIMIT:
            found.append(((*loc, "text", *suffix), _too_long(flow, step, lang, length)))
            continue
        read_back = longest.answer(step.id, lang)
        if read_back is None:
            continue
        # Once answered, the question stays in the chat with its answer, under its progress
        # line and section title (the echo): the summary's entry holds less, so it fits too.
        echo = [PROGRESS + flow.text(section.title, lang), longest.pipe(step.text, lang)]
        entry = shown_length("\n".join(echo) + ANSWER_MARK + read_back)
        if entry > MESSAGE_LIMIT:
            fix = "shorten the question or its section's title"
            if isinstance(step, TextStep):
                fix += f", or lower max_length to {step.limit - (entry - MESSAGE_LIMIT):,}"
            found.append(
                (
                    (*loc, "text", *suffix),
                    f"{_in(flow, lang)}the question with its longest answer, as the chat "
                    "keeps it once answered (under its progress line and section title) and "
                    f"in the summary, would be {entry:,} characters, more than a Telegram "
                    f"message ({MESSAGE_LIMIT:,}); {fix}",
                )
            )
    return found


def _too_long(flow: Flow, step: Step, lang: str, length: int) -> str:
    """Why a step is too long for its message, and what to do about it."""
    piped = _piped(flow, step.text, lang)
    if isinstance(step, InfoStep):
        # Not "move the explanation into an info step before it": that would send the
        # organiser in a circle. An info step is split into several, a message each.
        what = f"the information step as shown (section, text, help{piped}"
        fix = "split it into several info steps, one after the other"
    else:
        what = f"the question as shown (section, text, help, answers{piped}"
        fix = "shorten it, or move the explanation into an info step before it"
    return (
        f"{_in(flow, lang)}{what}, and about {FRAME} characters for progress and hints) "
        f"would be {length:,} characters, more than a Telegram message "
        f"({MESSAGE_LIMIT:,}); {fix}"
    )


def _labels_fit(flow: Flow, step: Step, loc: Loc) -> Found:
    """Button labels a phone shows whole; a longer one is cut on screen (each language
    said, as each is shortened on its own)."""
    labelled: list[tuple[Loc, Text]] = []
    if isinstance(step, SingleChoiceStep | MultipleChoiceStep | RankingStep):
        labelled = [((*loc, "choices", i, "label"), c.label) for i, c in enumerate(step.choices)]
        if not isinstance(step, RankingStep) and step.other_label is not None:
            labelled.append(((*loc, "other_label"), step.other_label))
    found: Found = []
    for lloc, label in labelled:
        # A plain text reads alike in every language: said once. A language a mapping
        # leaves out reads another's text: its missing translation is said instead.
        own = [(lang, suffix) for lang, suffix in _languages(flow, label) if suffix]
        for lang, suffix in own if isinstance(label, dict) else [(flow.language, ())]:
            length = shown_length(flow.text(label, lang))
            if length > BUTTON_LABEL:
                found.append(
                    (
                        (*lloc, *suffix),
                        f"{_in(flow, lang)}button label of {length} characters: a phone "
                        f"shows about {BUTTON_LABEL} on a button and cuts the rest; shorten it",
                    )
                )
    return found


def _in(flow: Flow, lang: str) -> str:
    return f"({lang}) " if len(flow.languages) > 1 else ""


def _piped(flow: Flow, text: Text, lang: str) -> str:
    return ", piped answers at their longest" if "{" in flow.text(text, lang) else ""

"""Braces that pipe nothing: `{ company }`, `{Company}`, `{company ?`, `{}` in a flow's texts.

A piped answer is written `{question_id}` (`flows.piping.PIPE`), in the texts that take
one; anything else in braces, and any brace in a title or a choice's label, is shown to
respondents as typed, braces and all. That is rarely meant, so `validate`
warns (not refuses: a flow that runs must go on starting), naming what it found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from flows.checks import Found, step_texts
from flows.model import Flow, Text
from flows.paths import Loc
from flows.piping import PIPE

STRAY = re.compile(r"\{[^{}\n]{0,40}\}?|\}")
"""What is left of a brace once every real pipe is taken out: up to its closing brace."""


PIPED: Final = frozenset({"text", "help", "placeholder", "min_label", "max_label"})
"""The keys of a step whose texts take piped answers; at the top, the intro, notice, thanks.
Titles, choices' labels and units are shown as written."""


def brace_warnings(flow: Flow) -> Found:
    """Each text holding a brace that pipes nothing, with what respondents would read."""
    found: Found = []
    for loc, text in _texts(flow):
        piped = loc[-1] in PIPED or loc in (("intro",), ("consent",), ("outro",))
        languages = text.values() if isinstance(text, dict) else [text]
        for written in dict.fromkeys(languages):
            stray = STRAY.search(PIPE.sub("", written) if piped else written)
            if stray is not None:
                found.append((loc, _said(stray.group(), piped)))
                break  # one warning per text: the fix is the same in every language
    return found


def _said(fragment: str, piped: bool) -> str:
    shown = fragment if len(fragment) <= 30 else fragment[:29] + "…"
    if not piped:
        return (
            f"'{shown}' is shown to respondents as typed, braces included: answers are piped "
            "into questions, their help and labels, the introduction and the thanks, not here"
        )
    return (
        f"'{shown}' is shown to respondents as typed, braces included: a piped answer is "
        "written {question_id} (lowercase, no spaces), or {question_id|text if no answer}"
    )


def _texts(flow: Flow) -> Iterator[tuple[Loc, Text]]:
    for key in ("title", "intro", "consent", "outro"):
        text = getattr(flow, key)
        if text is not None:
            yield (key,), text
    for si, section in enumerate(flow.sections):
        yield ("sections", si, "title"), section.title
        for qi, step in enumerate(section.steps):
            yield from step_texts(step, ("sections", si, "steps", qi))

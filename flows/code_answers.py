"""Answers to a `code` question: a code from a closed list (the French départements), typed
as a code or a name, read back by name, and the names a refused reply may have meant."""

from __future__ import annotations

import difflib
import re

from flows.list_codes import code_key
from flows.messages import message
from flows.model import CodeStep, Flow, Step
from flows.typed_text import clean_text, fold

# A name typed with or without its article: "Réunion" is "La Réunion".
ARTICLE = re.compile(r"^(la|le|les|l) ")
SEPARATOR = re.compile(r"[\s\-'’.,_–—]+")
# As names are written on signs and in addresses: "Seine St Denis", "Ste-Marie".
SHORT_FORMS = {"st": "saint", "ste": "sainte"}
# How many names a refusal offers at most, and how long a reply must be to be matched
# against them: "Lo" would start a dozen names.
NEAR = 4
NEAR_LENGTH = 3
# How alike a misspelt name must be (difflib's ratio): "Finistaire" is to "Finistère" (0.84),
# "Lyon" is not to "Yonne" (0.67).
CLOSE = 0.8


def read_code(flow: Flow, step: CodeStep, text: str) -> str | None:
    """The code a typed reply names: the code in any case, with or without leading zeros
    ("1" is "01", "2a" is "2A"), or a name whatever its case, accents and hyphens
    ("cotes d armor"), or both as read back ("45 – Loiret"). None if not exactly one."""
    typed = clean_text(text)
    by_key = {code_key(code): code for code in step.codes}
    if typed.isascii() and typed.isalnum():
        found = by_key.get(code_key(typed))
        if found is not None:
            return found
    names = _by_name(flow, step)
    named = names.get(_name_key(typed))
    if named is not None:
        return named[0] if len(named) == 1 else None  # a name two codes share names neither
    first, _, rest = typed.partition(" ")
    code = by_key.get(code_key(first.rstrip("-–—:"))) if first.isascii() else None
    if code is not None and rest and code in names.get(_name_key(rest), []):
        return code
    return None


def _by_name(flow: Flow, step: CodeStep) -> dict[str, list[str]]:
    """Each name, in every language, to its codes: two for a name two codes share."""
    found: dict[str, list[str]] = {}
    for code, label in step.codes.items():
        names = {label} if isinstance(label, str) else set(label.values())
        for key in {_name_key(name) for name in names}:
            found.setdefault(key, []).append(code)
    return found


def _name_key(text: str) -> str:
    words = SEPARATOR.sub(" ", fold(text)).split()
    return ARTICLE.sub("", " ".join(SHORT_FORMS.get(word, word) for word in words))


def code_refusal(flow: Flow, step: CodeStep, near: list[str], lang: str) -> str:
    """Why a typed code was refused: the names it may have meant (`near_codes`; "Corse":
    Corse-du-Sud (2A) or Haute-Corse (2B)), else examples of what is accepted ("45, 2A ou
    Loiret")."""
    if near:
        names = [f"{code_name(flow, step, code, lang)} ({code})" for code in near]
        listed = ", ".join(names[:-1]) + f" {message('or', lang)} " + names[-1]
        return message("near_code", lang, names=listed if len(names) > 1 else names[0])
    codes = step.shown_examples
    name = flow.text(step.codes[codes[0]], lang)
    examples = f"{', '.join(codes)} {message('or', lang)} {name}"
    return message("unknown_code", lang, examples=examples)


def near_codes(flow: Flow, step: CodeStep, text: str) -> list[str]:
    """The codes whose names a refused reply may have meant, in the list's order: names with
    a word starting as typed ("Corse", "Loir"; a name two codes share, both), else names
    spelt nearly so ("Finistaire"). Empty when more than `NEAR` would be offered
    ("Haute"): a list to read is no hint."""
    typed = _name_key(text)
    if len(typed) < NEAR_LENGTH:
        return []
    names = _by_name(flow, step)
    word_starts = {
        c for name, codes in names.items() if f" {name}".find(f" {typed}") >= 0 for c in codes
    }
    name_starts = {c for name, codes in names.items() if name.startswith(typed) for c in codes}
    close = difflib.get_close_matches(typed, list(names), n=NEAR, cutoff=CLOSE)
    for found in (word_starts, name_starts, {c for name in close for c in names[name]}):
        if 0 < len(found) <= NEAR:
            return [code for code in step.codes if code in found]
    return []


def code_name(flow: Flow, step: CodeStep, code: str, lang: str) -> str:
    """The name of a code, or the code itself if the list no longer has it."""
    label = step.codes.get(code)
    return code if label is None else flow.text(label, lang)


def code_labels(flow: Flow, step: Step, lang: str) -> list[tuple[str, str]]:
    """(code, name) of each code of a `code` question: for exports and the codebook.

    Kept apart from `choice_labels`, which are the buttons a question shows.
    """
    if not isinstance(step, CodeStep):
        return []
    return [(code, flow.text(label, lang)) for code, label in step.codes.items()]

"""What a YAML parser error means, in an organiser's words, at the line of the slip.

PyYAML says "could not find expected ':'" on the line after a key without its
colon, and "expected <block end>, but found '?'" for a line indented wrongly (a
'?' that is not in the file): said here as the slip itself, with the file's own
text where it helps (`city Montargis` -> "as in `city: Montargis`").
"""

from __future__ import annotations

import re

import yaml

from flows.errors import Problem

# PyYAML's words for the commonest slips, and what to do about them. French typography
# puts a space before ':' and '?', which YAML reads as the start of a key.
YAML_HINTS = {
    "mapping values are not allowed": (
        "quote a text that holds ': ' (\"Enquête : fablabs\"), or check the indentation"
    ),
    "expected ',' or '}'": "inside { }, quote each text that holds ' ?', ':' or ',' (\"Note ?\")",
    "expected ',' or ']'": "inside [ ], quote each text that holds ' ?', ':' or ',' (\"Oui ?\")",
}
INDENTATION = (
    "the indentation of this line does not match the lines above it: give it the same "
    "number of spaces as the other keys of its block"
)
SECOND_DOCUMENT = (
    "'---' starts a second document here, and a flow or stages file holds one: remove this "
    "line (and what follows it, if it was pasted from another file)"
)
# `city Montargis`: a word, a space, the rest (not a list item, a comment or a quote).
KEY_AND_VALUE = re.compile(r"\s*(?:-\s+)?([^\s#\"'\-{}\[\]][^\s:]*)[ \t]+([^#:]*?)\s*")

# A line that starts with a key, as `text:` does; not words ("avez-vous :").
KEY_ONLY = re.compile(r"\s*(?:-\s+)?[A-Za-z_][\w-]*:")

# A text written plainly after its key (`text: Quel est le nom`, `fr: Bonjour`), which a
# next line at the same indentation does not carry on.
TEXT_ABOVE = re.compile(
    r"(\s*)(?:-\s+)?(text|title|help|intro|outro|consent|label|placeholder|fr|en|city|place)"
    r":[ \t]+[^\s#\[{\"'|>]"
)

# A no-break space (French typography puts them before ':' and '?', so the bundled files
# are full of them) where YAML needs an ordinary one: it reads it as a letter.
NO_BREAK = "\u00a0\u202f\u2007"
NO_BREAK_SLIPS = (
    (re.compile(f"[ {NO_BREAK}]*[{NO_BREAK}]"), "indents this line"),
    (re.compile(f" *-[{NO_BREAK}]"), "follows the '-' of this list item"),
    (re.compile(f" *(?:- +)?([^\\s:#'\"{{\\[][^:#]*):[{NO_BREAK}]"), "follows '{}:'"),
)


def yaml_problem(file: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    """The problem a parser error stands for, located at the slip rather than where the
    parser noticed it."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    problem, context = error.problem or "", error.context_mark
    if (slip := _no_break_space(text, error)) is not None:
        return Problem(file, slip[0], f"invalid YAML: {slip[1]}")
    if "'\\t'" in problem and error.problem_mark is not None:
        return Problem(file, line, f"invalid YAML: {_tab(text, error.problem_mark)}")
    if problem.startswith("could not find expected ':'") and context is not None:
        # Noticed on the next line: the slip is the key the scan started at.
        return Problem(file, context.line + 1, f"invalid YAML: {_colon(text, context)}")
    if problem.startswith("but found another document"):
        return Problem(file, line, f"invalid YAML: {SECOND_DOCUMENT}")
    if problem.startswith("expected <block end>") and error.problem_mark is not None:
        return Problem(file, line, f"invalid YAML: {_indentation(text, error.problem_mark)}")
    at = error.problem_mark
    if problem.startswith("mapping values") and at and (deeper := _under_a_value(text, at)):
        return Problem(file, line, f"invalid YAML: {deeper}")
    message = f"invalid YAML: {problem or error.context}"
    if problem and error.context and context and context.line + 1 != line:
        # The slip is often where the context starts (an unclosed quote, a mapping).
        message += f" ({error.context} at line {context.line + 1})"
    hints = [hint for needle, hint in YAML_HINTS.items() if needle in problem]
    return Problem(file, line, message + "".join(f"; {hint}" for hint in hints))


def _line(text: str, mark: yaml.Mark) -> str:
    lines = text.splitlines()
    return lines[mark.line] if 0 <= mark.line < len(lines) else ""


def _colon(text: str, mark: yaml.Mark) -> str:
    """A key without its ':', with the line's own words as the example; or, under a text
    (`text: Quel est le nom`), that text carried on at its key's indentation, which the
    parser reads the same way."""
    lines = text.splitlines()
    line = lines[mark.line] if 0 <= mark.line < len(lines) else ""
    found = KEY_AND_VALUE.fullmatch(line)
    example = f"{found[1]}: {found[2]}" if found and found[2] else "city: Montargis"
    said = f"a key needs ':' after it, as in `{example}`"
    above = TEXT_ABOVE.match(lines[mark.line - 1]) if 0 < mark.line <= len(lines) else None
    if above and len(line) - len(line.lstrip()) <= len(above[1]) + 2:
        said += (
            f"; or, if this line carries on the text above, indent it further than "
            f"'{above[2]}:', or put the whole text in quotes"
        )
    return said


def _indentation(text: str, mark: yaml.Mark) -> str:
    """A line indented unlike its block; or, when it is indented deeper than a line above
    that opens no block, that line may be the one too little indented (a list's first
    item moved left, the next ones not): both are named."""
    lines = text.splitlines()
    above = next(
        (
            index
            for index in range(min(mark.line, len(lines)) - 1, -1, -1)
            if lines[index].strip() and not lines[index].lstrip().startswith("#")
        ),
        None,
    )
    if above is None or mark.line >= len(lines):
        return INDENTATION
    line, previous = lines[mark.line], lines[above]
    indent = len(line) - len(line.lstrip(" "))
    # Where the keys of the line above start, past its list dashes ("- - key").
    content = len(previous) - len(previous.lstrip(" -"))
    opens_block = previous.split(" #")[0].rstrip().endswith((":", "|", ">"))
    if opens_block or indent < content:
        return INDENTATION
    return (
        f"the indentation of this line does not match the line above it (line {above + 1}), "
        f"which is indented less: if this line is right, indent line {above + 1} as much ({indent} spaces); "
        "if not, give this line the same number of spaces as the other keys of its block"
    )


def _under_a_value(text: str, mark: yaml.Mark) -> str | None:
    """A key indented deeper than the line above, which has its value already (`type:
    number`): the parser stops at the key's own ':', not at a ': ' inside a text, so
    the indentation is the slip, not a text to quote. None when it is not that, or may
    not be: a ':' after words ("avez-vous : au total"), or under a text, whose next line
    may carry it on ("Note: …" under `title: Enquête sur les fablabs,`)."""
    lines = text.splitlines()
    line = _line(text, mark)
    if not KEY_ONLY.match(line) or line.find(":") != mark.column:
        return None  # words before the ':', or a second ':' on the line: a text
    above = next(
        (index for index in range(mark.line - 1, -1, -1)
         if lines[index].strip() and not lines[index].lstrip().startswith("#")),
        None,
    )  # fmt: skip
    if above is None:
        return None
    previous = lines[above]
    indent, content = len(line) - len(line.lstrip(" ")), len(previous) - len(previous.lstrip(" -"))
    if indent <= content or previous.split(" #")[0].rstrip().endswith((":", "|", ">")):
        return None
    if TEXT_ABOVE.match(previous):
        return None
    key = previous.strip().lstrip("- ").split(":")[0]
    spaces = f"{content} spaces" if content else "at the start of the line"
    return (
        f"this line is indented deeper than line {above + 1} (`{previous.strip()}`), which "
        f"already has its value: indent it as '{key}:' is ({spaces})"
    )


def _tab(text: str, mark: yaml.Mark) -> str:
    """A tab, which YAML allows in no place an organiser is likely to put one."""
    line, column = _line(text, mark), mark.column
    before, after = line[:column], line[column:].lstrip(" \t")
    where = f"a tab at column {column + 1}"
    if not before.strip(" \t"):
        if not after:
            return f"{where} of a blank line: remove it"
        if after.startswith("#"):
            return f"{where}, before a comment: use spaces, not tabs"
        return f"{where} indents this line: indent with spaces, not tabs"
    if before.rstrip(" \t").endswith(":"):
        key = before.rstrip(" \t").lstrip(" -")
        return f"{where}, after '{key}': put a space after ':', not a tab"
    return f"{where}: replace it with a space"


def _no_break_space(text: str, error: yaml.MarkedYAMLError) -> tuple[int, str] | None:
    """A no-break space indenting a line, or after its '-' or its key's ':', at or just
    above where the parser stopped (it reads the line as a text going on): line, message."""
    marks = [mark for mark in (error.problem_mark, error.context_mark) if mark is not None]
    if not marks:
        return None
    lines = text.splitlines()
    last = max(mark.line for mark in marks)
    first = max(0, min(mark.line for mark in marks) - 2)
    for index in range(min(last, len(lines) - 1), first - 1, -1):
        for pattern, where in NO_BREAK_SLIPS:
            found = pattern.match(lines[index])
            if found:
                said = where.format(*found.groups())
                return index + 1, (
                    f"a no-break space {said}, where YAML needs an ordinary space: "
                    "delete it and type a plain space"
                )
    return None

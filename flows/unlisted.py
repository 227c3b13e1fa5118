"""Texts in a language the flow does not list, said once per language with the fix.

A flow written in French and English whose `languages:` line was left out lists
only French (the default): every one of its texts has an `en` the flow does not
know. Said at each text, that is one line per text (37 for a short flow) and no
fix; said here once, at the first, with the `languages:` line to write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flows.paths import Loc

Said = tuple[Loc, str, bool]
"""Where (in the file), what, and whether it is a warning only."""


def unlisted_language(lang: str, wanted: Sequence[str]) -> str:
    """What `flows.checks` says of one text in `lang`, a language not in `wanted`."""
    return f"language '{lang}' is not in the flow's languages {list(wanted)}"


def gathered(
    said: Sequence[Said],
    languages: Sequence[str],
    given: bool,
    line: Callable[[Loc], int | None],
) -> list[Said]:
    """`said` with the texts in each unlisted language said once, at the first (by line).

    `languages` are the flow's, `given` whether the file lists them (else they are the
    default); `line(loc)` finds a loc in the file.
    """
    found: dict[str, list[Said]] = {}
    kept: list[Said] = []
    for item in said:
        loc, message, _ = item
        lang = loc[-1] if loc else None
        if isinstance(lang, str) and message == unlisted_language(lang, languages):
            found.setdefault(lang, []).append(item)
        else:
            kept.append(item)
    first = {lang: min(items, key=lambda item: line(item[0]) or 0) for lang, items in found.items()}
    meant = [*languages, *sorted(first, key=lambda lang: line(first[lang][0]) or 0)]
    for lang, (loc, _, warning) in first.items():
        more = len(found[lang]) - 1
        kept.append((loc, _said(lang, more, languages, meant, given), warning))
    return kept


def _said(lang: str, more: int, languages: Sequence[str], meant: list[str], given: bool) -> str:
    fix = f"`languages: [{', '.join(meant)}]`"
    texts = "1 more text is" if more == 1 else f"{more} more texts are"
    rest = f"; {texts} in {lang} too (said here once)" if more else ""
    if given:
        return (
            f"{unlisted_language(lang, languages)}: add it, {fix}, or remove the texts "
            f"in {lang}{rest}"
        )
    return (
        f"this text is written in {lang} too, but `languages` lists only "
        f"{', '.join(languages)} (the default, as the file has no `languages:` line): "
        f"add {fix}{rest}"
    )

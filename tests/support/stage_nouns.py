"""Stages files of made-up organisations, each calling its stages something else.

`write_stages(folder, noun)` writes a two-stage file (Pithiviers, 5 June 2019, and
Évreux, 4 July 2019) whose `called:` block says `noun`: a fablab network's "journée
portes ouvertes" (feminine, no vowel), a trade body's "salon" (masculine), an
"événement" (masculine, an accented vowel), or nothing at all ("atelier", the default).
`MIXED` calls Pithiviers a "salon" and Évreux a "journée portes ouvertes".
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

CALLED: Final = {
    "journée": (
        "  fr: {one: journée portes ouvertes, many: journées portes ouvertes, gender: f}\n"
        "  en: {one: open day, many: open days}\n"
    ),
    "salon": (
        "  fr: {one: salon, many: salons, gender: m}\n  en: {one: trade fair, many: trade fairs}\n"
    ),
    "événement": (
        "  fr: {one: événement, many: événements, gender: m}\n  en: {one: event, many: events}\n"
    ),
    "atelier": "",
}
NOUNS: Final = tuple(CALLED)

STAGES: Final = """\
stages:
  - code: pithiviers
    city: Pithiviers
    date: 2019-06-05
  - code: evreux
    city: Évreux
    date: 2019-07-04
"""

MIXED: Final = """\
stages:
  - code: pithiviers
    city: Pithiviers
    date: 2019-06-05
    called:
      fr: {one: salon, many: salons, gender: m}
      en: {one: trade fair, many: trade fairs}
  - code: evreux
    city: Évreux
    date: 2019-07-04
    called:
      fr: {one: journée portes ouvertes, many: journées portes ouvertes, gender: f}
      en: {one: open day, many: open days}
"""


def stages_text(noun: str) -> str:
    called = CALLED[noun]
    return (f"called:\n{called}" if called else "") + STAGES


def write_stages(folder: Path, noun: str) -> Path:
    """A stages file calling its two stages `noun` ("mixed": each its own)."""
    path = folder / f"stages-{noun}.yaml"
    path.write_text(MIXED if noun == "mixed" else stages_text(noun), encoding="utf-8")
    return path

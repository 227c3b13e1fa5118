"""A made-up UK network's survey in one language only, and its stages file.

The Example Makers Network asks its members a few questions in English alone
(`language: en`, `languages: [en]`), at stages its file calls "meetups". `flow_text(lang)`
writes the same questionnaire as if it were in another single language (`de`): the
texts stay English, only the declared language changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

FLOW: Final = """\
id: emn_members_2027
version: 1
language: {lang}
languages: [{lang}]
title: "Example Makers Network members' survey"
intro: "Hello! This survey takes about 5 minutes."
consent: "Example Makers Network (contact: survey@example.org) keeps your answers for 12 months."
outro: "Thank you {{member_name|very much}}! See you at the next meetup."
sections:
  - id: about
    title: "About you"
    steps:
      - id: member_name
        type: text
        personal: true
        text: "What is the name of your business?"
        max_length: 120
      - id: trade
        type: single_choice
        text: "What does {{member_name|your business}} mainly make?"
        other: true
        choices:
          - {{code: wood, label: "Woodwork and furniture"}}
          - {{code: metal, label: "Metalwork"}}
      - id: staff
        type: number
        text: "How many people work at {{member_name|your business}}?"
        min: 0
        max: 10000
"""

STAGES: Final = """\
called:
  en: {one: meetup, many: meetups}
stages:
  - code: leeds_spring
    city: Leeds
    region: Yorkshire and the Humber
    date: 2027-03-10
  - code: bristol_summer
    city: Bristol
    region: South West
    date: 2027-06-16
"""


def flow_text(lang: str = "en") -> str:
    return FLOW.format(lang=lang)


def write_flow(folder: Path, lang: str = "en") -> Path:
    path = folder / f"flow_{lang}.yaml"
    path.write_text(flow_text(lang), encoding="utf-8")
    return path


def write_stages(folder: Path) -> Path:
    path = folder / "stages.yaml"
    path.write_text(STAGES, encoding="utf-8")
    return path

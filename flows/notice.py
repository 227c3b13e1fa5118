"""A notice still holding a template's mark ("[modèle à adapter par l’organisateur]").

The bundled questionnaires ship a notice to be rewritten by whoever runs the
survey: who collects, why, for how long, whom to write to. Its first line says
so in square brackets. Left as it is, respondents would agree to a notice
nobody wrote for them, so `run` and `serve` say it at start, and `validate`
warns at its line (the template itself is a valid file: it still says "ok").
`chat`, a rehearsal, does not.
"""

from __future__ import annotations

import re

from flows.model import Flow

MARK = re.compile(r"\[[^\]\n]{3,120}\]")
"""A note in square brackets, as templates mark what is to be replaced ("[1]" is not one)."""


def template_marks(flow: Flow) -> list[str]:
    """The bracketed marks left in the notice, each once, in the order of its languages."""
    if flow.consent is None:
        return []
    found = (
        mark for lang in flow.languages for mark in MARK.findall(flow.text(flow.consent, lang))
    )
    return list(dict.fromkeys(found))

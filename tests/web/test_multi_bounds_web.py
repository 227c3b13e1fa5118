"""The web chat says a multiple choice's bounds under it, before a refusal has to.

"Vos deux principaux freins ?" asks for at least two answers; its "Aucun frein"
(exclusive) answers alone. The page's hint said "Plusieurs réponses possibles"
until someone ticking one box was refused. As the terminal does now
(tests/bot/test_terminal_multi_bounds.py), the hint says how many, and which
answer stands alone; even when the question's help already says "plusieurs
réponses", a minimum is said.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, load_flow
from tests.flows.test_exclusive_alone import FLOW
from tests.web.conftest import VisitorFactory

HINTS = {
    ("fr", ""): "Au moins 2 réponses, ou seulement « Aucun frein ».",
    ("en", ""): "At least 2 answers, or only “No obstacle”.",
    ("fr", "3"): "De 2 à 3 réponses, ou seulement « Aucun frein ».",
    ("en", "3"): "2 to 3 answers, or only “No obstacle”.",
    ("fr", "2"): "Exactement 2 réponses, ou seulement « Aucun frein ».",
    ("en", "2"): "Exactly 2 answers, or only “No obstacle”.",
}
HELP = '        help: {fr: "Plusieurs réponses possibles.", en: "Several answers possible."}\n'


def written(folder: Path, text: str) -> Flow:
    path = folder / "obstacles.yaml"
    path.write_text(text, encoding="utf-8")
    return load_flow(path)


def bounded(most: str, *, exclusive: bool = True, helped: bool = False) -> str:
    text = FLOW
    if most:
        text = text.replace("min_selected: 2\n", f"min_selected: 2\n        max_selected: {most}\n")
    if not exclusive:
        text = text.replace(", exclusive: true", "")
    if helped:
        text = text.replace("        choices:\n", HELP + "        choices:\n", 1)
    return text


@pytest.fixture
def flow(request: pytest.FixtureRequest, tmp_path: Path) -> Flow:
    return written(tmp_path, getattr(request, "param", bounded("")))


def hint_of(page_html: str) -> str | None:
    """The hint under the question's text, as written (no-break spaces as spaces)."""
    start = page_html.find('<p class="hint" id="hint">')
    if start < 0:
        return None
    end = page_html.index("</p>", start)
    return page_html[start + len('<p class="hint" id="hint">') : end].replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("flow", "lang", "most"),
    [(bounded(most), lang, most) for lang, most in HINTS],
    indirect=["flow"],
    ids=[f"{lang}-{most or 'open'}" for lang, most in HINTS],
)
async def test_the_hint_says_how_many_and_the_choice_alone(
    visitor: VisitorFactory, lang: str, most: str
) -> None:
    ana = visitor()
    page = await ana.get("/chat?stage=pithiviers")  # no notice: the question at once
    if lang == "en":
        page = await ana.press_through("English")
    assert page.question is not None and page.question.step == "freins", page.text[:300]
    assert hint_of(page.html) == HINTS[lang, most]
    # And what it says is taken: the choice alone.
    page = await ana.tick("Aucun frein" if lang == "fr" else "No obstacle")
    assert page.question is not None and page.question.step == "after", page.text[:300]


@pytest.mark.parametrize(
    ("flow", "hint"),
    [
        (bounded("", helped=True), "Au moins 2 réponses, ou seulement « Aucun frein »."),
        (bounded("", exclusive=False), "Au moins 2 réponses."),
        (bounded("", exclusive=False, helped=True), "Au moins 2 réponses."),
    ],
    indirect=["flow"],
    ids=["help-says-several", "no-exclusive", "no-exclusive-help-says-several"],
)
async def test_a_minimum_is_said_even_when_the_help_says_several(
    visitor: VisitorFactory, hint: str
) -> None:
    ana = visitor()
    page = await ana.get("/chat?stage=pithiviers")
    assert hint_of(page.html) == hint


@pytest.mark.parametrize(
    ("flow", "hint"),
    [
        (bounded("").replace("        min_selected: 2\n", ""), "Plusieurs réponses possibles."),
        (bounded("", helped=True).replace("        min_selected: 2\n", ""), None),
    ],
    indirect=["flow"],
    ids=["one-or-more", "one-or-more-help-says-it"],
)
async def test_one_or_more_keeps_the_plain_hint(visitor: VisitorFactory, hint: str | None) -> None:
    ana = visitor()
    page = await ana.get("/chat?stage=pithiviers")
    assert hint_of(page.html) == hint

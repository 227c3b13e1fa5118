"""Back at a question answered with "Other": its button shows the words given.

"Autre secteur" was marked as the current answer, but "Horlogerie", what the person
wrote, showed only once the button was pressed again. The button now reads "Autre
secteur : Horlogerie", on a single choice as on a multiple one.
"""

from __future__ import annotations

from flows import Flow
from tests.web.conftest import VisitorFactory

AGREE = "✅ J’accepte"


async def test_back_at_a_single_choice_answered_other_shows_its_words(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    await ana.press_through(AGREE)
    await ana.type("ACME")
    await ana.press_through("Autre secteur")
    page = await ana.type("Horlogerie")
    assert page.question is not None and page.question.step == "headcount"

    page = await ana.press_through("← Retour")

    assert page.question is not None and page.question.step == "sector"
    others = [label for label in page.labels() if label.startswith("Autre secteur")]
    # One button, with its words (the page's labels read with plain spaces).
    assert others == ["Autre secteur : Horlogerie (réponse actuelle)"]
    assert "Autre secteur\u00a0: Horlogerie" in page.html
    # Pressed again, its field holds those words, to keep or change.
    again = await ana.press_through("Autre secteur : Horlogerie")
    assert again.question is not None and again.question.text is not None
    assert again.question.text.value == "Horlogerie"

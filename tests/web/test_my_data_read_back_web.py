""" "Mes données" on the page lists each response with its answers under their questions.

The downloadable JSON keeps codes and ids, for whoever processes it; the page is
for the person, who reads "Métallurgie, mécanique", not "metal_mech", folded under
their response so that fifty answers do not push the question out of sight.
"""

from __future__ import annotations

import html
import json
import re

from flows import Flow
from tests.web.conftest import VisitorFactory
from tests.web.test_rights import three_answers_in


def _listed(page_html: str) -> list[tuple[str, str]]:
    """The (question, answer) pairs of the data card's list, as read."""
    card = page_html[page_html.index('class="card data"') :]
    card = card[: card.index("</section>")]
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", card, re.S)
    plain = [(re.sub(r"<[^>]+>", "", q), re.sub(r"<[^>]+>", "", a)) for q, a in pairs]
    return [(html.unescape(q).strip(), html.unescape(a).strip()) for q, a in plain]


async def test_the_answers_are_listed_under_their_questions_in_words(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)
    page = await ana.press("Mes données")

    stored = json.loads((await ana.client.get("/mydata.json")).text)
    [response] = stored["responses"]
    sector = flow.step("sector")
    code = response["answers"]["sector"]["value"]
    label = next(c for c in sector.choices if c.code == code).label  # type: ignore[attr-defined]

    listed = _listed(page.html)
    assert [question for question, _ in listed] == [
        "Quel est le nom de votre entreprise\u00a0?",
        "Quel est le secteur d’activité principal d’ACME\u00a0?",
        "Combien de salariés compte ACME\u00a0?",
    ]
    assert listed[0][1] == "ACME"
    assert listed[1][1] == flow.text(label, "fr")
    assert code not in [answer for _, answer in listed]
    # Folded under the response's line; no "•": the list draws its own items.
    assert "Voir les réponses" in page
    assert "• Questionnaire" not in page.text
    assert "(Pithiviers) : en cours, 3\u00a0réponses" in page

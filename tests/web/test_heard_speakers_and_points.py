"""What a screen reader hears of the notice and of the answers so far, in a real Chromium.

The notice's five points ("• Qui : …") were one paragraph, each bullet spoken; they are
a list now, heard "liste, 5 éléments". In "Vos réponses jusqu’ici", nothing said which
line was the question and which the respondent's answer (the bubbles' sides and colours
say it to the eye): each is now introduced, "Question :", "Votre réponse :".
"""

from __future__ import annotations

import contextlib

from tests.web.phone import Phones, Server, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()


def test_the_notice_points_are_a_list_and_the_question_its_own_paragraph(
    server: Server, phones: Phones
) -> None:
    ana = phones(scripts=True)
    ana.open(f"{server.url}/chat?stage=pithiviers")
    notice = ana.page.locator("#waiting-text")
    expect(notice).to_contain_text("Acceptez-vous de répondre")
    points = notice.get_by_role("listitem")
    expect(points).to_have_count(5)
    expect(points.first).to_have_text("Qui\u00a0: la fondation InnovENT-E recueille vos réponses.")
    said = notice.aria_snapshot()
    assert "•" not in said, said  # the bullets are the list's, not spoken characters
    last = notice.get_by_role("paragraph").last
    expect(last).to_have_text(
        "Votre participation est volontaire. Acceptez-vous de répondre dans ces conditions\u00a0?"
    )
    ana.check_clean()


def test_the_answers_so_far_say_who_said_what(server: Server, phones: Phones) -> None:
    ana = phones(scripts=False)
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("Duval SA")
    said = ana.page.locator(".transcript").aria_snapshot()  # no-break spaces said as spaces
    order = [
        'text: "Question :"',
        "paragraph: Quel est le nom de votre entreprise",
        'text: "Votre réponse :"',
        "paragraph: Duval SA",
    ]
    assert [said.find(line) for line in order] == sorted(said.find(line) for line in order)
    assert -1 not in [said.find(line) for line in order], said
    # Seen as before: the bubbles alone, the words for the ear only.
    expect(ana.page.locator(".transcript .bubble.me")).to_have_text(["Duval SA"])
    box = ana.page.get_by_text("Votre réponse\u00a0:").bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1  # visually hidden
    ana.check_clean()

"""At 200 % zoom on a 360 px phone (180 CSS px), in a real Chromium: words wrap at spaces.

A word is cut only when it is wider than its line ("d’accompagnement" in a heading, a
made-up word of 60 letters, a long address), and then within the screen: not
"question|naire" in the notice, "caractè|res" in a refusal, "Compréhens|ion" beside a
box to tick, nor a label past the screen's edge. Through every kind of screen of a
short flow with the long French words of the bundled questionnaire, written here.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.web.phone import Phone, Server, skip_without_a_browser
from tests.web.test_web_zoom_reflow import lines_of, sideways

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()

LONG_WORDS = """\
id: words
version: 1
title: {fr: Questionnaire sur l’innovation, en: Innovation questionnaire}
languages: [fr, en]
intro: {fr: Bonjour, en: Hello}
consent:
  fr: "Ce questionnaire est proposé par l’organisateur de l’atelier. Acceptez-vous de répondre ?"
  en: "This questionnaire comes from the workshop's organiser. Do you agree to answer?"
outro: {fr: "Merci !", en: "Thanks!"}
sections:
  - id: about
    title: {fr: Entreprise, en: Company}
    steps:
      - id: company
        type: text
        text: {fr: "Nom de l’entreprise ?", en: "Company name?"}
        max_length: 120
      - id: sector
        type: single_choice
        text:
          fr: "Quel est le secteur d’activité principal de votre établissement ?"
          en: "Main sector?"
        choices:
          - {code: food, label: {fr: Agroalimentaire, en: Food}}
          - {code: trade, label: {fr: "Développement commercial", en: Trade}}
          - {code: rules, label: {fr: "Environnement, réglementation", en: Rules}}
      - id: skills
        type: multiple_choice
        text:
          fr: "En innovation, créativité et entrepreneuriat, quelles compétences recherchez-vous ?"
          en: "Skills sought?"
        choices:
          - {code: clients, label: {fr: "Compréhension des clients", en: Clients}}
          - {code: trade, label: {fr: "Développement commercial", en: Trade}}
          - {code: watch, label: {fr: "Veille technologique", en: Watch}}
          - {code: rules, label: {fr: "Normes, réglementation", en: Rules}}
      - id: support
        type: long_text
        text:
          fr: "Quels sont vos besoins d’accompagnement en développement international ?"
          en: "Support needed?"
        max_length: 1000
"""
MADE_UP = "Anticonstitutionnellementsupercalifragilisticexpialidocieuxx"
ADDRESS = "https://www.example.org/ateliers/pithiviers/comptes-rendus/innovation-2019.pdf"

NEEDLESSLY_CUT = """root => {
    // Each piece of text between spaces (no-break ones too) and hyphens: drawn on more than
    // one line though narrower than the line its box gives it, it was cut needlessly.
    const cut = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        let box = node.parentElement;
        while (getComputedStyle(box).display.startsWith("inline")) box = box.parentElement;
        const style = getComputedStyle(box);
        const line = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        for (const word of node.data.matchAll(/[^\\s-]+/gu)) {
            const range = document.createRange();
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            const rects = [...range.getClientRects()].filter(r => r.width > 0);
            const width = rects.reduce((sum, r) => sum + r.width, 0);
            if (new Set(rects.map(r => Math.round(r.top))).size > 1 && width < line - 0.5) {
                cut.push(`${word[0]} (${Math.round(width)} px, its line ${Math.round(line)} px)`);
            }
        }
    }
    return cut;
}"""


@pytest.fixture
def served_flow(tmp_path: Path) -> Path:
    flow = tmp_path / "words.yaml"
    flow.write_text(LONG_WORDS, encoding="utf-8")
    return flow


def reads_well(phone: Phone, name: str) -> None:
    """Nothing scrolls sideways, no word is cut that its line could hold whole."""
    assert sideways(phone) == 0, name
    assert phone.page.locator("body").evaluate(NEEDLESSLY_CUT) == [], name
    phone.shot(name)


def test_words_wrap_at_spaces_at_200_percent(server: Server, zoomed: Phone) -> None:
    ana = zoomed
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    reads_well(ana, "notice")
    assert lines_of(page.locator("#waiting-text"), "questionnaire") == 1
    ana.tap("✅ J’accepte")

    # "Votre réponse fait 150 caractères ; la limite est de 120.": the count and its
    # word, held together, on a line of their own rather than "150 caractè|res".
    page.locator("#answer").fill("y" * 150)
    ana.press(page.get_by_role("button", name="Envoyer"))
    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("150\u00a0caractères")
    reads_well(ana, "refused")
    assert lines_of(refusal, "caractères") == 1
    ana.type("Exemple SARL")

    reads_well(ana, "choices")
    ana.tap("Agroalimentaire")

    reads_well(ana, "ticks")
    ana.tick("Compréhension des clients", "Développement commercial")

    # A word longer than any line, an address: cut, within the screen.
    reads_well(ana, "long-text")
    ana.type(f"{MADE_UP} {ADDRESS}")
    expect(page.locator(".summary")).to_contain_text(MADE_UP)
    reads_well(ana, "summary")
    assert lines_of(page.locator(".summary"), MADE_UP) > 1
    ana.check_clean()

"""`surveybot links` writes the cards in the questionnaire's language unless told.

A made-up members' survey in English only ("Example Makers Network") printed its
invitation cards in French ("Liens d’invitation", "10 mars 2027"): `--lang` defaulted to
French whatever the flow. The bundled tour (French first) keeps its French cards.
"""

from __future__ import annotations

from pathlib import Path

from tests.organiser.survey import STAGES
from tests.organiser.test_organiser_cli import BOT, invoke

ENGLISH_ONLY = """\
id: makers_survey
version: 1
title: "Example Makers Network members' survey"
language: en
languages: [en]
sections:
  - id: about
    title: "About you"
    steps:
      - id: made
        type: text
        text: "What does your business mainly make?"
"""


def test_an_english_only_questionnaire_gets_english_cards(tmp_path: Path) -> None:
    flow = tmp_path / "makers.yaml"
    flow.write_text(ENGLISH_ONLY, encoding="utf-8")
    out = tmp_path / "cards"
    result = invoke(
        "links", "--bot-username", BOT, "--stages", STAGES, "--flow", flow, "--out", out
    )
    assert result.exit_code == 0, result.output
    page = (out / "links.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in page
    assert "Liens d’invitation" not in page and "Scannez" not in page
    # Told otherwise, it obeys.
    french = tmp_path / "cartes"
    told = ("links", "--bot-username", BOT, "--stages", STAGES, "--flow", flow, "--lang", "fr")
    assert invoke(*told, "--out", french).exit_code == 0
    assert '<html lang="fr"' in (french / "links.html").read_text(encoding="utf-8")


def test_the_bundled_tour_keeps_its_french_cards(tmp_path: Path) -> None:
    out = tmp_path / "cartes"
    assert invoke("links", "--bot-username", BOT, "--stages", STAGES, "--out", out).exit_code == 0
    assert '<html lang="fr"' in (out / "links.html").read_text(encoding="utf-8")

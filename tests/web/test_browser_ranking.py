"""A ranking on a phone, in a real Chromium: its order kept when coming back to it."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.conftest import MINI
from tests.web.phone import RANKS, Phones, Server, answers, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()


class TestRanking:
    """A ranking on a phone, on the small flow that has one (the bundled questionnaires
    ask for "up to 3" instead)."""

    @pytest.fixture
    def served_flow(self) -> Path:
        return MINI

    def test_a_ranking_keeps_its_order_when_coming_back_to_it(
        self, server: Server, phones: Phones, db_path: Path
    ) -> None:
        ana = phones()
        ana.open(f"{server.url}/chat")
        ana.tap("Continuer")
        ana.type("Acme")
        ana.type("12")
        ana.tap("Industrie")
        ana.tap("Non")
        ana.tap("3")
        ana.sees("Freins ?")
        ana.rank("Temps", "Coût")
        ana.sees("Idées ?")
        ana.tap("← Retour")
        ana.sees("Freins ?")
        for place, code in zip(RANKS[:2], ["time", "cost"], strict=True):
            expect(ana.page.get_by_role("combobox", name=place, exact=True)).to_have_value(code)
        # "Coût", chosen at the 2nd rank, then at the 1st: the two trade places (choices.js).
        ana.page.get_by_role("combobox", name=RANKS[0], exact=True).select_option(label="Coût")
        expect(ana.page.get_by_role("combobox", name=RANKS[1], exact=True)).to_have_value("time")
        ana.rank("Coût", "Compétences")
        ana.sees("Idées ?")
        assert answers(db_path)["obstacles"] == (["cost", "skills"], None)
        ana.check_clean()

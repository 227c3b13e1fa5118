"""A scale's "Je ne sais pas", in a real Chromium at 360×740: on a row of its own.

The scale's points share a row, a narrow cell each; an answer that is no point of it
("don't know") takes the whole row below them, its words on one line, not one word a
line in a 52 px cell. On a short flow with a scale (fixtures/access.yaml); the fixtures
are in conftest.py.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.web.phone import Phone, Phones, Server, answers, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()

ACCESS = Path(__file__).parent / "fixtures" / "access.yaml"


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


def to_the_scale(ana: Phone, server: Server) -> None:
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("Acme")
    ana.type("15")
    ana.tap("Services")
    ana.tap("Continuer")
    expect(ana.page.locator("#waiting-text")).to_contain_text("Importance ?")


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_dont_know_takes_the_whole_row_below_the_points(
    server: Server, phones: Phones, db_path: Path, scripts: bool
) -> None:
    ana = phones(scripts=scripts)
    page = ana.page
    to_the_scale(ana, server)
    row = page.locator(".scale-choices")
    dont_know = row.get_by_role("button", name="Je ne sais pas")
    points = [row.get_by_role("button", name=str(n), exact=True) for n in range(1, 6)]
    ana.shot("scale")

    whole, box = row.bounding_box(), dont_know.bounding_box()
    assert whole is not None and box is not None
    assert abs(box["width"] - whole["width"]) < 1, (box, whole)
    # One line: as tall as a point's button.
    first = points[0].bounding_box()
    assert first is not None and abs(box["height"] - first["height"]) < 1, (box, first)
    # Below the points, which stay on one row, in order.
    tops = [p.bounding_box()["y"] for p in points]  # type: ignore[index]
    assert max(tops) - min(tops) < 1 and box["y"] > max(tops)

    ana.tap("Je ne sais pas")
    expect(page.locator("#waiting-text")).to_contain_text("Marchés ?")
    assert "importance" in answers(db_path)
    ana.check_clean()

"""The short flow of the page-finish tests (fixtures/polish.yaml), and the way to its
long text question: shared by the tests that type there."""

from __future__ import annotations

from pathlib import Path

from tests.web.phone import Phone, Server

POLISH = Path(__file__).parent / "fixtures" / "polish.yaml"


def at_ideas(phone: Phone, server: Server) -> None:
    """From the start to the long text question (limit 1,000), by the link of no workshop."""
    from playwright.sync_api import expect  # only where a browser runs

    phone.open(f"{server.url}/chat")
    phone.type("Acme")
    phone.tap("Industrie")
    expect(phone.page.locator("#waiting-text")).to_contain_text("Vos idées")

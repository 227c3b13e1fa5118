"""`serve --telegram-webhook` with SURVEYBOT_WEBHOOK_URL at a path the web chat answers.

The web chat's routes come first: Telegram's posts to https://…/chat reached the
chat page (303), and the bot got nothing while the server ran as if all was well.
It is refused at start now, naming the path and suggesting /telegram.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from starlette.routing import Mount, Route

from bot.cli import main
from bot.cli.telegram import WEB_CHAT_PATHS
from bot.web import WebChat, create_app
from conversation import Conversation
from flows import Flow, StageDef
from storage import Store


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port this test listens on: a server that got past its checks stops at it at once."""
    with socket.create_server(("127.0.0.1", 0)) as held:
        yield held.getsockname()[1]


def serve(url: str, port: int) -> Result:
    env = {
        "SURVEYBOT_TOKEN": "1234:webhook-path-test",
        "SURVEYBOT_WEBHOOK_URL": url,
        "SURVEYBOT_RETENTION_DAYS": "keep",
        "SURVEYBOT_API_URL": f"http://127.0.0.1:{port}/bot",  # never reached
    }
    return invoke("serve", "--telegram-webhook", "--port", str(port), env=env)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://enquete.example.org/chat", "/chat"),
        ("https://enquete.example.org", "/"),
        ("https://enquete.example.org/", "/"),
        ("https://enquete.example.org/s/telegram", "/s/telegram"),
        ("https://enquete.example.org/r/hook", "/r/hook"),
        ("https://enquete.example.org/mydata.json", "/mydata.json"),
        ("https://enquete.example.org/static/hook", "/static/hook"),
        ("https://enquete.example.org/health", "/health"),
        ("https://enquete.example.org/handover", "/handover"),
        ("https://enquete.example.org/%63hat", "/chat"),  # as the server reads it
    ],
)
def test_a_webhook_at_a_page_of_the_web_chat_is_refused_at_start(
    work: Path, held_port: int, url: str, path: str
) -> None:
    result = serve(url, held_port)

    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"error: the webhook URL (SURVEYBOT_WEBHOOK_URL or --webhook-url) has the path {path}, "
        "which the web chat answers: Telegram's updates would reach the web chat, never the "
        "bot; give it a path of its own, like https://enquete.example.org/telegram"
    )


@pytest.mark.parametrize("path", ["/telegram", "/chat/telegram", "/s", "/hook/7f3a"])
def test_a_webhook_at_a_path_of_its_own_goes_on_to_start(
    work: Path, held_port: int, path: str
) -> None:
    result = serve(f"https://enquete.example.org{path}", held_port)

    assert "which the web chat answers" not in result.stderr
    assert "cannot listen on 127.0.0.1" in result.stderr  # got as far as taking the port


async def test_every_route_of_the_web_chat_is_known_to_the_check(
    tmp_path: Path, bundled_flow: Flow, bundled_stages: list[StageDef]
) -> None:
    # A route added to the web chat, and not to WEB_CHAT_PATHS, would let a webhook there start.
    store = await Store.open(tmp_path / "routes.sqlite3")
    try:
        app = create_app(WebChat(Conversation(store, bundled_flow, bundled_stages), b"k", None))
    finally:
        await store.close()
    for route in app.routes:
        assert isinstance(route, (Route, Mount))
        sample = re.sub(r"\{[^}]*\}", "x", route.path) or "/"
        if isinstance(route, Mount):
            sample += "/x"
        assert WEB_CHAT_PATHS.fullmatch(sample), f"{route.path} is not in WEB_CHAT_PATHS"

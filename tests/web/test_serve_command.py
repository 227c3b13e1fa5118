"""`surveybot serve` as an organiser runs it: a real process on a real port, stopped with SIGTERM;
and the one clear line it gives when the port is taken."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from flows import bundled_path
from tests.support.sqlite import open_sqlite
from tests.web.driver import Page, Visitor


def free_port() -> int:
    """A port nothing listens on now (the child process binds it itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_serve(
    tmp_path: Path, port: int, *, flow: Path | None = None, db: Path | None = None
) -> subprocess.Popen[str]:
    # The environment of this machine, less any surveybot setting, and run in an empty
    # folder: no .env of a developer's is read.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    env["SURVEYBOT_DB"] = str(db or tmp_path / "served.sqlite3")
    if flow is not None:
        env["SURVEYBOT_FLOW"] = str(flow)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_serving(process: subprocess.Popen[str], port: int) -> str:
    """The server's address once it answers (or the reason it did not start)."""
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{url}/static/chat.css", timeout=1)
            return url
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                _, errors = process.communicate(timeout=10)
                raise AssertionError(f"surveybot serve did not start:\n{errors}") from None
            time.sleep(0.05)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    process = start_serve(tmp_path, port)
    try:
        yield process, wait_until_serving(process, port)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


async def test_serve_answers_then_stops_cleanly_on_sigterm(
    served: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    process, url = served
    async with httpx.AsyncClient(base_url=url) as client:
        ana = Visitor(client)
        card = await ana.get("/s/pithiviers")
        assert card.status == 200
        assert "Atelier de Pithiviers" in card and "5\u00a0juin\u00a02019" in card
        # Without --bot-username the card offers the web chat only.
        assert not [link for link in card.links() if "t.me" in link]
        await ana.get("/chat?stage=pithiviers")
        page: Page = await ana.press("✅ J’accepte")
        page = await ana.type("Atelier Dupont")
        assert page.progress.startswith("Question 2/")
    process.send_signal(signal.SIGTERM)
    out, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors
    assert "Traceback" not in errors
    assert out == ""
    # The store was closed: no write-ahead log left behind, and every answer in the file.
    db = tmp_path / "served.sqlite3"
    assert not Path(f"{db}-wal").exists()
    with open_sqlite(db) as conn:
        rows = conn.execute(
            "SELECT p.channel, r.stage_code, a.value_json FROM answers a "
            "JOIN responses r ON r.id = a.response_id JOIN respondents p ON p.id = r.respondent_id"
        ).fetchall()
    assert rows == [("web", "pithiviers", '"Atelier Dupont"')]
    # What it logged names no respondent.
    assert ana.cookies["surveybot_id"] not in errors


def test_a_port_already_taken_gives_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        process = start_serve(tmp_path, port)
        out, errors = process.communicate(timeout=30)
    assert process.returncode == 1
    assert out == ""
    assert "Traceback" not in errors
    lines = [line for line in errors.splitlines() if line.strip()]
    # The bundled notice is a template: said first, as before any real start.
    assert len(lines) == 2, errors
    assert lines[0] == (
        "warning: the notice of questionnaire 'tour_innovation_2019' still holds "
        "'[modèle à adapter par l’organisateur]': write the one your respondents will read "
        "before they do (docs/privacy.md)"
    )
    assert lines[1].startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
    assert "--port" in lines[1]
    assert not (tmp_path / "served.sqlite3").exists()


def test_a_notice_written_for_the_survey_starts_without_the_templates_warning(
    tmp_path: Path,
) -> None:
    bundled = bundled_path("questionnaire.yaml").read_text(encoding="utf-8")
    adapted = tmp_path / "questionnaire.yaml"
    adapted.write_text(
        bundled.replace(" [modèle à adapter par l’organisateur]", "").replace(
            " [template to be adapted by the organiser]", ""
        ),
        encoding="utf-8",
    )
    assert adapted.read_text(encoding="utf-8") != bundled
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        process = start_serve(tmp_path, int(taken.getsockname()[1]), flow=adapted)
        _, errors = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "warning" not in errors
    assert errors.startswith("error: cannot listen on 127.0.0.1:")

"""`surveybot serve` whose SQLite file is deleted while it runs (an operator's `rm`, a
restore done without stopping it): a real process, a real respondent, the file really
gone. Answers are no longer acknowledged, /health says 503, the log says so once."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import httpx

from tests.web import test_serve_command
from tests.web.driver import Visitor

served = test_serve_command.served  # a real `surveybot serve` on a free port, killed at the end


async def test_answers_are_refused_once_the_file_is_deleted(
    served: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    process, url = served
    db = tmp_path / "served.sqlite3"
    async with httpx.AsyncClient(base_url=url) as client:
        ana = Visitor(client)
        await ana.get("/chat?stage=pithiviers")
        await ana.press("✅ J’accepte")
        page = await ana.type("Atelier Dupont")
        assert page.progress.startswith("Question 2/")  # saved, and shown as saved
        assert (await client.get("/health")).status_code == 200
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink()
        assert page.question is not None
        choice = next(b for b in page.question.buttons if b.area == "choices")
        refused = await ana.submit(page.question, choice)
        assert refused.status == 503  # not acknowledged: nothing could be saved, it says
        assert "Nous ne pouvons rien enregistrer pour l’instant" in refused
        assert "Question 3/" not in refused.progress
        assert (await ana.submit(page.question, choice)).status == 503  # nor on a retry
        health = await client.get("/health")
        assert health.status_code == 503
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors
    assert "Traceback" not in errors
    said = [line for line in errors.splitlines() if " ERROR storage.db: " in line]
    assert len(said) == 1, errors  # once, however many answers were refused
    assert f"the database file {db} was deleted or moved away while surveybot runs" in said[0]
    assert "/fd/" in said[0] and "Then stop surveybot; put the file back" in said[0]

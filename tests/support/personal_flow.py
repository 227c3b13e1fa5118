"""The mini flow with its company name and e-mail marked `personal: true`, as a file.

The same questions, ids and version as tests/flows/fixtures/mini.yaml, so the
answers a test gives with one can be exported with the other.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MINI

PERSONAL = ("company", "email")


def write_personal_mini(folder: Path) -> Path:
    """mini.yaml with `personal: true` on `company` and `email`, written into `folder`."""
    text = MINI.read_text(encoding="utf-8")
    for question, kind in (("company", "text"), ("email", "email")):
        step = f"      - id: {question}\n        type: {kind}\n"
        assert text.count(step) == 1, f"mini.yaml changed: no single step '{question}'"
        text = text.replace(step, step + "        personal: true\n")
    path = folder / "mini_personal.yaml"
    path.write_text(text, encoding="utf-8")
    return path

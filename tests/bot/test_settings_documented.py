"""The README's Configuration table lists exactly the SURVEYBOT_* variables surveybot reads:
a setting added without its row is one no organiser can find, and a row left after a
setting went is one they would set for nothing."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import setting_names

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_configuration_table_lists_every_setting_read() -> None:
    text = README.read_text(encoding="utf-8").split("## Configuration", 1)[1]
    listed = set(re.findall(r"^\| `(SURVEYBOT_[A-Z_]+)` \|", text, re.MULTILINE))

    assert len(listed) > 15
    assert sorted(setting_names() - listed) == [], "read, and not in the README's table"
    assert sorted(listed - setting_names()) == [], "in the README's table, and read by nothing"

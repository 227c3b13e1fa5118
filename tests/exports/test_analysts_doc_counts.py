"""analysts.md counts the metadata columns as the exports write them.

It said "the first twelve" and "eleven" long after each layout gained columns;
an analyst counting on it to slice the CSV by position would cut a question off.
"""

from __future__ import annotations

from pathlib import Path

from exports.columns import LONG_COLUMNS
from flows.export_names import META_COLUMNS

ANALYSTS = Path(__file__).resolve().parents[2] / "docs" / "analysts.md"
WORDS = {12: "twelve", 13: "thirteen", 14: "fourteen", 15: "fifteen", 16: "sixteen"}


def test_the_doc_counts_the_wide_and_long_metadata_columns() -> None:
    text = " ".join(ANALYSTS.read_text(encoding="utf-8").split())
    wide, long = WORDS[len(META_COLUMNS)], WORDS[len(LONG_COLUMNS)]
    assert f"The first {wide} columns describe the response" in text
    assert f"{wide} of the wide layout, the {long} of the long one" in text
    assert f"the rows for its {long} columns" in text

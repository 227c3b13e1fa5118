"""A flood said seldom: its first line says what is wrong, later ones how often since.

The first time, "0 times more since it was last said" read as nonsense to an operator:
that count is said only when lines went unsaid.
"""

from __future__ import annotations

import logging

import pytest

from bot.http import server


def test_the_first_line_has_no_count_and_a_later_one_counts_the_unsaid(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    now = [1000.0]
    monkeypatch.setattr(server.time, "monotonic", lambda: now[0])
    seldom = server._Seldom("refused a webhook call carrying another secret", "refused{more}.")
    log = logging.getLogger("tests.seldom")
    log.addFilter(seldom)
    try:
        with caplog.at_level(logging.WARNING, logger="tests.seldom"):
            for _ in range(4):  # a flood: one line said, three kept back
                log.warning("refused a webhook call carrying another secret")
            now[0] += server.SAID_EVERY_S
            log.warning("refused a webhook call carrying another secret")
    finally:
        log.removeFilter(seldom)
    assert [record.getMessage() for record in caplog.records] == [
        "refused.",
        "refused; 3 times more since it was last said.",
    ]

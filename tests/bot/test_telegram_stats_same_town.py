"""/stats's "no response yet" line tells apart two stages in one town by their codes.

A tour coming back to a made-up town in July listed "Exempleville" among the stages
with no response yet while "Exempleville" above had some: which one was quiet?
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.telegram.organiser import stats_blocks
from flows import load_flow, load_stages
from organiser import compute_stats
from tests.conftest import MINI

STAGES = """\
stages:
  - {code: exempleville-juin, city: Exempleville, date: 2019-06-11}
  - {code: exempleville-juillet, city: Exempleville, date: 2019-07-02}
  - {code: villexemple, city: Villexemple, date: 2019-06-20}
"""


def test_quiet_stages_in_a_shared_town_say_their_codes(tmp_path: Path) -> None:
    path = tmp_path / "stages.yaml"
    path.write_text(STAGES, encoding="utf-8")
    stages = load_stages(path)
    stats = compute_stats([], {}, flow=load_flow(MINI), stages=stages, today=dt.date(2019, 6, 11))
    quiet = stats_blocks(stats, "fr", stages)[-2]
    assert quiet == (
        "Pas encore de réponse\u00a0: Exempleville (exempleville-juin), "
        "Exempleville (exempleville-juillet), Villexemple"
    )

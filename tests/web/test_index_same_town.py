"""The web's list of workshops tells apart two stages in one town, as Telegram's buttons do.

A tour that comes back to a made-up town ("Exempleville", in June and in July) listed
"Exempleville" twice on the site's index and on an unknown link's page: which link was
which? Each now says its date, only where two would read the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows import StageDef, load_stages
from tests.web.conftest import VisitorFactory

STAGES = """\
stages:
  - {code: exempleville-juin, city: Exempleville, region: Exemple-Nord, date: 2019-06-11}
  - {code: exempleville-juillet, city: Exempleville, region: Exemple-Nord, date: 2019-07-02}
  - {code: villexemple, city: Villexemple, region: Exemple-Sud, date: 2019-06-20}
"""


@pytest.fixture
def stages(tmp_path: Path) -> list[StageDef]:
    path = tmp_path / "stages.yaml"
    path.write_text(STAGES, encoding="utf-8")
    return load_stages(path)


@pytest.mark.parametrize("path", ["/", "/s/nowhere"])
async def test_two_stages_in_one_town_are_told_apart_by_their_day(
    visitor: VisitorFactory, path: str
) -> None:
    page = await visitor().get(path)
    listed = page.html.split('<ul class="workshops">')[1].split("</ul>")[0]
    links = {
        text.replace("\u00a0", " "): href.removeprefix("http://127.0.0.1")
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', listed)
    }
    assert links == {
        "Exempleville (11 juin 2019)": "/s/exempleville-juin",
        "Exempleville (2 juillet 2019)": "/s/exempleville-juillet",
        "Villexemple": "/s/villexemple",
    }

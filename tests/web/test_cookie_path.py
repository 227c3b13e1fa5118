"""Under a path prefix, the web chat's cookies are the prefix's, not the whole host's.

The respondent's cookie is their resume credential: behind a proxy that serves the chat at
`https://fondation.example.org/enquete`, it goes to /enquete only, and another chat under
another prefix of the same host keeps a person of its own. A real `surveybot serve`.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.web.identity import new_id
from tests.web.driver import Visitor
from tests.web.served import serving

ID = "surveybot_id"


def cookie_paths(response: httpx.Response, name: str) -> list[str]:
    """The `Path` of each Set-Cookie of `name` (a deletion too), in order."""
    paths = []
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            flags = dict(
                (k.strip().lower(), v) for k, _, v in (f.partition("=") for f in header.split(";"))
            )
            paths.append(flags.get("path", ""))
    return paths


async def test_under_a_prefix_the_cookies_are_the_prefixs_and_a_handover_forgets_them(
    tmp_path: Path,
) -> None:
    public = {"SURVEYBOT_PUBLIC_URL": "http://127.0.0.1:{port}/enquete"}
    with serving(tmp_path, env=public) as (_, url, _):
        async with httpx.AsyncClient(base_url=url) as client:
            ana = Visitor(client)
            first = await ana.get("/enquete/chat?stage=pithiviers")
            assert cookie_paths(first.response, ID) == ["/enquete"]
            assert cookie_paths(first.response, "surveybot_lang") == ["/enquete"]
            page = await ana.press("✅ J’accepte")
            assert page.progress.startswith("Question 1/")
            mine = ana.cookies[ID]

            # Another chat of the host, at its root or under another prefix, is not sent it.
            assert "cookie" not in client.build_request("GET", "/autre/chat").headers

            # A browser still holding a host-wide id (set before cookies kept to the prefix)
            # sends both, the prefix's first: that one is who answers.
            both = {"cookie": f"{ID}={mine}; {ID}={new_id()}"}
            async with httpx.AsyncClient(base_url=url, headers=both) as bare:
                again = Visitor(bare)
                shown = await again.get("/enquete/chat?stage=pithiviers")
                assert shown.progress.startswith("Question 1/")
                assert f"/enquete/r/{mine}" in shown.html

            # Handed over: forgotten under the prefix, and a host-wide one of before too.
            await ana.get("/enquete/handover?stage=pithiviers")
            card = await ana.press("Laisser la place")
            forgotten = card.response.history[0]
            assert cookie_paths(forgotten, ID) == ["/enquete", "/"]
            assert ID not in ana.cookies


async def test_at_the_root_the_cookies_are_the_hosts(tmp_path: Path) -> None:
    with serving(tmp_path) as (_, url, _):
        async with httpx.AsyncClient(base_url=url) as client:
            first = await Visitor(client).get("/chat?stage=pithiviers")
            assert cookie_paths(first.response, ID) == ["/"]

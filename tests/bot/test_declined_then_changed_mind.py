"""Someone who declines, then changes their mind, still answers for their workshop.

The goodbye said "if you change your mind, type /start", and /start alone comes
without the invitation's workshop, which nothing remembers of who declined: the
refusal was counted at Pithiviers, the answers that followed at no workshop. The
goodbye now gives the invitation link back, which Telegram opens as `/start
pithiviers`. The real handlers, the Bot API faked at the HTTP boundary.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.bot.conftest import Stored
from tests.support.fake_bot_api import BOT_USERNAME, Person

PersonFactory = Callable[..., Person]


async def test_the_goodbye_gives_back_the_link_that_keeps_the_workshop(
    person: PersonFactory, answers_of: Callable[[int], Stored]
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap("Je refuse")
    link = f"https://t.me/{BOT_USERNAME}?start=pithiviers"
    assert ana.last_text.endswith(f"touchez à nouveau votre lien d’invitation\u00a0: {link}")

    await ana.send("/start pithiviers")  # what tapping that link sends
    await ana.tap("✅ J’accepte")
    await ana.send("Fonderie du Val (exemple)")
    assert answers_of(ana.user_id)["company_name"][2] == "pithiviers"


async def test_without_a_link_the_goodbye_says_to_type_start(person: PersonFactory) -> None:
    bob = person(language_code="en")
    await bob.send("/start")
    await bob.tap("I decline")
    assert bob.last_text.endswith("If you change your mind, type /start.")

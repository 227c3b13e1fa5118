"""Refused typed texts of the web chat in the store: kept, taken once by their owner, expired,
pruned, erased with the person, and found by another instance on the same database.

Every test runs on SQLite and PostgreSQL (tests/storage/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from conversation import Housekeeping, Policy
from flows import Flow
from storage import KEPT_FOR, open_store
from tests.conftest import Clock

ANA = "A" * 32
BOB = "B" * 32
TYPED = "douze \x00 ✓ " + "é" * 3000


async def test_a_text_is_taken_once_by_its_owner_from_another_instance(
    store: Any, clock: Clock, store_target: Any
) -> None:
    key = await store.keep_text(ANA, "douze", now=clock.tick())
    other = await open_store(store_target)  # another machine on the same database
    try:
        assert await other.take_kept_text(key, BOB, now=clock.tick()) is None
        assert await other.take_kept_text("forged-key", ANA, now=clock.now) is None
        assert await other.take_kept_text(key, ANA, now=clock.tick()) == "douze"
        assert await other.take_kept_text(key, ANA, now=clock.tick()) is None, "once"
    finally:
        await other.close()
    assert await store.take_kept_text(key, ANA, now=clock.now) is None


async def test_a_long_text_with_odd_characters_comes_back_as_typed(
    store: Any, clock: Clock, backend: str
) -> None:
    # PostgreSQL's text cannot hold NUL: refused there (the page then shows an empty field).
    typed = TYPED.replace("\x00", "") if backend == "postgresql" else TYPED
    key = await store.keep_text(ANA, typed, now=clock.tick())
    assert await store.take_kept_text(key, ANA, now=clock.tick()) == typed


async def test_each_text_has_its_own_random_key(store: Any, clock: Clock) -> None:
    keys = {await store.keep_text(ANA, f"essai {n}", now=clock.tick()) for n in range(20)}
    assert len(keys) == 20
    assert all(len(key) >= 20 for key in keys)


async def test_an_expired_text_is_never_shown_and_goes(store: Any, clock: Clock) -> None:
    kept_at = clock.tick()
    old = await store.keep_text(ANA, "douze", now=kept_at)
    just = await store.keep_text(BOB, "treize", now=kept_at)
    clock.tick(KEPT_FOR.total_seconds() + 1)
    assert await store.take_kept_text(old, ANA, now=clock.now) is None
    # Gone, not only hidden: read as of when it was kept, it is not found either.
    assert await store.take_kept_text(old, ANA, now=kept_at) is None

    # The next text kept, by anyone, drops the expired ones.
    await store.keep_text(ANA, "quatorze", now=clock.now)
    assert await store.take_kept_text(just, BOB, now=kept_at) is None


async def test_the_upkeep_prunes_only_the_expired_ones(store: Any, clock: Clock) -> None:
    old = await store.keep_text(ANA, "douze", now=clock.tick())
    fresh = await store.keep_text(BOB, "treize", now=clock.tick(100))
    assert await store.prune_kept_texts(now=clock.now) == 0
    assert await store.prune_kept_texts(now=clock.tick(KEPT_FOR.total_seconds() - 99)) == 1
    assert await store.take_kept_text(fresh, BOB, now=clock.now) == "treize"
    assert await store.take_kept_text(old, ANA, now=clock.now - dt.timedelta(seconds=100)) is None


async def test_erasing_a_web_respondent_erases_their_kept_text(
    store: Any, clock: Clock, peek: Any
) -> None:
    ana = await store.ensure_respondent("web", ANA, now=clock.tick())
    await store.ensure_respondent("web", BOB, now=clock.tick())
    # The same characters as a Telegram id: a Telegram person's erasure leaves it alone.
    telegram = await store.ensure_respondent("telegram", BOB, now=clock.tick())
    await store.keep_text(ANA, "ma société secrète", now=clock.tick())
    bobs = await store.keep_text(BOB, "treize", now=clock.now)

    await store.erase_respondent(ana.id)
    await store.erase_respondent(telegram.id)

    assert peek.query("SELECT person FROM kept_texts") == [(BOB,)]
    assert "ma société secrète" not in "\n".join(peek.dump())
    assert await store.take_kept_text(bobs, BOB, now=clock.now) == "treize"


async def test_the_daily_upkeep_drops_the_texts_never_shown(
    store: Any, clock: Clock, mini_flow: Flow
) -> None:
    housekeeping = Housekeeping(store, mini_flow, Policy())
    kept_at = clock.tick()
    left = await store.keep_text(ANA, "douze", now=kept_at)
    assert await housekeeping.upkeep(clock.tick(KEPT_FOR.total_seconds() + 1))
    # Gone, not only hidden: read as of when it was kept, it is not found.
    assert await store.take_kept_text(left, ANA, now=kept_at) is None

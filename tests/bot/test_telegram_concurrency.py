"""Many respondents at once through the update queue, and one respondent's updates in order.

Updates go through the application's update queue and its per-respondent
processor, as the poller delivers them (`process_update` would bypass both).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from flows import Flow
from tests.support.fake_bot_api import Person, Updates

PersonFactory = Callable[..., Person]
AnswersOf = Callable[[int], dict[str, tuple[Any, str | None, str | None]]]
Query = Callable[..., list[sqlite3.Row]]

PEOPLE = 200


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


@dataclass
class Respondent:
    """One person of the crowd: what they mean to answer, and how they go about it on screen."""

    person: Person
    i: int
    expected: dict[str, tuple[Any, str | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        i = self.i
        self.sector = ["Industrie", "Services", "Autre (précisez)"][i % 3]
        self.exports = i % 2 == 0
        self.markets = ["Europe", "Asie"] if i % 4 == 0 else ["Amériques"]
        self.importance = 1 + i % 5
        self.obstacles = ["Coût", "Temps"] if i % 2 else ["Compétences", "Coût"]
        expected: dict[str, tuple[Any, str | None]] = {
            "company": (f"Société n°{i}", None),
            "staff": (i + 1, None),
            "sector": (
                ["industry", "services", "other"][i % 3],
                f"Secteur {i}" if i % 3 == 2 else None,
            ),
            "exports": ("yes" if self.exports else "no", None),
            "importance": (self.importance, None),
            "obstacles": (["cost", "time"] if i % 2 else ["skills", "cost"], None),
        }
        if self.exports:
            expected["markets"] = (["eu", "asia"] if i % 4 == 0 else ["americas"], None)
            if i % 8 == 0:
                expected["share"] = (12.5, None)
        if i % 3 == 0:
            expected["ideas"] = (f"Idée de la personne {i}", None)
        if self.importance >= 4:
            expected["email"] = (f"p{i}@example.org", None)
        self.expected = expected

    @property
    def finished(self) -> bool:
        return any(m.text.startswith("Récapitulatif de vos réponses") for m in self.person.chat)

    def next_update(self) -> dict[str, Any]:
        """What this person does next, given what they read on screen."""
        ana, i = self.person, self.i
        if not ana.chat:
            return ana.message_update("/start pithiviers")
        text = ana.last_text
        if "précisez en quelques mots" in text:
            return ana.message_update(f"Secteur {i}")
        if "Bienvenue" in text:
            return self.tap("Continuer ▶")
        if "Nom\u00a0?" in text:
            return ana.message_update(f"Société n°{i}")
        if "Salariés de" in text:
            return ana.message_update(str(i + 1))
        if "Secteur\u00a0?" in text:
            return self.tap(self.sector)
        if "Exportez-vous\u00a0?" in text:
            return self.tap("Oui" if self.exports else "Non")
        if "Marchés\u00a0?" in text:
            ticked = [b for b in ana.last.labels() if b.startswith("✅ ")]
            for label in self.markets:
                if f"✅ {label}" not in ticked:
                    return self.tap(label)
            return self.tap(f"Valider ({len(self.markets)})")
        if "Part export\u00a0?" in text:
            return ana.message_update("12,5") if i % 8 == 0 else self.tap("Passer ⏭")
        if "Importance\u00a0?" in text:
            return self.tap(str(self.importance))
        if "Freins\u00a0?" in text:
            ranked = ana.last.labels()
            for label in self.obstacles:
                if label in ranked:  # not yet numbered
                    return self.tap(label)
            return self.tap("Valider ce classement")
        if "Idées\u00a0?" in text:
            if i % 3 == 0:
                return ana.message_update(f"Idée de la personne {i}")
            return self.tap("Passer ⏭")
        if "E-mail\u00a0?" in text:
            return ana.message_update(f"p{i}@example.org")
        raise AssertionError(f"person {i} does not know what to do with {text!r}")

    def tap(self, label: str) -> dict[str, Any]:
        return self.person.tap_update(self.person.data_of(label))


async def test_200_respondents_interleaved_all_finish_with_exactly_their_answers(
    person: PersonFactory, updates: Updates, answers_of: AnswersOf, query: Query
) -> None:
    crowd = [Respondent(person(10_000 + i), i) for i in range(PEOPLE)]
    shuffle = random.Random(2019)
    for _ in range(40):
        waiting = [r for r in crowd if not r.finished]
        if not waiting:
            break
        batch = [r.next_update() for r in waiting]
        shuffle.shuffle(batch)
        await updates.feed(*batch)
    assert all(r.finished for r in crowd), [r.i for r in crowd if not r.finished]

    for r in crowd:
        stored = answers_of(r.person.user_id)
        assert {q: (v, o) for q, (v, o, _) in stored.items()} == r.expected, r.i
        assert {stage for _, _, stage in stored.values()} == {"pithiviers"}
        assert len(r.person.live_keyboards()) == 1
        assert not any(m.text.startswith("⚠️") for m in r.person.chat), r.i
    counts = query("SELECT status, COUNT(*) AS n FROM responses GROUP BY status")
    assert [tuple(row) for row in counts] == [("completed", PEOPLE)]
    (total,) = query("SELECT COUNT(*) AS n FROM answers")
    assert total["n"] == sum(len(r.expected) for r in crowd)


async def test_one_persons_updates_in_one_batch_are_applied_in_order(
    person: PersonFactory, updates: Updates, answers_of: AnswersOf
) -> None:
    """Three typed answers in a row land on three consecutive questions, for everyone at once."""
    people = [person(20_000 + i) for i in range(20)]
    await updates.feed(*(p.message_update("/start") for p in people))
    await updates.feed(*(p.tap_update(p.data_of("Continuer ▶")) for p in people))

    typed = [
        [p.message_update(f"Acme {n}"), p.message_update(str(n + 1)), p.message_update("Services")]
        for n, p in enumerate(people)
    ]
    # Interleaved: everyone's first answer, then everyone's second, then third.
    await updates.feed(*(update for row in zip(*typed, strict=True) for update in row))

    for n, p in enumerate(people):
        assert answers_of(p.user_id) == {
            "company": (f"Acme {n}", None, None),
            "staff": (n + 1, None, None),
            "sector": ("services", None, None),
        }
        answered = [m.text.rsplit("✅ ", 1)[-1] for m in p.chat if "✅ " in m.text]
        assert answered == [f"Acme {n}", f"{n + 1}\u00a0salariés", "Services"]
        assert "Exportez-vous\u00a0?" in p.last_text

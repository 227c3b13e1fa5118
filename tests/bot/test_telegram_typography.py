"""French as it is printed, on Telegram as on the web: no line starts with "?", ":" or "»".

A phone breaks a line at any plain space, so "Nom ?" may end with a lone "?" on
the next line. French puts a no-break space there: the questionnaire's texts get
one when shown in French, in the question, its help and the hint under it, and in
the transcript line it leaves. The bot's own words get them too (the welcome, the
refusals, the menus, the rights). The person's own answer is shown as they typed it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.telegram.organiser_export import personal_questions
from conversation import Housekeeping, Policy, say
from flows import Flow, load_flow, message, typeset
from storage import Channel, Store
from tests.bot.conftest import PersonFactory
from tests.conftest import MINI
from tests.support.fake_bot_api import Person

NBSP = "\u00a0"


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    """The mini flow, written the way an organiser may write their own: plain spaces before
    the marks in its title, a section's title, a scale's label and a choice."""
    text = MINI.read_text(encoding="utf-8")
    for plain, marked in [
        ("title: {fr: Mini,", 'title: {fr: "Mini : essai",'),
        ("title: {fr: Entreprise,", 'title: {fr: "Entreprise : profil",'),
        ("min_label: {fr: Faible,", 'min_label: {fr: "Faible !",'),
        ("label: {fr: Industrie,", 'label: {fr: "Industrie : fabrication",'),
        ("max_length: 20", "max_length: 20\n        personal: true"),
    ]:
        assert plain in text
        text = text.replace(plain, marked)
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return load_flow(path)


async def started(person: PersonFactory) -> Person:
    """A new French-speaking person, past the notice, at the first question."""
    ana = person()
    await ana.send("/start")
    await ana.tap("Continuer ▶")
    return ana


async def finish(ana: Person, company: str) -> None:
    await ana.send(company)
    await ana.send("12")
    for button in [
        "Industrie : fabrication",
        "Non",
        "3",
        "Coût",
        "Temps",
        "Valider ce classement",
        "Passer ⏭",
    ]:
        await ana.tap(button)


async def test_a_french_question_has_no_break_spaces_and_the_answer_stays_as_typed(
    person: PersonFactory,
) -> None:
    ana = await started(person)
    asked = ana.last
    assert asked.text.splitlines()[2] == f"Nom{NBSP}?"

    await ana.send("A : B !")

    # The question left keeps its typography; the answer is the person's, untouched.
    assert asked.text.endswith(f"Nom{NBSP}?\n\n✅ A : B !")
    assert asked.keyboard is None


async def test_an_english_question_is_left_as_written(person: PersonFactory) -> None:
    ana = person(language_code="en")
    await ana.send("/start")
    await ana.tap("Continue ▶")

    assert ana.last.text.splitlines()[2] == "Name?"
    assert NBSP not in ana.last.text


async def test_every_french_text_the_bot_says_keeps_its_marks_with_their_word(
    person: PersonFactory,
) -> None:
    ana = person()
    await ana.send("/start pithiviers")  # "Bienvenue !"
    await ana.tap("Continuer ▶")
    await ana.send_sticker()  # a refusal
    await ana.send("ACME")
    await ana.send("douze")  # the engine's refusal
    await finish(ana, "ACME")
    for command in ["/help", "/language", "/mydata", "/delete"]:
        await ana.send(command)
    await ana.tap("Non, garder")

    said = [m.text for m in ana.chat if m.text]
    assert len(said) > 15
    for text in said:
        assert not re.search(r" [:;!?»]|« ", text), text
    assert any(f"Bienvenue{NBSP}!" in text for text in said)
    assert any(f"Confirmez-vous{NBSP}?" in text or f"concernant{NBSP}?" in text for text in said)


async def test_an_earlier_answer_quoted_in_a_hint_stays_as_typed(person: PersonFactory) -> None:
    ana = await started(person)
    assert ana.last.text.startswith(f"Question 1/10 · Entreprise{NBSP}: profil\n")
    await finish(ana, "A : B !")

    await ana.tap(say("revise", "fr"))
    await ana.tap("1")

    assert ana.last.text.endswith(f"Réponse actuelle{NBSP}: A : B !")


async def test_a_scale_label_is_typeset_in_its_hint(person: PersonFactory) -> None:
    ana = await started(person)
    await ana.send("ACME")
    await ana.send("12")
    for button in ["Industrie : fabrication", "Non"]:
        await ana.tap(button)

    assert f"1 = Faible{NBSP}! · 5 = Forte" in ana.last.text


async def test_a_reminder_and_an_organisers_reply_typeset_the_flows_texts(
    person: PersonFactory, store: Store, flow: Flow
) -> None:
    ana = await started(person)
    await ana.send("ACME")
    two_days_later = dt.datetime.now(dt.UTC).replace(hour=10) + dt.timedelta(days=2)

    [reminder] = await Housekeeping(store, flow, Policy()).due_reminders(
        two_days_later, channel=Channel.TELEGRAM
    )

    assert f"«\u00a0Mini{NBSP}: essai\u00a0»" in reminder.menu.text
    assert personal_questions([flow], "fr") == f"«\u00a0Nom{NBSP}?\u00a0»"


@pytest.mark.parametrize(
    ("text", "lang", "shown"),
    [
        ("Nom ? Oui : non ; si !", "fr", f"Nom{NBSP}? Oui{NBSP}: non{NBSP}; si{NBSP}!"),
        ("Déjà\u00a0: fait", "fr", "Déjà\u00a0: fait"),
        ("https://exemple.fr:8443/?a=1", "fr", "https://exemple.fr:8443/?a=1"),
        ("Name ? : ; !", "en", "Name ? : ; !"),
        # Guillemets hold their words: no line starts with "»" or ends with "«".
        ("Touchez « Valider ».", "fr", f"Touchez «{NBSP}Valider{NBSP}»."),
        ("« Oui » ou « Non » ?", "fr", f"«{NBSP}Oui{NBSP}» ou «{NBSP}Non{NBSP}»{NBSP}?"),
        ("«Déjà»", "fr", "«Déjà»"),
    ],
)
def test_typeset_puts_a_no_break_space_by_the_high_marks_and_guillemets_in_french_only(
    text: str, lang: str, shown: str
) -> None:
    assert typeset(text, lang) == shown


def test_a_count_keeps_the_word_it_counts_on_its_line_and_a_range_reads_as_written() -> None:
    # "au plus 3 / réponses" split on a phone reads as a fault; "de 1 à / 5" does not.
    assert message("too_many", "fr", max=3) == f"Vous pouvez choisir au plus 3{NBSP}réponses."
    assert message("off_scale", "fr", min=1, max=5) == "Merci de choisir une valeur de 1 à 5."
    assert message("too_many", "en", max=3) == "You can choose at most 3 answers."
    assert say("answers_many", "fr", count=12) == f"12{NBSP}réponses"

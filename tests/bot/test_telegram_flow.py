"""The questionnaire on Telegram as a respondent lives it: every kind of question, the
commands, deep links, resuming, finishing and changing an answer.

Each test drives the real application through a fake Bot API and reads the chat
as the person sees it (text after HTML is applied, messages as edited since).
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from bot.telegram.callback_data import decode, encode
from conversation import say
from flows import Flow
from tests.support.fake_bot_api import ChatMessage, FakeBotAPI, Person

PersonFactory = Callable[..., Person]
AnswersOf = Callable[[int], dict[str, tuple[Any, str | None, str | None]]]
ResponsesOf = Callable[[int], list[sqlite3.Row]]

HEADER = re.compile(r"^Question (\d+)/(\d+) · (.+)$")
# The bundled flow has an information notice: nothing starts before the person agrees.
AGREE = "✅ J’accepte"


# --- reading the chat -----------------------------------------------------------------


def question(ana: Person) -> tuple[ChatMessage, int, int, str]:
    """The last message, which must be a question: (message, n, total, section)."""
    message = ana.last
    first_line = message.text.splitlines()[0]
    match = HEADER.match(first_line)
    assert match, f"the last message is not a question: {message.text!r}"
    return message, int(match[1]), int(match[2]), match[3]


def assert_answered(message: ChatMessage, shown: str) -> None:
    """A question once answered: it reads "✅ answer" ("⏭ (sans réponse)" when skipped) and has
    no buttons left."""
    assert message.keyboard is None, message.labels()
    mark = "⏭" if shown == "(sans réponse)" else "✅"
    assert message.text.endswith(f"{mark} {shown}"), message.text


def assert_pending(message: ChatMessage, shown: str) -> None:
    """A question whose "Other" waits for its text: "✏️ choice…", no ✅, no buttons left."""
    assert message.keyboard is None, message.labels()
    assert message.text.endswith(f"✏️ {shown}…"), message.text


def assert_one_live_keyboard(ana: Person) -> None:
    live = ana.live_keyboards()
    assert len(live) <= 1, [m.text.splitlines()[0] for m in live]


BRIEF = "Vos réponses sont enregistrées."
WHOLE = "📋 Revoir toutes mes réponses"


def brief_end(ana: Person) -> ChatMessage:
    """The end reached again with the summary just seen (an answer changed alone, a cancel):
    one line and its buttons, the only live ones, not some 4,000 characters again."""
    last = ana.last
    assert last.text == BRIEF, last.text[:80]
    assert last.labels() == ["✏️ Modifier une réponse", WHOLE]
    assert ana.live_keyboards() == [last]
    return last


def summary_at_end(ana: Person) -> tuple[list[ChatMessage], str]:
    """The summary closing the chat (in one or more messages) and its whole text."""
    title = "Récapitulatif de vos réponses\u00a0:"
    start = max(i for i, m in enumerate(ana.chat) if m.text.startswith(title))
    parts = ana.chat[start:]
    assert parts[-1].labels() == ["✏️ Modifier une réponse"]
    assert all(len(p.text) <= 4096 for p in parts)
    return parts, "\n".join(p.text for p in parts)


# --- the whole bundled questionnaire --------------------------------------------------

COMPANY = "R&D <Lab>"

# What the full run below stores: question -> (value, other text).
FULL_RUN: dict[str, tuple[Any, str | None]] = {
    "company_name": (COMPANY, None),
    "sector": ("other", "Horlogerie"),
    "headcount": ("h10_49", None),
    "in_group": ("no", None),
    "turnover": ("m2_10", None),
    "departement": ("45", None),
    "role": ("ceo", None),
    "year_founded": (1987, None),
    "innovation_kinds": (["product", "process", "other"], "Impression 3D"),
    "innovation_org": ("rd_team", None),
    "innovation_levers": (["customers", "staff_skills", "new_hires"], None),
    "innov_barrier_main": ("time", None),
    "innov_barriers_more": (["skills", "regulation"], None),
    "innov_opportunities": (["green"], None),
    "innov_spend_plan": ("4", None),
    "works_abroad": ("yes", None),
    "export_share": ("p10_24", None),
    "export_markets": (["eu", "asia"], None),
    "export_modes": (["direct"], None),
    "intl_barriers_met": (["none"], None),
    "intl_opportunities": (["new_markets"], None),
    "ice_skills": (["creativity"], None),
    "training_ice": ("dont_know", None),
    "intl_skills": (["english"], None),
    "training_intl": ("4", None),
    "had_interns": ("no", None),
    "had_apprentices": ("no", None),
    "higher_ed_ties": ("no", None),
    "collab_barriers": (["time"], None),
    "support_used": (["bpifrance"], None),
    "sat_bpifrance": ("4", None),
    "synergy_ideas": ("Plus de stages", None),
    "profiles_sought": (["engineers"], None),
    "recruit_difficulty": ("5", None),
    "talent_barrier_main": ("housing", None),
    "talent_barriers_more": (["salaries", "image"], None),
    "territory_assets": (["life_quality"], None),
    "wants_report": ("yes", None),
    "contact_ok": ("no", None),
    "email": ("dirigeant@rd-lab.fr", None),
}


class Run:
    """Walks one person through questions, checking what every question shows."""

    def __init__(self, ana: Person) -> None:
        self.ana = ana
        self.n = 0

    def next_question(self, section: str, *, same: bool = False) -> ChatMessage:
        """The question now on screen: numbered one after the last (or the same, for "Other")."""
        message, n, total, shown_section = question(self.ana)
        assert n == (self.n if same else self.n + 1), message.text
        assert section == shown_section
        assert n <= total
        self.n = n
        assert_one_live_keyboard(self.ana)
        return message

    async def typed(self, section: str, text: str, shown: str | None = None) -> None:
        message = self.next_question(section)
        assert "Écrivez votre réponse" in message.text
        await self.ana.send(text)
        assert_answered(message, shown or text)

    async def tapped(self, section: str, label: str, shown: str | None = None) -> None:
        message = self.next_question(section)
        await self.ana.tap(label)
        assert_answered(message, shown or label)

    async def multiple(
        self, section: str, labels: list[str], shown: str | None = None
    ) -> ChatMessage:
        """Tick each label (checked in place, with the count on "Valider"), then confirm."""
        message = self.next_question(section)
        assert "Valider (0)" in message.labels()
        for count, label in enumerate(labels, 1):
            await self.ana.tap(label)
            assert f"✅ {label}" in message.labels()
            assert f"Valider ({count})" in message.labels()
            assert self.ana.last is message  # edited in place, nothing new sent
        await self.ana.tap(f"Valider ({len(labels)})")
        assert_answered(message, shown or " · ".join(labels))
        return message


async def answer_everything(ana: Person) -> None:
    """The whole bundled questionnaire, from its first question, by taps and typing."""
    run = Run(ana)
    about = "Votre entreprise et vous"
    await run.typed(about, COMPANY)

    # Single choice with "Other": the text is asked next, on the same question.
    message = run.next_question(about)
    assert f"Quel est le secteur d’activité principal de {COMPANY}\u00a0?" in message.text
    assert "Autre secteur" in message.labels()
    await ana.tap("Autre secteur")
    assert_pending(message, "Autre secteur")
    message = run.next_question(about, same=True)
    assert "«\u00a0Autre secteur\u00a0»\u00a0: précisez en quelques mots." in message.text
    await ana.send("Horlogerie")
    assert_answered(message, "Horlogerie")

    await run.tapped(about, "10 à 49")
    await run.tapped(about, "Non")
    await run.tapped(about, "2 à moins de 10 M€")
    # The département, typed by name, is read back as its code and name.
    await run.typed(about, "loiret", "45 – Loiret")
    await run.tapped(about, "Dirigeant, gérant")
    # A number typed wrong is refused kindly, and the question asked again.
    message = run.next_question(about)
    await ana.send("mille neuf cent")
    assert "Merci d’indiquer un nombre" in ana.chat[-2].text
    message = run.next_question(about, same=True)
    await ana.send("1987")
    assert message.keyboard is None and "✅ " in message.text

    innovation = "L’innovation dans votre activité"
    info = ana.last
    assert info.text.startswith(innovation) and "Question" not in info.text
    await ana.tap("Continuer ▶")
    assert info.keyboard is None

    # Multiple choice: ticks in place, a tick removed, "Other" asked for next.
    message = run.next_question(innovation)
    for label in ("Produit nouveau ou amélioré", "Procédé de production", "Marketing, commercial"):
        await ana.tap(label)
    assert "Valider (3)" in message.labels()
    await ana.tap("Marketing, commercial")
    assert "▫️ Marketing, commercial" in message.labels()
    assert "Valider (2)" in message.labels()
    await ana.tap("Autre type")
    await ana.tap("Valider (3)")
    assert_pending(message, "Produit nouveau ou amélioré · Procédé de production · Autre type")
    message = run.next_question(innovation, same=True)
    assert "«\u00a0Autre type\u00a0»" in message.text
    await ana.send("Impression 3D")

    await run.tapped(innovation, "Équipe R&D ou innovation")
    # An optional question has "Passer".
    message = run.next_question(innovation)
    assert "Passer ⏭" in message.labels()
    assert message.text.endswith("Écrivez un pourcentage.")
    await ana.tap("Passer ⏭")
    assert_answered(message, "(sans réponse)")

    # At most 3: a fourth tick is refused with an alert, and nothing changes.
    message = run.next_question(innovation)
    for label in (
        "Demandes des clients",
        "Compétences des salariés",
        "Recrutement de profils neufs",
    ):
        await ana.tap(label)
    before = message.labels()
    await ana.tap("Partenariats d’entreprises")
    alert = ana.answers_to_queries()[-1]
    assert alert["show_alert"] is True
    assert alert["text"] == "Vous pouvez choisir au plus 3\u00a0réponses."
    assert message.labels() == before
    await ana.tap("Valider (3)")
    assert_answered(
        message, "Demandes des clients · Compétences des salariés · Recrutement de profils neufs"
    )

    # "Up to 3" obstacles: the main one, then at most 2 more, which do not offer the main
    # one again; a tick forged for it is refused, and nothing changes.
    await run.tapped(innovation, "Manque de temps")
    more = ana.last
    assert not any(label.endswith("Manque de temps") for label in more.labels())
    assert {"▫️ Coût, financement", "▫️ Pas d’autre frein", "▫️ Autre frein"} <= set(more.labels())
    tick = decode(ana.data_of("Coût, financement"))
    before = more.labels()
    await ana.tap_data(encode(dataclasses.replace(tick, value="time")))
    alert = ana.answers_to_queries()[-1]
    assert alert["text"] == "Merci de choisir l’une des réponses proposées."
    assert ana.last is more and more.labels() == before
    await run.multiple(innovation, ["Manque de compétences", "Normes, réglementation"])
    await run.multiple(innovation, ["Transition écologique"])

    # A 5-point scale labelled at every point, "don't know" after the points.
    message = run.next_question(innovation)
    assert message.labels()[:7] == [
        "Forte baisse",
        "Légère baisse",
        "Stabilité",
        "Légère hausse",
        "Forte hausse",
        "Aucune dépense prévue",
        "Je ne sais pas",
    ]
    await ana.tap("Légère hausse")
    assert_answered(message, "Légère hausse")

    international = "Développement international"
    message = run.next_question(international)
    assert message.labels()[:2] == ["Oui", "Non"]
    await ana.tap("Oui")
    assert_answered(message, "Oui")
    await run.tapped(international, "10 à 24\u00a0%")
    await run.multiple(international, ["Union européenne", "Asie"])
    await run.multiple(international, ["Export direct"])
    # An exclusive answer clears the others.
    message = run.next_question(international)
    await ana.tap("Langues étrangères")
    await ana.tap("Aucun frein")
    assert "▫️ Langues étrangères" in message.labels() and "Valider (1)" in message.labels()
    await ana.tap("Valider (1)")
    assert_answered(message, "Aucun frein")

    await run.multiple(international, ["Nouveaux marchés"])

    skills = "Compétences"
    await run.multiple(skills, ["Créativité, idées nouvelles"])
    await run.tapped(skills, "Je ne sais pas")
    await run.multiple(skills, ["Anglais"])
    await run.tapped(skills, "Élevés")
    await run.tapped(skills, "Non")
    await run.tapped(skills, "Non")

    synergies = "Territoire, universités et écoles"
    await run.tapped(synergies, "Non")
    await run.multiple(synergies, ["Manque de temps"])
    # Each support body used is rated on its own.
    await run.multiple(synergies, ["Bpifrance"])
    message = run.next_question(synergies)
    assert "l’accompagnement de Bpifrance" in message.text
    await ana.tap("Plutôt satisfait")
    assert_answered(message, "Plutôt satisfait")
    await run.typed(synergies, "Plus de stages")

    talent = "Attirer et recruter des talents"
    await run.multiple(talent, ["Ingénieurs"])
    await run.tapped(talent, "Très difficile")
    await run.tapped(talent, "Logement")
    assert not any(label.endswith("Logement") for label in ana.last.labels())
    await run.multiple(talent, ["Salaires moins attractifs", "Image du territoire"])
    await run.multiple(talent, ["Qualité de vie"])
    await run.tapped(talent, "Passer ⏭", "(sans réponse)")

    followup = "Suites de l’enquête"
    await run.tapped(followup, "Oui")
    await run.tapped(followup, "Non")
    await run.typed(followup, "dirigeant@rd-lab.fr")


async def test_a_full_run_by_taps_and_typing_ends_with_the_outro_and_a_summary(
    person: PersonFactory, answers_of: AnswersOf, responses_of: ResponsesOf, flow: Flow
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    assert "atelier de Pithiviers" in ana.chat[0].text
    await ana.tap(AGREE)

    await answer_everything(ana)

    parts, summary = summary_at_end(ana)
    outro = ana.chat[-len(parts) - 1]
    assert outro.text.startswith(
        f"Merci\u00a0! Vos réponses pour {COMPANY} sont bien enregistrées."
    )
    assert f"1. Quel est le nom de votre entreprise\u00a0?\n    → {COMPANY}" in summary
    assert "→ Horlogerie" in summary
    assert "→ 45 – Loiret" in summary
    assert "→ Salaires moins attractifs · Image du territoire" in summary
    assert summary.count("\n    → ") == len(FULL_RUN) + 2  # and the two skipped
    assert ana.live_keyboards() == [parts[-1]]

    stored = answers_of(ana.user_id)
    assert {q: (v, o) for q, (v, o, _) in stored.items()} == FULL_RUN
    assert {stage for _, _, stage in stored.values()} == {"pithiviers"}
    (response,) = responses_of(ana.user_id)
    assert response["status"] == "completed"
    assert response["stage_code"] == "pithiviers"
    assert response["flow_id"] == flow.id and response["language"] == "fr"


async def test_a_company_name_with_html_characters_is_escaped_wherever_it_is_shown(
    person: PersonFactory, api: FakeBotAPI
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await answer_everything(ana)
    await ana.tap("✏️ Modifier une réponse")

    sent = [c.params for c in api.calls_to("sendMessage") + api.calls_to("editMessageText")]
    with_company = [p for p in sent if "R&amp;D &lt;Lab&gt;" in p["text"]]
    # The question piping it, the answered transcript lines, the outro and the summary.
    assert len(with_company) >= 10
    for params in sent:
        assert params.get("parse_mode") == "HTML", params["text"][:80]
        assert "<Lab>" not in params["text"]
    # And the person reads the name as typed.
    assert any(f"l’année de création de {COMPANY}" in m.text for m in ana.chat)


# --- deep links -----------------------------------------------------------------------


async def test_a_known_deep_link_tags_the_response_with_its_workshop(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start PITHIVIERS")  # typed from a poster, in capitals
    assert ana.chat[0].text == (
        "Bienvenue\u00a0! Vos réponses seront rattachées à l’atelier de Pithiviers (5\u00a0juin\u00a02019)."
    )
    await ana.tap(AGREE)
    question(ana)
    await ana.send("Acme")
    assert answers_of(ana.user_id) == {"company_name": ("Acme", None, "pithiviers")}


async def test_a_word_or_a_sticker_at_the_notice_keeps_the_links_workshop(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    """Nothing is stored before agreeing: what the person sends meanwhile must not drop the
    workshop their link named."""
    ana, bob = person(), person()
    for who in (ana, bob):
        await who.send("/start pithiviers")
    await ana.send_sticker()
    assert [m.text for m in ana.chat[-2:-1]] == [
        "Pour commencer, merci de répondre à l’information sur vos données, ci-dessous."
    ]
    assert ana.last.text.startswith("Information sur vos données")
    await ana.send("/back")
    await ana.tap(AGREE)
    await bob.send("Oui !")
    assert bob.last.text.startswith("Information sur vos données")
    await bob.tap(AGREE)

    for who in (ana, bob):
        question(who)
        await who.send("Acme")
        assert answers_of(who.user_id) == {"company_name": ("Acme", None, "pithiviers")}


@pytest.mark.parametrize("payload", ["atlantis", "../../etc", "x" * 70, "pithiviers;drop"])
async def test_an_unknown_or_malformed_deep_link_offers_the_workshops(
    person: PersonFactory, answers_of: AnswersOf, responses_of: ResponsesOf, payload: str
) -> None:
    ana = person()
    await ana.send(f"/start {payload}")
    (offer,) = ana.chat
    assert "ne correspond à aucun atelier connu" in offer.text
    # The bundled list's made-up workshops say so: nobody picks Évreux thinking it is real.
    assert offer.labels() == [
        "Pithiviers",
        "Évreux (exemple)",
        "Vitré (exemple)",
        "Épinal (exemple)",
        "Dunkerque (exemple)",
        "Continuer sans atelier",
    ]
    assert responses_of(ana.user_id) == []

    await ana.tap("Pithiviers")
    assert offer.keyboard is None
    assert "atelier de Pithiviers" in ana.chat[1].text
    assert responses_of(ana.user_id) == []  # the notice comes first
    await ana.tap(AGREE)
    question(ana)
    await ana.send("Acme")
    assert answers_of(ana.user_id) == {"company_name": ("Acme", None, "pithiviers")}
    assert responses_of(ana.user_id)[0]["stage_code"] == "pithiviers"


async def test_a_late_tap_on_the_workshop_list_is_stale_and_keeps_the_workshop(
    person: PersonFactory, responses_of: ResponsesOf
) -> None:
    ana = person()
    await ana.send("/start atlantis")
    (offer,) = ana.chat
    evreux = ana.data_of("Évreux (exemple)", offer)
    await ana.tap("Pithiviers")
    await ana.tap(AGREE)
    said = [m.text for m in ana.chat]

    await ana.tap_data(evreux, message=offer)  # a second tap, sent before the list went

    assert ana.answers_to_queries()[-1]["text"].startswith("Ce bouton n’est plus actif")
    assert [m.text for m in ana.chat] == said  # nothing said again, nothing moved
    assert responses_of(ana.user_id)[0]["stage_code"] == "pithiviers"


async def test_going_on_without_a_workshop_leaves_the_response_untagged(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start atlantis")
    await ana.tap("Continuer sans atelier")
    await ana.tap(AGREE)
    _, n, _, _ = question(ana)
    assert n == 1
    await ana.send("Acme")
    assert answers_of(ana.user_id) == {"company_name": ("Acme", None, None)}


# --- /start ---------------------------------------------------------------------------


async def test_plain_start_welcomes_and_asks_the_first_question(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/start")
    welcome, consent = ana.chat
    title = "1er tour de France de l’innovation dans les territoires d’industrie"
    assert welcome.text.startswith(f"{title}\n\nBonjour,")
    assert "Vos droits" in consent.text
    assert consent.labels() == [AGREE, "Je refuse", "English"]
    await ana.tap(AGREE)
    assert consent.keyboard is None
    _, _, first = ana.chat
    message, n, total, section = question(ana)
    assert message is first
    assert (n, section) == (1, "Votre entreprise et vous")
    assert total > 20
    assert "Quel est le nom de votre entreprise\u00a0?" in first.text


async def test_start_with_an_unfinished_response_offers_to_resume(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.tap("Agroalimentaire")

    await ana.send("/start")
    offer = ana.last
    assert offer.text == (
        "Vous avez un questionnaire en cours (2\u00a0réponses sur 51). "
        "Voulez-vous reprendre là où vous en étiez\u00a0?"
    )
    assert offer.labels() == ["Reprendre ▶", "Recommencer"]
    await ana.tap("Reprendre ▶")
    message, n, _, _ = question(ana)
    assert n == 3 and "Combien de salariés compte Acme" in message.text
    assert_one_live_keyboard(ana)
    assert len(answers_of(ana.user_id)) == 2


async def test_starting_over_asks_for_confirmation_then_erases_the_answers(
    person: PersonFactory, answers_of: AnswersOf, responses_of: ResponsesOf
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.tap("Agroalimentaire")
    await ana.send("/start")
    await ana.tap("Recommencer")
    confirm = ana.last
    assert "efface toutes vos réponses" in confirm.text
    assert confirm.labels() == ["Oui, recommencer", "Non, continuer"]
    assert len(answers_of(ana.user_id)) == 2  # nothing erased yet

    await ana.tap("Oui, recommencer")
    assert ana.chat[-2].text == "C’est reparti depuis le début."
    _, n, _, _ = question(ana)
    assert n == 1
    assert answers_of(ana.user_id) == {}
    (response,) = responses_of(ana.user_id)
    assert response["stage_code"] == "pithiviers"  # still the same workshop
    assert_one_live_keyboard(ana)


async def test_declining_to_start_over_keeps_everything(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.send("/restart")
    await ana.tap("Non, continuer")
    _, n, _, _ = question(ana)
    assert n == 2
    assert answers_of(ana.user_id) == {"company_name": ("Acme", None, None)}


async def test_start_after_finishing_shows_the_summary_and_an_answer_can_be_changed(
    person: PersonFactory, answers_of: AnswersOf, responses_of: ResponsesOf
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await answer_everything(ana)
    (finished,) = responses_of(ana.user_id)

    await ana.send("/start")
    parts, summary = summary_at_end(ana)
    done = ana.chat[-len(parts) - 1]
    assert done.text.startswith("Vous avez déjà répondu à ce questionnaire, merci\u00a0!")
    assert "3. Combien de salariés compte R&D <Lab>\u00a0?\n    → 10 à 49" in summary
    assert ana.live_keyboards() == [parts[-1]]  # the first summary gave way

    await ana.tap("✏️ Modifier une réponse")
    pick = ana.last
    assert pick.text.startswith("Quelle réponse voulez-vous modifier\u00a0?")
    assert pick.labels()[:3] == ["1", "2", "3"]
    await ana.tap("3", message=pick)
    # Walking away now must not turn a fully answered response back into an unfinished one.
    (revising,) = responses_of(ana.user_id)
    assert revising["status"] == "completed"
    assert revising["completed_at"] == finished["completed_at"]
    message, n, _, _ = question(ana)
    assert n == 3
    assert "• 10 à 49" in message.labels()  # the earlier answer is marked
    await ana.tap("50 à 249")
    assert_answered(message, "50 à 249")

    assert ana.chat[-2].text == "Réponse modifiée, merci\u00a0!"
    await ana.tap(WHOLE, message=brief_end(ana))
    parts, summary = summary_at_end(ana)
    assert "3. Combien de salariés compte R&D <Lab>\u00a0?\n    → 50 à 249" in summary
    assert ana.live_keyboards() == [parts[-1]]
    stored = answers_of(ana.user_id)
    assert stored["headcount"] == ("h50_249", None, "pithiviers")
    assert {q: (v, o) for q, (v, o, _) in stored.items()} == {
        **FULL_RUN,
        "headcount": ("h50_249", None),
    }
    (response,) = responses_of(ana.user_id)
    assert response["id"] == finished["id"]
    assert response["status"] == "completed"
    assert response["completed_at"] == finished["completed_at"], "first completion is kept"


# --- commands -------------------------------------------------------------------------


async def test_back_returns_to_the_previous_question_with_its_answer(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("/back")
    assert ana.last.text == "Vous êtes à la première question."
    await ana.send("Acme")
    second, n, _, _ = question(ana)
    assert n == 2

    await ana.send("/back")
    assert second.keyboard is None and "✅" not in second.text
    message, n, _, _ = question(ana)
    assert n == 1
    assert "Écrivez votre réponse. Réponse actuelle\u00a0: Acme" in message.text
    assert_one_live_keyboard(ana)
    await ana.send("Acme SA")
    _, n, _, _ = question(ana)
    assert n == 2
    assert answers_of(ana.user_id) == {"company_name": ("Acme SA", None, None)}


async def test_back_typed_from_an_other_text_asks_the_choice_again_below(
    person: PersonFactory,
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.tap("Autre secteur")
    asked = ana.last
    assert "«\u00a0Autre secteur\u00a0»\u00a0: précisez en quelques mots." in asked.text
    await ana.send("/back")
    # The choices again, as a new message under the "/back" they typed: not an edit of
    # the message above it, which they would not see change.
    again = ana.last
    assert again is not asked and again.message_id > asked.message_id
    assert "Quel est le secteur d’activité principal d’Acme" in again.text
    assert any("Autre secteur" in label for label in again.labels())
    assert asked.keyboard is None
    assert_one_live_keyboard(ana)


async def test_other_left_for_another_choice_never_reads_as_answered(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    """ "Autre secteur" waits for its text: the question reads "✏️ Autre secteur…", not ✅,
    and once another choice is made instead, only that one is checked."""
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    chosen = ana.last
    await ana.tap("Autre secteur")
    assert_pending(chosen, "Autre secteur")
    await ana.tap("↩ Retour")
    await ana.tap("Agroalimentaire")

    checked = [m.text.rsplit("\n", 1)[-1] for m in ana.chat if "✅" in m.text]
    assert checked == ["✅ Acme", "✅ Agroalimentaire"]
    assert answers_of(ana.user_id)["sector"][0] == "agrifood"


async def test_back_button_goes_back_too(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.tap("↩ Retour")
    _, n, _, _ = question(ana)
    assert n == 1


async def test_a_typed_answer_met_again_is_kept_with_one_tap(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.tap("Autre secteur")
    await ana.send("Robinetterie")
    await ana.send("/back")  # to the sector, chosen again: its "Other" text is asked again
    await ana.tap("• Autre secteur")
    assert "Garder «\u00a0Robinetterie\u00a0»" in ana.last.labels()

    await ana.tap("Garder «\u00a0Robinetterie\u00a0»")
    _, n, _, _ = question(ana)
    assert n == 3
    await ana.tap("↩ Retour")
    await ana.tap("↩ Retour")  # back to the company's name, a typed answer
    _, n, _, _ = question(ana)
    assert n == 1
    await ana.tap("Garder «\u00a0Acme\u00a0»")

    _, n, _, _ = question(ana)
    assert n == 2
    assert_one_live_keyboard(ana)
    assert answers_of(ana.user_id) == {
        "company_name": ("Acme", None, None),
        "sector": ("other", "Robinetterie", None),
    }


async def test_a_first_visit_to_a_typed_question_offers_nothing_to_keep(
    person: PersonFactory,
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)

    assert not any(label.startswith("Garder") for label in ana.last.labels())


async def test_skip_is_refused_politely_on_a_required_question(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.send("/skip")
    refusal = ana.chat[-2]
    assert refusal.text == "⚠️ Cette question est obligatoire."
    _, n, _, _ = question(ana)
    assert n == 2
    assert_one_live_keyboard(ana)
    assert answers_of(ana.user_id) == {"company_name": ("Acme", None, None)}


class TestMiniFlow:
    """The small flow with every kind of step, for the commands on optional questions."""

    @pytest.fixture
    def flow(self, mini_flow: Flow) -> Flow:
        return mini_flow

    async def start_to_share(self, ana: Person) -> None:
        await ana.send("/start")
        await ana.tap("Continuer ▶")
        await ana.send("Acme")
        await ana.send("12")
        await ana.tap("Industrie")
        await ana.tap("Oui")
        await ana.tap("Europe")
        await ana.tap("Valider (1)")

    async def test_skip_leaves_an_optional_question_unanswered(
        self, person: PersonFactory, answers_of: AnswersOf
    ) -> None:
        ana = person()
        await self.start_to_share(ana)
        message, _, _, _ = question(ana)
        assert "Part export\u00a0?" in message.text
        await ana.send("/skip")
        assert_answered(message, "(sans réponse)")
        assert "Importance\u00a0?" in question(ana)[0].text
        assert "share" not in answers_of(ana.user_id)

    async def test_a_long_answer_full_of_html_characters_is_shown_back_whole(
        self, person: PersonFactory, answers_of: AnswersOf
    ) -> None:
        """2,000 characters of "<", "&" and ">" fit a message; once escaped as HTML they would not."""
        ana = person()
        await self.start_to_share(ana)
        await ana.send("/skip")
        await ana.tap("3")
        await ana.tap("Coût")
        await ana.tap("Temps")
        await ana.tap("Valider ce classement")
        message, _, _, _ = question(ana)
        assert "Idées\u00a0?" in message.text
        idea = "<&>" * 666 + "!!"
        await ana.send(idea)
        assert_answered(message, idea)
        parts, summary = summary_at_end(ana)
        assert ana.chat[-len(parts) - 1].text == "Merci Acme\u00a0!"
        assert f"→ {idea}" in summary
        assert answers_of(ana.user_id)["ideas"][0] == idea

    async def test_a_scale_explains_its_ends_and_a_ranking_numbers_each_tap_then_confirms(
        self, person: PersonFactory, answers_of: AnswersOf
    ) -> None:
        ana = person()
        await self.start_to_share(ana)
        await ana.send("/skip")
        # A scale from 1 to 5 with "Je ne sais pas"; its ends are explained.
        message, _, _, _ = question(ana)
        assert message.labels()[:6] == ["1", "2", "3", "4", "5", "Je ne sais pas"]
        assert "1 = Faible · 5 = Forte" in message.text
        await ana.tap("4")
        assert_answered(message, "4/5")

        # Ranking: successive taps number the items; a second tap removes one.
        message, _, _, _ = question(ana)
        await ana.tap("Coût")
        assert "1. Coût" in message.labels()
        await ana.tap("Coût")
        assert "Coût" in message.labels() and "1. Coût" not in message.labels()
        await ana.tap("Temps")
        assert "1. Temps" in message.labels()
        await ana.tap("Compétences")
        # The last rank waits for "Valider": a mistaken one could still be taken back.
        assert message.labels()[:4] == [
            "Coût",
            "1. Temps",
            "2. Compétences",
            "Valider ce classement",
        ]
        assert "obstacles" not in answers_of(ana.user_id)
        await ana.tap("Valider ce classement")
        assert_answered(message, "1. Temps\u00a0; 2. Compétences")
        stored = answers_of(ana.user_id)
        assert (stored["importance"][0], stored["obstacles"][0]) == (4, ["time", "skills"])

    async def test_confirming_nothing_on_a_required_multiple_choice_is_refused(
        self, person: PersonFactory, answers_of: AnswersOf
    ) -> None:
        ana = person()
        await ana.send("/start")
        await ana.tap("Continuer ▶")
        await ana.send("Acme")
        await ana.send("12")
        await ana.tap("Industrie")
        await ana.tap("Oui")
        message = ana.last
        await ana.tap("Valider (0)")
        alert = ana.answers_to_queries()[-1]
        assert alert["show_alert"] is True
        assert alert["text"] == "Merci de choisir au moins une réponse."
        assert ana.last is message and message.keyboard is not None
        assert "markets" not in answers_of(ana.user_id)

    async def test_other_in_a_multiple_choice_stores_its_text(
        self, person: PersonFactory, answers_of: AnswersOf
    ) -> None:
        ana = person()
        await ana.send("/start")
        await ana.tap("Continuer ▶")
        await ana.send("Acme")
        await ana.send("12")
        await ana.tap("Industrie")
        await ana.tap("Oui")
        await ana.tap("Asie")
        await ana.tap("Autre (précisez)")
        await ana.tap("Valider (2)")
        assert "«\u00a0Autre\u00a0»\u00a0: précisez" in question(ana)[0].text
        await ana.send("Océanie")
        assert answers_of(ana.user_id)["markets"] == (
            ["asia", "other"],
            "Océanie",
            None,
        )


async def test_language_can_be_switched_to_english_mid_flow(
    person: PersonFactory, answers_of: AnswersOf, responses_of: ResponsesOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    french = ana.last
    await ana.send("/language")
    assert ana.last.text == "Choisissez votre langue\u00a0:"
    assert ana.last.labels() == ["• Français", "English"]
    await ana.tap("English")
    assert ana.chat[-2].text == "Language: English."
    message, n, _, section = question(ana)
    assert n == 2 and section == "Your company and you"
    assert "What is the main business sector of Acme?" in message.text
    assert "Other sector" in message.labels()
    assert french.keyboard is None
    assert_one_live_keyboard(ana)
    await ana.tap("Food and drink")
    assert_answered(message, "Food and drink")
    assert responses_of(ana.user_id)[0]["language"] == "en"
    assert answers_of(ana.user_id)["sector"] == ("agrifood", None, None)


@pytest.mark.parametrize(
    ("language_code", "agree", "section"),
    [
        ("en", "✅ I agree", "Your company and you"),
        ("en-GB", "✅ I agree", "Your company and you"),
        ("de", AGREE, "Votre entreprise et vous"),
        (None, AGREE, "Votre entreprise et vous"),
    ],
)
async def test_the_telegram_language_chooses_english_or_else_french(
    person: PersonFactory, language_code: str | None, agree: str, section: str
) -> None:
    ana = person(language_code=language_code)
    await ana.send("/start")
    await ana.tap(agree)  # the notice is in that language too
    assert question(ana)[3] == section


async def test_help_lists_the_commands(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/help")
    help_text = ana.last.text
    for command in ("/back", "/skip", "/restart", "/language", "/start"):
        assert command in help_text
    bob = person(language_code="en")
    await bob.send("/help")
    assert bob.last.text.startswith("Answer by tapping the buttons")


async def test_an_unknown_command_points_to_help(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/start")
    await ana.send("/frobnicate")
    assert ana.last.text == "Je ne connais pas cette commande. /help pour l’aide."


# --- once known bugs -------------------------------------------------------------------


async def test_a_year_reads_back_as_typed(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.tap("Agroalimentaire")
    await ana.tap("10 à 49")
    await ana.tap("Non")
    await ana.tap("Moins de 2 M€")
    await ana.send("45")
    await ana.tap("Dirigeant, gérant")
    message, _, _, _ = question(ana)
    await ana.send("1987")
    assert_answered(message, "1987")


async def test_the_erasing_promised_by_the_data_notice_is_in_the_menu(
    person: PersonFactory, responses_of: ResponsesOf, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    assert "menu du questionnaire («\u00a0Effacer mes réponses\u00a0»)" in ana.chat[1].text
    assert say("cmd_delete", "fr") == "Effacer mes réponses"  # /delete, in the command menu
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.send("/delete")
    confirm = ana.last
    assert confirm.text.startswith("Effacer définitivement toutes vos réponses")
    assert confirm.labels() == ["Oui, tout effacer", "Non, garder mes réponses"]
    assert answers_of(ana.user_id) == {"company_name": ("Acme", None, None)}  # not yet

    await ana.tap("Oui, tout effacer")
    assert confirm.keyboard is None
    assert ana.last_text.startswith("C’est fait\u00a0: vos réponses et les données vous concernant")
    assert responses_of(ana.user_id) == []
    assert answers_of(ana.user_id) == {}
    assert ana.live_keyboards() == []  # the question left on screen can no longer be answered

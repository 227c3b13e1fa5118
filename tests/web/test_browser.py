"""The web chat in a real browser: Debian's Chromium, driven by Playwright, at a phone's size.

A person with a phone (360×740, French) answers the whole bundled
questionnaire on `surveybot serve`, the command organisers run: the landing
card, the notice, every kind of question, back, editing after the summary,
erasure. Along the way the test checks what that person sees and where the
focus is, keeps screenshots under its temporary folder, and at the end reads
the database file.

The server is a real `python -m bot serve` process on a free port of
127.0.0.1, not the application in a thread: it is what an organiser starts
(settings, static files of the installed package, logging, a clean stop on
SIGTERM), its rate limit runs on the real clock, and `bot.http.serve` listens
for SIGTERM through the event loop, which only the main thread may do. What it
logs is read back: an error or a traceback fails the test. The fixtures
(`server`, `phones`) are in conftest.py.

Skipped, with one message, only when Playwright or a Chromium executable is
missing ($CHROMIUM, else chromium or chromium-browser; .ci/run installs
Debian's). Playwright never downloads a browser here.
"""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

import pytest

from flows import Flow
from tests.web.phone import (
    ABROAD,
    BOT,
    COMPANY,
    FOLLOW_UP,
    INNOVATION,
    NBSP,
    SKILLS,
    TALENT,
    TIES,
    XSS,
    Phones,
    Server,
    allowance_spent,
    answers,
    asks,
    at_departement,
    comes_on_screen,
    rows,
    skip_without_a_browser,
)

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()


def test_a_whole_questionnaire_on_a_phone(server: Server, phones: Phones, db_path: Path) -> None:
    ana = phones()
    page = ana.page

    # The workshop's QR code leads to its landing card.
    ana.open(f"{server.url}/s/pithiviers")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Atelier de Pithiviers")
    ana.sees("5\u00a0juin\u00a02019")
    telegram = page.get_by_role("link", name="Ouvrir dans Telegram")
    expect(telegram).to_have_attribute("href", f"https://t.me/{BOT}?start=pithiviers")
    ana.shot("landing")
    ana.follow("Répondre ici")

    # The notice first; nothing is asked before it is agreed to.
    ana.sees("Bienvenue ! Vos réponses seront rattachées à l’atelier de Pithiviers")
    expect(page.locator("#waiting-text")).to_contain_text("Information sur vos données")
    expect(page.locator(".progress")).to_have_count(0)
    ana.has_no_commands_to_type()
    ana.tap("✅ J’accepte")

    # Typed text: a company name that would be a script, were it not shown as text.
    ana.at(1, 51, COMPANY, "Quel est le nom de votre entreprise ?")
    ana.type(XSS)
    ana.at(2, 51, COMPANY)
    expect(page.locator("#waiting-text")).to_have_text(
        f"Quel est le secteur d’activité principal de {XSS}{NBSP}?"
    )
    expect(page.locator(".transcript .bubble.me")).to_have_text([XSS])
    expect(page.locator("#main script")).to_have_count(0)
    ana.shot("choice")

    # A single choice with "Autre", then its text.
    ana.tap("Autre secteur")
    expect(page.locator(".progress")).to_have_text(f"Question 2/51 · {COMPANY}")
    expect(page.locator("#waiting-text")).to_contain_text("Autre secteur")
    ana.type("Robinetterie")
    ana.at(3, 51, COMPANY, f"Combien de salariés compte {XSS}")
    ana.tap("10 à 49")
    ana.at(4, 51, COMPANY, "fait partie d’un groupe")
    ana.tap("Non")
    ana.at(5, 51, COMPANY, "chiffre d’affaires")
    ana.tap("Moins de 2 M€")
    # A département typed by name, read back as its code and name.
    ana.at(6, 51, COMPANY, "Dans quel département")
    ana.type("loiret")
    ana.sees("45 – Loiret")
    ana.at(7, 51, COMPANY, "Quelle est votre fonction")
    ana.tap("Dirigeant, gérant")

    # A number: refused as the engine refuses it everywhere, then taken.
    ana.at(8, 51, COMPANY, f"Quelle est l’année de création de {XSS}")
    # A year: a whole number from 1800, typed on the phone's digits keypad.
    expect(page.locator("#answer")).to_have_attribute("inputmode", "numeric")
    ana.type("vers 1990")
    expect(page.locator("[role=alert]")).to_be_visible()
    ana.at(8, 51, COMPANY)
    ana.type("1987")

    # The information step: no number, a "Continuer".
    expect(page.locator(".progress")).to_have_text(INNOVATION)
    expect(page.locator("#waiting-text")).to_contain_text("Parlons maintenant de l’innovation")
    ana.tap("Continuer")

    # A multiple choice with ticks and "Autre".
    ana.at(9, 51, INNOVATION, "quels types d’innovation")
    ana.tick("Produit nouveau ou amélioré", "Procédé de production", "Autre type", shot="multiple")
    expect(page.locator(".progress")).to_have_text(f"Question 9/51 · {INNOVATION}")
    ana.type("Impression 3D")
    ana.at(10, 51, INNOVATION, "Comment l’innovation est-elle principalement organisée")
    ana.tap("Équipe R&D ou innovation")
    ana.at(11, 51, INNOVATION, "Quelle part de votre chiffre d’affaires")
    ana.sees("en %")
    ana.type("15")
    ana.at(12, 51, INNOVATION, "favorise le plus")
    ana.sees("(3\u00a0au plus)")  # said by the question: not again under it
    expect(page.get_by_text("Jusqu’à 3\u00a0réponses.")).to_have_count(0)
    ana.tick("Demandes des clients", "Compétences des salariés", "Outils numériques")

    # "Up to 3" obstacles: the main one, then up to 2 more; back to them once.
    ana.at(13, 51, INNOVATION, "principal frein")
    ana.tap("Manque de temps")
    ana.at(14, 51, INNOVATION, "d’autres freins")
    ana.sees("(2\u00a0au plus)")
    ana.tick("Coût, financement", "Manque de compétences")
    ana.at(15, 51, INNOVATION, "occasions d’innover")
    ana.tap("← Retour")
    ana.at(14, 51, INNOVATION, "d’autres freins")
    for label in ("Coût, financement", "Manque de compétences"):
        expect(page.get_by_role("checkbox", name=label)).to_be_checked()
    ana.tick()
    ana.at(15, 51, INNOVATION, "occasions d’innover")
    ana.tick("Transition écologique")

    # A 5-point scale labelled at every point, then yes/no: the exporters' branch.
    ana.at(16, 51, INNOVATION, "dépenses d’innovation")
    ana.sees("Forte baisse")
    ana.tap("Légère hausse")
    ana.at(17, 51, ABROAD, f"Est-ce que {XSS} a une activité à l’international")
    ana.tap("Oui")
    ana.at(18, 49, ABROAD, "Quelle part de votre chiffre d’affaires est réalisée")
    ana.tap(f"25 à 49{NBSP}%")
    ana.at(19, 49, ABROAD, "Sur quels marchés")
    ana.tick("Union européenne", "Amérique du Nord")
    ana.at(20, 49, ABROAD, "Comment travaillez-vous")
    ana.tick("Export direct", "Agents, distributeurs")
    ana.at(21, 49, ABROAD, "Quels freins rencontrez-vous")
    ana.tick("Langues étrangères", "Coût, financement")
    ana.at(22, 49, ABROAD, "occasions voyez-vous à l’international")
    ana.tick("Nouveaux marchés")
    ana.at(23, 49, SKILLS, "En innovation, créativité")
    ana.tick("Créativité, idées nouvelles")
    ana.at(24, 49, SKILLS, "besoins de formation")
    ana.tap("Moyens")
    ana.at(25, 49, SKILLS, "Pour travailler à l’international")
    ana.tick("Anglais")
    ana.at(26, 49, SKILLS, "besoins de formation")
    ana.tap("Élevés")
    ana.at(27, 49, SKILLS, "des stagiaires")
    ana.tap("Oui")
    ana.at(28, 49, SKILLS, "Combien de stagiaires")
    ana.type("3")
    ana.at(29, 49, SKILLS, "apprentis")
    ana.tap("Non")
    ana.at(30, 48, TIES, "liens avec des universités")
    ana.tap("Oui")
    ana.at(31, 48, TIES, "Quelles formes prennent ces liens")
    ana.tick("Stages", "Apprentissage, alternance")
    ana.at(32, 48, TIES, "Qu’est-ce qui freine")
    ana.tick("Manque de temps")
    # Each support body used is then rated on its own.
    ana.at(33, 48, TIES, "organismes d’accompagnement")
    ana.tick("Conseil régional", "Bpifrance")
    ana.at(34, 45, TIES, "du conseil régional")
    ana.tap("Plutôt satisfait")
    ana.at(35, 45, TIES, "de Bpifrance")
    ana.tap("Très satisfait")

    # A long text in its box; an optional one skipped.
    ana.at(36, 45, TIES, "renforcer vos liens")
    expect(page.locator("textarea#answer")).to_be_visible()
    ana.type("Des stages plus longs.\nUn contact unique à l’université.")
    ana.at(37, 45, TALENT, "Quels profils")
    ana.tick("Techniciens, maintenance")
    ana.at(38, 45, TALENT, "recruter est-il aujourd’hui facile ou difficile")
    ana.tap("Plutôt difficile")
    ana.at(39, 45, TALENT, "principal obstacle")
    ana.tap("Logement")
    ana.at(40, 45, TALENT, "d’autres obstacles")
    ana.tick("Transports, mobilité", "Salaires moins attractifs")
    ana.at(41, 45, TALENT, "atouts de votre territoire")
    ana.tick("Qualité de vie")
    ana.at(42, 45, TALENT, "propositions")
    ana.tap("Passer")
    ana.at(43, 45, FOLLOW_UP, "recevoir le document de synthèse")
    ana.tap("Oui")
    ana.at(44, 45, FOLLOW_UP, "recontacté")
    ana.tap("Non")
    ana.at(45, 45, FOLLOW_UP, "adresse e-mail")
    expect(page.locator("#answer")).to_have_attribute("type", "email")
    ana.type("direction@robinetterie.example")

    # The summary, then one answer changed from it.
    summary = page.locator(".summary")
    expect(summary.get_by_role("heading", level=1)).to_have_text("Récapitulatif de vos réponses")
    ana.sees(f"Merci ! Vos réponses pour {XSS} sont bien enregistrées.")
    expect(summary).to_contain_text("Robinetterie")
    expect(summary).to_contain_text("45 – Loiret")
    expect(summary).to_contain_text("Coût, financement · Manque de compétences")
    ana.has_no_commands_to_type()
    ana.shot("summary")
    third = summary.locator("li").nth(2)
    expect(third).to_contain_text("10 à 49")
    edit = third.get_by_role("button", name=f"Modifier — 3. Combien de salariés compte {XSS}")
    ana.press(edit)
    ana.at(3, 45, COMPANY, "Combien de salariés")
    expect(page.get_by_role("button", name="10 à 49 (réponse actuelle)")).to_have_attribute(
        "aria-pressed", "true"
    )
    ana.tap("50 à 249")
    expect(summary.get_by_role("heading", level=1)).to_have_text("Récapitulatif de vos réponses")
    expect(summary.locator("li").nth(2)).to_contain_text("50 à 249")

    # In the database: one web respondent, a completed response of the workshop, the changes.
    assert rows(db_path, "SELECT channel FROM respondents") == [("web",)]
    response = "SELECT stage_code, status, consent_version IS NOT NULL FROM responses"
    assert rows(db_path, response) == [("pithiviers", "completed", 1)]
    assert rows(db_path, "SELECT DISTINCT stage_code FROM answers") == [("pithiviers",)]
    stored = answers(db_path)
    assert stored["company_name"] == (XSS, None)
    assert stored["sector"] == ("other", "Robinetterie")
    assert stored["headcount"] == ("h50_249", None)
    assert stored["year_founded"] == (1987, None)
    assert stored["innovation_kinds"] == (["product", "process", "other"], "Impression 3D")
    assert stored["departement"] == ("45", None)
    assert stored["innov_barrier_main"] == ("time", None)
    assert stored["innov_barriers_more"] == (["funding", "skills"], None)
    assert stored["innov_spend_plan"] == ("4", None)
    assert stored["sat_region"] == ("4", None)
    assert stored["works_abroad"] == ("yes", None)
    assert stored["export_share"] == ("p25_49", None)
    assert "export_plans" not in stored

    # Erasure: confirmed, then nothing is left.
    ana.tap("Effacer mes réponses")
    expect(page.locator("#waiting-text")).to_contain_text("Effacer définitivement")
    ana.tap("Oui, tout effacer")
    expect(page.locator(".goodbye")).to_contain_text("vos réponses et les données vous concernant")
    ana.shot("goodbye")
    for table in ("respondents", "responses", "answers", "consent_refusals"):
        assert rows(db_path, f"SELECT count(*) FROM {table}") == [(0,)], table
    for name in ("landing", "choice", "multiple", "summary", "goodbye"):
        assert (ana.shots / f"{name}.png").stat().st_size > 1000
    ana.check_clean()


def test_the_plain_forms_work_without_javascript(
    server: Server, phones: Phones, db_path: Path
) -> None:
    bob = phones(scripts=False)
    bob.open(f"{server.url}/s/pithiviers")
    bob.follow("Répondre ici")
    bob.tap("✅ J’accepte")
    bob.at(1, 51, COMPANY, "Quel est le nom de votre entreprise ?")
    expect(bob.page.locator("#answer")).to_be_focused()  # `autofocus`, no script needed
    bob.type("Robinetterie Duval")
    bob.at(2, 51, COMPANY, "Quel est le secteur d’activité principal de Robinetterie Duval")
    bob.tap("Métallurgie, mécanique")
    bob.at(3, 51, COMPANY, "Combien de salariés compte Robinetterie Duval")
    bob.shot("no-script")
    assert answers(db_path) == {
        "company_name": ("Robinetterie Duval", None),
        "sector": ("metal_mech", None),
    }
    bob.check_clean()


def test_the_resume_link_opens_the_same_question_elsewhere(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = phones()
    ana.open(f"{server.url}/s/pithiviers")
    ana.follow("Répondre ici")
    ana.tap("✅ J’accepte")
    ana.type("Robinetterie Duval")
    ana.tap("Métallurgie, mécanique")
    ana.at(3, 51, COMPANY, "Combien de salariés compte Robinetterie Duval")
    link = ana.page.locator("#resume-link").input_value()
    assert re.fullmatch(rf"{re.escape(server.url)}/r/[A-Za-z0-9_-]{{32}}", link)

    # The tab closed and opened again: the cookie brings her back.
    ana.new_tab()
    ana.open(f"{server.url}/chat")
    ana.at(3, 51, COMPANY, "Combien de salariés compte Robinetterie Duval")

    # Another browser (her computer at the office) with the link: the same question.
    office = phones()
    office.open(link)
    expect(office.page.locator("h1")).to_have_text("Reprendre ces réponses ici ?")
    office.sees("Pithiviers")
    office.shot("resume-link")
    with office.page.expect_navigation():
        office.page.get_by_role("button", name="Reprendre ici").click()
    expect(office.page).to_have_url(f"{server.url}/chat")
    office.at(3, 51, COMPANY, "Combien de salariés compte Robinetterie Duval")
    # docs/images/web-chat.png is this screenshot, cut under "← Retour" (360×862) and
    # reduced to 64 colours with Pillow.
    office.shot("resumed")
    office.tap("10 à 49")
    office.at(4, 51, COMPANY)
    ana.reload()
    ana.at(4, 51, COMPANY, "fait partie d’un groupe")
    assert rows(db_path, "SELECT count(*) FROM respondents") == [(1,)]
    assert answers(db_path)["headcount"] == ("h10_49", None)
    ana.check_clean()
    office.check_clean()


def test_serve_says_when_it_made_up_the_web_secret(server: Server) -> None:
    assert any("SURVEYBOT_WEB_SECRET" in line for line in server.output), server.output


# --- what a person notices: where a message shows, the address, the language, refusals ---


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_a_refused_answer_is_said_on_screen_next_to_its_question(
    server: Server, phones: Phones, db_path: Path, scripts: bool
) -> None:
    ana = phones(scripts=scripts)
    page = ana.page
    at_departement(ana, server.url)

    # Five answers above it: a refusal printed above them would be far off the screen.
    ana.type("99")
    alert = page.locator("[role=alert]")
    expect(alert).to_contain_text("Je ne reconnais pas cette réponse.")
    assert comes_on_screen(alert) and comes_on_screen(page.locator("#answer"))
    ana.shot("refused-code")
    ana.type("45")
    ana.tap("Dirigeant, gérant")
    ana.type("1987")
    ana.tap("Continuer")
    asks(ana, "quels types d’innovation")

    # "Valider" with nothing ticked, nine answers down the page.
    ana.tick()
    expect(alert).to_contain_text("au moins une réponse")
    assert comes_on_screen(alert)
    ana.shot("refused-ticks")
    assert "innovation_kinds" not in answers(db_path)
    ana.check_clean()


class TestUnderAPathPrefix:
    """Behind a reverse proxy that serves the chat under /enquete/ (SURVEYBOT_PUBLIC_URL), and
    only that: the rest of the host is another site's."""

    @pytest.fixture
    def served_prefix(self) -> str:
        return "/enquete"

    def test_the_address_stays_on_the_chat_and_a_reload_shows_the_same_question(
        self, server: Server, phones: Phones
    ) -> None:
        ana = phones()
        page = ana.page
        outside = re.compile(r"^http://127\.0\.0\.1:[0-9]+/(?!enquete/)")
        page.context.route(outside, lambda route: route.fulfill(status=404, body="Not ours."))
        ana.open(f"{server.url}/s/pithiviers")
        ana.follow("Répondre ici")
        ana.tap("✅ J’accepte")
        ana.type("ACME")
        asks(ana, "Quel est le secteur d’activité principal")
        expect(page).to_have_url(f"{server.url}/chat?stage=pithiviers")
        ana.reload()
        asks(ana, "Quel est le secteur d’activité principal")
        ana.check_clean()


def test_switching_language_turns_the_whole_page_and_keeps_the_workshop(
    server: Server, phones: Phones, db_path: Path, bundled_flow: Flow
) -> None:
    ana = phones()
    page = ana.page
    ana.open(f"{server.url}/s/pithiviers")
    ana.follow("Répondre ici")

    # On the notice: English, the bar at the top and the page's language as well.
    ana.tap("English")
    ana.sees("About your data")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header")).to_have_text(bundled_flow.text(bundled_flow.title, "en"))
    expect(page).to_have_title(bundled_flow.text(bundled_flow.title, "en"))
    # Reloaded, it is the same workshop's notice, and agreeing tags the answers with it.
    expect(page).to_have_url(f"{server.url}/chat?stage=pithiviers")
    ana.reload()
    ana.sees("Pithiviers")
    ana.tap("✅ I agree")
    asks(ana, "What is the name of your company?")
    assert rows(db_path, "SELECT stage_code, language FROM responses") == [("pithiviers", "en")]

    # From the button at the bottom of the page: back to French, all of it.
    ana.tap("Français")
    asks(ana, "Quel est le nom de votre entreprise ?")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("header")).to_have_text(bundled_flow.text(bundled_flow.title, "fr"))
    ana.shot("back-in-french")
    ana.check_clean()


def test_a_refusal_of_the_server_is_shown_once_and_the_answer_not_posted_again(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = phones()
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.locator("#answer").fill("ACME")
    # Something else in this browser (a stuck key, a script) spends the person's allowance,
    # and goes on spending what comes back (two requests a second) while they tap.
    with allowance_spent(page, f"{server.url}/s/pithiviers"):
        page.get_by_role("button", name="Envoyer").click()
        expect(page.locator("h1")).to_have_text("Un instant, s’il vous plaît")
    ana.sees("Attendez quelques secondes")
    page.wait_for_timeout(500)  # long enough for a second post, were one coming
    assert posts == [f"{server.url}/chat?stage=pithiviers"]
    assert answers(db_path) == {}
    ana.shot("too-many")

    # The refusal is all that went wrong; after the wait it asked for, "Réessayer": the
    # question as it was, and the answer taken.
    assert ana.errors == [f"HTTP 429 for {server.url}/chat?stage=pithiviers"]
    ana.errors.clear()
    time.sleep(1.5)
    ana.follow("Réessayer")
    asks(ana, "Quel est le nom de votre entreprise ?")
    ana.type("ACME")
    assert answers(db_path) == {"company_name": ("ACME", None)}

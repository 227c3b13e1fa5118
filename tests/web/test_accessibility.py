"""The web chat for a person with a screen reader, a keyboard only, or large text, in Chromium.

Local authorities answering it are bound by the RGAA (WCAG 2.1 AA). axe-core
(the `axe-playwright-python` wheel bundles it: nothing is fetched) checks every
kind of screen, with and without chat.js, in French and English; then what axe
cannot judge: what a screen reader says as a question opens (the question, where
it is, its unit, help and limits, a refusal), which answer is the current one, the
language of a language's own name, the order and ring of the keyboard's focus, and
a page that reflows at 320 CSS pixels (a phone, or 200 % zoom) with text twice as large.
On a short flow with every kind of screen (fixtures/access.yaml).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import PhoneMaker
from tests.web.phone import ACCESS, Phone, Server, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import Page, expect
skip_without_a_browser()
axe_module = pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="pip install -e '.[dev]' (axe-playwright-python)",
)

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""The rules of WCAG 2.0 and 2.1, levels A and AA: what the RGAA asks."""

WORDS: dict[str, dict[str, Any]] = {
    "fr": {
        "agree": "✅ J’accepte",
        "send": "Envoyer",
        "confirm": "Valider",
        "other": "Autre (précisez)",
        "continue": "Continuer",
        "ranks": ("1ᵉʳ", "2ᵉ"),
        "time": "Temps",
        "cost": "Coût",
        "ticks": ("Europe", "Asie", "Amériques"),
        "data": "Mes données",
        "restart": "Recommencer",
        "erase": "Effacer mes réponses",
        "erase_yes": "Oui, tout effacer",
        "edit": "Modifier",
        "services": "Services",
        "handover": "Laisser l’appareil à la personne suivante",
        "cancel": "Annuler",
    },
    "en": {
        "agree": "✅ I agree",
        "send": "Send",
        "confirm": "Confirm",
        "other": "Other (please specify)",
        "continue": "Continue",
        "ranks": ("No. 1", "No. 2"),
        "time": "Time",
        "cost": "Cost",
        "ticks": ("Europe", "Asia", "Americas"),
        "data": "My data",
        "restart": "Start over",
        "erase": "Erase my answers",
        "erase_yes": "Yes, erase everything",
        "edit": "Change",
        "services": "Services",
        "handover": "Hand this device to the next person",
        "cancel": "Cancel",
    },
}


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


def violations(page: Page) -> list[str]:
    """What axe-core finds against WCAG 2.1 A/AA on the page as it stands, one line each."""
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    found: dict[str, Any] = axe_module.Axe().run(page, options=options).response
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in found["violations"]
    ]


Look = Callable[..., None]
"""`look(name)`, `look(name, page)`: check the screen now shown, on the phone or `page`."""


def walk(ana: Phone, server: Server, lang: str, look: Look) -> None:
    """Every kind of screen of the flow, `look`ed at each: refusals, summary, footer's pages."""
    w = WORDS[lang]
    page = ana.page
    ana.open(f"{server.url}/s/pithiviers")
    look("landing")
    ana.open(f"{server.url}/chat?stage=pithiviers")
    look("notice")
    ana.tap(w["agree"])
    look("text")
    # A tablet handed to the next person: asked first, the unfinished response's link and QR.
    ana.follow(w["handover"])
    look("hand the device over?")
    ana.follow(w["cancel"])
    ana.type("x" * 41, w["send"])
    look("text refused")
    ana.type("Acme", w["send"])
    look("number")
    ana.type("beaucoup", w["send"])
    look("number refused")
    ana.type("15", w["send"])
    look("single choice")
    ana.tap(w["other"])
    look("other's text")
    ana.type("Agri", w["send"])
    look("section introduction")
    ana.tap(w["continue"])
    look("scale")
    ana.tap("3")
    look("multiple choice")
    # One box too many, refused; with scripts a box past the maximum is disabled (chat.js),
    # so none ticked is what is refused.
    tried = () if ana.scripts else w["ticks"]
    for label in tried:
        page.get_by_role("checkbox", name=label, exact=True).check()
    ana._submit(lambda: page.get_by_role("button", name=w["confirm"]).click())
    look("multiple choice refused")
    if tried:
        page.get_by_role("checkbox", name=w["ticks"][2], exact=True).uncheck()
    else:
        for label in w["ticks"][:2]:
            page.get_by_role("checkbox", name=label, exact=True).check()
    ana._submit(lambda: page.get_by_role("button", name=w["confirm"]).click())
    look("ranking")
    ana._submit(lambda: page.get_by_role("button", name=w["confirm"]).click())
    look("ranking refused")
    for place, label in zip(w["ranks"], (w["time"], w["cost"]), strict=True):
        page.get_by_role("combobox", name=place, exact=True).select_option(label=label)
    ana._submit(lambda: page.get_by_role("button", name=w["confirm"]).click())
    look("e-mail")
    ana.type("pas-une-adresse", w["send"])
    look("e-mail refused")
    ana.type("direction@acme.example", w["send"])
    look("summary")  # with, after it, the device to the next person
    ana.press(page.locator(".summary button.edit").nth(2))
    look("changing an answer")
    ana.tap(w["services"])
    look("summary, an answer changed")
    ana.tap(w["data"])
    look("my data")
    link = page.locator("#resume-link").input_value()
    browser = page.context.browser
    assert browser is not None
    elsewhere = Phone(browser.new_page(), ana.pace, ana.shots, scripts=True)
    elsewhere.open(link)
    expect(elsewhere.page.locator("h1")).to_have_count(1)
    look("resume link, another browser", elsewhere.page)
    elsewhere.page.context.close()
    ana.tap(w["restart"])
    look("start over?")
    ana.open(f"{server.url}/chat")
    ana.tap(w["erase"])
    look("erase everything?")
    ana.tap(w["erase_yes"])
    look("goodbye")
    ana.check_clean()  # the refusals below are meant: 404, 400, 405
    for name, address in (("404", "/nowhere"), ("unknown resume link", "/r/nobody")):
        ana.open(f"{server.url}{address}")
        look(name)
    page.route(f"{server.url}/s/pithiviers", lambda route: route.continue_(method="DELETE"))
    ana.open(f"{server.url}/s/pithiviers")
    expect(page.locator("h1")).to_have_count(1)
    look("refused request (405)")


class Looks:
    """A `look` that runs axe on each screen and keeps what it finds, by screen."""

    def __init__(self, ana: Phone) -> None:
        self.ana = ana
        self.found: dict[str, list[str]] = {}
        self.seen: list[str] = []

    def __call__(self, name: str, page: Page | None = None) -> None:
        self.seen.append(name)
        problems = violations(page or self.ana.page)
        if problems:
            self.found[name] = problems


@pytest.mark.parametrize(
    ("lang", "scripts"),
    [("fr", True), ("en", True), ("fr", False)],
    ids=["fr-script", "en-script", "fr-no-script"],
)
def test_axe_finds_no_violation_on_any_screen(
    server: Server, phone: PhoneMaker, lang: str, scripts: bool
) -> None:
    ana = phone(scripts=scripts, locale="en-GB" if lang == "en" else "fr-FR")
    looks = Looks(ana)
    walk(ana, server, lang, looks)
    assert len(looks.seen) == 28, looks.seen
    assert not looks.found, "axe-core (WCAG 2.1 A/AA) found:\n" + "\n".join(
        f"{screen}: {problem}" for screen, problems in looks.found.items() for problem in problems
    )


def to_the_scale(ana: Phone, server: Server) -> None:
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("Acme")
    ana.type("15")
    ana.tap("Services")
    ana.tap("Continuer")


def test_a_screen_reader_hears_each_question_where_it_is_and_what_goes_with_it(
    server: Server, phone: PhoneMaker
) -> None:
    ana = phone()
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # A language's own name is said in that language, not read out as French.
    expect(page.get_by_role("button", name="English")).to_have_attribute("lang", "en")
    ana.tap("✅ J’accepte")

    # The field takes the focus (Phone checks it after each answer), named by the question,
    # described by where it is, in words; the tab's title says it too.
    field = page.locator("#answer")
    expect(field).to_have_accessible_name("Nom de l’entreprise\u00a0?")
    expect(field).to_have_accessible_description(re.compile(r"Question 1 sur \d+, Entreprise"))
    expect(page).to_have_title(re.compile(r"^Question 1 sur \d+ · Questionnaire accessible"))
    ana.type("Acme")
    # A number's unit is heard in the field, not only seen after it.
    expect(field).to_have_accessible_description(re.compile(r"^en\s%.*Question 2 sur "))
    expect(page).to_have_title(re.compile(r"^Question 2 sur "))
    ana.type("15")

    # A choice: the focus on the question, which says where it is; the group its help.
    question = page.locator("#waiting-text")
    expect(question).to_be_focused()
    expect(question).to_have_accessible_description(re.compile(r"Question 3 sur \d+, Entreprise"))
    expect(page.get_by_role("group", name="Secteur\u00a0?")).to_have_accessible_description(
        "Le principal."
    )
    ana.tap("Services")
    ana.tap("Continuer")

    # A scale's ends are heard with their points; "don't know" is none of them.
    expect(page.get_by_role("button", name="1", exact=True)).to_have_accessible_description(
        "Faible"
    )
    expect(page.get_by_role("button", name="5", exact=True)).to_have_accessible_description("Forte")
    expect(page.get_by_role("button", name="Je ne sais pas")).to_have_accessible_description("")
    ana.tap("3")

    # Ticks: the group says its help and its limit; a tick's state is the checkbox's.
    group = page.get_by_role("group", name="Marchés\u00a0?")
    expect(group).to_have_accessible_description("Ceux de l’an dernier. Jusqu’à 2\u00a0réponses.")
    ana.tick("Europe", "Asie")
    ana.tap("← Retour")
    expect(page.get_by_role("checkbox", name="Europe", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Asie", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Amériques", exact=True)).not_to_be_checked()
    ana.tap("← Retour")
    # The answer given before: pressed, and said so.
    current = page.get_by_role("button", name="3 (réponse actuelle)")
    expect(current).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", pressed=True)).to_have_count(1)

    # In English, the whole page says so, and "Français" is said in French.
    ana.tap("English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Français")).to_have_attribute("lang", "fr")
    expect(page).to_have_title(re.compile(r"^Question \d+ of \d+ · Accessible questionnaire"))
    ana.check_clean()


@pytest.mark.parametrize(
    ("lang", "scripts", "of"),
    [("fr", True, "sur"), ("en", True, "of"), ("fr", False, "sur")],
    ids=["fr-script", "en-script", "fr-no-script"],
)
def test_a_screen_reader_hears_the_questions_number_in_words_not_a_slash(
    server: Server, phone: PhoneMaker, lang: str, scripts: bool, of: str
) -> None:
    ana = phone(scripts=scripts, locale="en-GB" if lang == "en" else "fr-FR")
    page = ana.page
    w = WORDS[lang]
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap(w["agree"])
    section = "Entreprise" if lang == "fr" else "Company"
    # Seen as before, compact: "Question 1/7 · Entreprise".
    progress = page.locator(".progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_text(re.compile(rf"^Question 1/\d+ · {section}$"))
    said = re.compile(rf"^Question 1 {of} \d+, {section}$")
    # Heard in words, with the field that takes the focus and reading the page in order.
    field = page.locator("#answer")
    expect(field).to_be_focused()
    expect(field).to_have_accessible_description(said)
    # The page's accessibility tree, as a screen reader reads it: the words, no slash.
    heard = page.locator(".question").aria_snapshot()
    assert re.search(rf"paragraph: Question 1 {of} \d+, {section}\n", heard), heard
    assert "/" not in heard, heard
    if scripts:
        # Near its limit, the field's count too: "35 sur 40 caractères", not "35 / 40".
        field.fill("x" * 35)
        expect(page.locator("#answer-count")).to_have_text(re.compile(r"^35\s/\s40\s"))
        expect(field).to_have_accessible_description(
            re.compile(rf"^Question 1 {of} \d+, {section} 35\s{of}\s40\s")
        )
        expect(field).not_to_have_accessible_description(re.compile("/"))
    # A choice: its question takes the focus, described the same way.
    ana.type("Acme", w["send"])
    ana.type("15", w["send"])
    question = page.locator("#waiting-text")
    expect(question).to_be_focused()
    expect(question).to_have_accessible_description(
        re.compile(rf"^Question 3 {of} \d+, {section}$")
    )
    heard = page.locator(".question").aria_snapshot()
    assert f"Question 3 {of} " in heard and "/" not in heard, heard
    ana.check_clean()


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_a_refused_email_is_the_fields_description_and_the_field_is_invalid(
    server: Server, phone: PhoneMaker, scripts: bool
) -> None:
    ana = phone(scripts=scripts)
    page = ana.page
    to_the_scale(ana, server)
    ana.tap("3")
    ana.tick("Europe")
    ana.rank("Temps", "Coût")
    field = page.locator("#answer")
    # The person's own address: the browser may offer to fill it in.
    expect(field).to_have_attribute("autocomplete", "email")
    expect(field).not_to_have_attribute("aria-invalid", "true")
    # Sent as typed (no browser bubble that fades): the server's refusal stays, tied to it.
    ana.type("pas-une-adresse")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("adresse")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(field).to_have_accessible_description(re.compile("^" + re.escape(alert.inner_text())))
    ana.type("direction@acme.example")
    expect(page.locator(".summary")).to_be_visible()
    ana.check_clean()


RING = """e => { const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return { tag: e.tagName, name: (e.labels && e.labels[0] ? e.labels[0].innerText : e.innerText).trim(),
           ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? s.outlineColor : '',
           seen: r.width > 0 && r.height > 0 && s.visibility !== 'hidden' }; }"""


def tab_through(page: Page, count: int) -> list[str]:
    """The next `count` stops of Tab, each checked seen and ringed; their names."""
    names = []
    for _ in range(count):
        page.keyboard.press("Tab")
        stop = page.evaluate(f"({RING})(document.activeElement)")
        assert stop["seen"], f"Tab reached something not seen: {stop}"
        assert stop["ring"] == "rgb(0, 0, 0)", f"no visible focus ring on {stop}"
        names.append(stop["name"])
    return names


def test_the_keyboard_alone_goes_in_reading_order_with_a_ring_and_answers(
    server: Server, phone: PhoneMaker
) -> None:
    ana = phone()
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("Acme")
    ana.type("15")
    # From the question: its answers, back, then the footer; nothing hidden on the way.
    expect(page.locator("#waiting-text")).to_be_focused()
    stops = tab_through(page, 5)
    assert stops[:4] == ["Industrie", "Services", "Autre (précisez)", "← Retour"], stops
    assert stops[4] == "Reprendre plus tard", stops  # the resume link, to copy
    assert tab_through(page, 5) == [
        "Copier le lien",
        "Mes données",
        "English",
        "Recommencer",
        "Effacer mes réponses",
    ]
    # Space presses a choice (Enter does too, as on "Continuer").
    page.get_by_role("button", name="Services").focus()
    ana._submit(lambda: page.keyboard.press("Space"))
    page.get_by_role("button", name="Continuer").focus()
    ana._submit(lambda: page.keyboard.press("Enter"))
    ana.tap("3")
    # Ticks: Tab to the first box, Space ticks it, Enter on "Valider" sends.
    assert tab_through(page, 1) == ["Europe"]
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Europe", exact=True)).to_be_checked()
    assert tab_through(page, 4)[-1] == "Valider"
    ana._submit(lambda: page.keyboard.press("Enter"))
    expect(page.locator("#waiting-text")).to_have_text("Freins\u00a0?")
    ana.check_clean()


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('#main *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > width + 0.5 && !e.closest('.visually-hidden');
  }).map(e => e.tagName + '.' + e.className);
  return { scroll: document.documentElement.scrollWidth - width, wide: wide.slice(0, 5) };
}"""


def test_large_text_on_a_320px_screen_needs_no_sideways_scrolling(
    server: Server, phone: PhoneMaker
) -> None:
    # 320 CSS pixels: a small phone, or a 1280 px screen zoomed to 400 % (WCAG 1.4.10);
    # the text at twice its size, as a phone's or a browser's text setting asks (1.4.4).
    ana = phone(width=320)
    page = ana.page
    screens: list[str] = []

    def check(name: str) -> None:
        page.evaluate("document.documentElement.style.fontSize = '32px'")
        question = page.locator("#waiting-text, h1").first
        size = float(question.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
        assert size >= 38, f"{name}: the text does not grow with the person's setting ({size}px)"
        found = page.evaluate(OVERFLOW)
        assert found["scroll"] <= 0 and not found["wide"], f"{name}: wider than the screen {found}"
        # Asked for less motion: nothing on the page moves.
        assert page.evaluate("document.getAnimations().length") == 0, name
        screens.append(name)

    ana.open(f"{server.url}/s/pithiviers")
    check("landing")
    ana.open(f"{server.url}/chat?stage=pithiviers")
    check("notice")
    ana.tap("✅ J’accepte")
    check("text")
    ana.follow("Laisser l’appareil à la personne suivante")
    check("hand the device over?")  # its link and QR code within the screen
    ana.follow("Annuler")
    ana.type("Acme")
    ana.type("15")
    check("choice")
    ana.tap("Services")
    ana.tap("Continuer")
    check("scale")
    ana.tap("3")
    check("ticks")
    ana.tick("Europe")
    check("ranking")
    ana.rank("Temps", "Coût")
    ana.type("direction@acme.example")
    check("summary")
    assert len(screens) == 9
    ana.check_clean()

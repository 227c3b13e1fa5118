"""A multiple choice's boxes and a ranking's lists offer only what "Valider" takes (choices.js).

A phone ticking "Aucune innovation" beside "Produit nouveau ou amélioré", a fifth box of
"3 au plus", or the same item at two ranks, was refused only after "Valider". With
scripts, ticking an exclusive answer now unticks the others (and another unticks it),
the boxes past the maximum are disabled until one is unticked, and an item chosen at
a rank another list holds trades places with it. What the page changed by itself is
said to a screen reader (a status line, visually hidden). The server's refusals stay,
for a page without scripts (the last test). On a small flow of its own, in a real Chromium.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.web.phone import RANKS, Phone, Phones, Server, answers, asks, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import Locator, expect
skip_without_a_browser()

FLOW = """\
id: ticking
version: 1
languages: [fr]
title: {fr: "Innovation"}
sections:
  - id: s1
    title: {fr: "Innovation"}
    steps:
      - id: kinds
        type: multiple_choice
        text: {fr: "Quels types d’innovation ?"}
        choices:
          - {code: product, label: {fr: "Produit nouveau ou amélioré"}}
          - {code: process, label: {fr: "Procédé"}}
          - {code: none, label: {fr: "Aucune innovation"}, exclusive: true}
          - {code: dk, label: {fr: "Ne sait pas"}, exclusive: true}
      - id: levers
        type: multiple_choice
        text: {fr: "Qu’est-ce qui favorise le plus l’innovation ?"}
        max_selected: 3
        choices:
          - {code: clients, label: {fr: "Clients"}}
          - {code: staff, label: {fr: "Salariés"}}
          - {code: aid, label: {fr: "Aides publiques"}}
          - {code: labs, label: {fr: "Laboratoires"}}
          - {code: peers, label: {fr: "Autres entreprises"}}
          - {code: nothing, label: {fr: "Rien de tout cela"}, exclusive: true}
      - id: priorities
        type: ranking
        text: {fr: "Vos priorités ?"}
        top: 3
        choices:
          - {code: cost, label: {fr: "Coût"}}
          - {code: time, label: {fr: "Temps"}}
          - {code: skills, label: {fr: "Compétences"}}
          - {code: money, label: {fr: "Financement"}}
      - id: after
        type: yes_no
        text: {fr: "Et après ?"}
"""
KINDS = "Quels types d’innovation"
LEVERS = "Qu’est-ce qui favorise le plus"
PRIORITIES = "Vos priorités"
AFTER = "Et après"
LEVER_LABELS = ("Clients", "Salariés", "Aides publiques", "Laboratoires", "Autres entreprises")


@pytest.fixture
def served_flow(tmp_path: Path) -> Path:
    path = tmp_path / "ticking.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return path


def box(phone: Phone, label: str) -> Locator:
    return phone.page.get_by_role("checkbox", name=label, exact=True)


def rank_list(phone: Phone, n: int) -> Locator:
    return phone.page.get_by_role("combobox", name=RANKS[n - 1], exact=True)


def said(phone: Phone) -> Locator:
    """What the page said to a screen reader of the boxes and lists it changed."""
    return phone.page.locator("#waiting .choices-said")


def confirm(phone: Phone) -> None:
    phone.press(phone.page.get_by_role("button", name="Valider"))


def started(server: Server, phones: Phones) -> Phone:
    ana = phones()
    ana.open(f"{server.url}/chat")
    asks(ana, KINDS)
    return ana


def at_the_levers(server: Server, phones: Phones) -> Phone:
    ana = started(server, phones)
    ana.tick("Procédé")
    asks(ana, LEVERS)
    return ana


def only_ticked(phone: Phone, *labels: str) -> None:
    """These boxes are ticked, and no other of the question's."""
    ticked = phone.page.locator("#waiting input[type=checkbox]:checked")
    expect(ticked).to_have_count(len(labels))
    for label in labels:
        expect(box(phone, label)).to_be_checked()


def test_ticking_an_exclusive_answer_unticks_the_others(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = started(server, phones)
    box(ana, "Produit nouveau ou amélioré").check()
    box(ana, "Procédé").check()
    box(ana, "Aucune innovation").check()
    only_ticked(ana, "Aucune innovation")
    expect(said(ana)).to_have_text("Réponses décochées : Produit nouveau ou amélioré, Procédé.")
    assert said(ana).bounding_box() is None or said(ana).bounding_box()["width"] <= 1  # type: ignore[index]
    # Another exclusive answer replaces it, as any other answer would.
    box(ana, "Ne sait pas").check()
    only_ticked(ana, "Ne sait pas")
    box(ana, "Aucune innovation").check()
    only_ticked(ana, "Aucune innovation")
    confirm(ana)
    asks(ana, LEVERS)  # taken, not refused
    expect(ana.page.locator(".transcript .bubble.me").last).to_have_text("Aucune innovation")
    assert answers(db_path)["kinds"] == (["none"], None)


def test_ticking_another_answer_unticks_the_exclusive_one(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = started(server, phones)
    box(ana, "Aucune innovation").check()
    box(ana, "Produit nouveau ou amélioré").check()
    only_ticked(ana, "Produit nouveau ou amélioré")
    box(ana, "Procédé").check()
    only_ticked(ana, "Produit nouveau ou amélioré", "Procédé")
    confirm(ana)
    asks(ana, LEVERS)
    assert answers(db_path)["kinds"] == (["product", "process"], None)


def test_at_the_maximum_the_other_boxes_are_disabled_until_one_is_unticked(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = at_the_levers(server, phones)
    for label in LEVER_LABELS[:2]:
        box(ana, label).check()
    for label in LEVER_LABELS:
        expect(box(ana, label)).to_be_enabled()  # below the maximum: every box
    box(ana, "Aides publiques").check()
    for label in ("Laboratoires", "Autres entreprises"):
        expect(box(ana, label)).to_be_disabled()
    expect(said(ana)).to_have_text("Maximum atteint (3) : les autres cases sont désactivées.")
    for label in ("Clients", "Salariés", "Aides publiques", "Rien de tout cela"):
        expect(box(ana, label)).to_be_enabled()  # the ticked ones, and the one that stands alone
    box(ana, "Salariés").uncheck()
    for label in LEVER_LABELS:
        expect(box(ana, label)).to_be_enabled()
    box(ana, "Laboratoires").check()
    expect(box(ana, "Salariés")).to_be_disabled()
    expect(box(ana, "Autres entreprises")).to_be_disabled()
    confirm(ana)
    asks(ana, PRIORITIES)  # taken, not refused
    expect(ana.page.locator(".transcript .bubble.me").last).to_contain_text("Laboratoires")
    assert answers(db_path)["levers"] == (["clients", "aid", "labs"], None)


def test_the_exclusive_answer_at_the_maximum_clears_the_rest_and_enables_every_box(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = at_the_levers(server, phones)
    for label in LEVER_LABELS[:3]:
        box(ana, label).check()
    box(ana, "Rien de tout cela").check()
    only_ticked(ana, "Rien de tout cela")
    for label in LEVER_LABELS:
        expect(box(ana, label)).to_be_enabled()
    confirm(ana)
    asks(ana, PRIORITIES)
    assert answers(db_path)["levers"] == (["nothing"], None)


def test_a_page_drawn_at_the_maximum_comes_with_the_rest_disabled(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = at_the_levers(server, phones)
    ana.tick("Clients", "Laboratoires", "Autres entreprises")
    asks(ana, PRIORITIES)
    ana.tap("← Retour")  # the page redrawn with the answer given, three boxes ticked
    asks(ana, LEVERS)
    only_ticked(ana, "Clients", "Laboratoires", "Autres entreprises")
    expect(box(ana, "Salariés")).to_be_disabled()
    expect(box(ana, "Aides publiques")).to_be_disabled()
    expect(box(ana, "Rien de tout cela")).to_be_enabled()
    # Loaded whole (a reload), not only redrawn by chat.js: the same.
    ana.reload()
    asks(ana, LEVERS)
    only_ticked(ana, "Clients", "Laboratoires", "Autres entreprises")
    expect(box(ana, "Salariés")).to_be_disabled()
    expect(box(ana, "Aides publiques")).to_be_disabled()
    box(ana, "Clients").uncheck()
    expect(box(ana, "Salariés")).to_be_enabled()
    box(ana, "Salariés").check()
    confirm(ana)
    asks(ana, PRIORITIES)
    assert answers(db_path)["levers"] == (["staff", "labs", "peers"], None)


def test_an_item_chosen_at_a_rank_another_holds_trades_places_with_it(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = at_the_levers(server, phones)
    ana.tick("Clients")
    asks(ana, PRIORITIES)
    first, second, third = (rank_list(ana, n) for n in (1, 2, 3))
    first.select_option(label="Coût")
    second.select_option(label="Temps")
    for option in ("Coût", "Temps", "Compétences"):  # nothing greyed out: any is offered
        expect(third.locator("option", has_text=option)).to_be_enabled()
    # Two ranks swapped in two moves: "Temps" chosen 1st, "Coût" goes 2nd.
    first.select_option(label="Temps")
    expect(second).to_have_value("cost")
    expect(said(ana)).to_have_text("« Temps » est maintenant 1ᵉʳ, et « Coût » 2ᵉ.")
    # Chosen at a rank from an empty one: that rank is left to choose again.
    third.select_option(label="Coût")
    expect(second).to_have_value("")
    expect(said(ana)).to_have_text("« Coût » est maintenant 3ᵉ ; choisissez à nouveau le 2ᵉ.")
    second.select_option(label="Financement")
    confirm(ana)
    asks(ana, AFTER)  # taken, not refused
    assert answers(db_path)["priorities"] == (["time", "money", "cost"], None)
    # Back to it: the lists drawn with their choices; a swap still trades the two.
    ana.tap("← Retour")
    asks(ana, PRIORITIES)
    rank_list(ana, 3).select_option(label="Temps")
    expect(rank_list(ana, 1)).to_have_value("cost")


def test_without_scripts_nothing_is_disabled_and_the_server_still_refuses(
    server: Server, phones: Phones
) -> None:
    """The safety net, as it was: passes with or without the change (it guards the page)."""
    ana = phones(scripts=False)
    ana.open(f"{server.url}/chat")
    ana.tick("Produit nouveau ou amélioré", "Aucune innovation")
    refusal = ana.page.locator("[role=alert]")
    expect(refusal).to_contain_text("« Aucune innovation » ne se combine pas")
    only_ticked(ana, "Produit nouveau ou amélioré", "Aucune innovation")  # as they were
    box(ana, "Aucune innovation").uncheck()
    confirm(ana)
    asks(ana, LEVERS)
    ana.tick(*LEVER_LABELS)
    expect(refusal).to_contain_text("au plus 3")
    expect(ana.page.locator("#waiting input[type=checkbox]:disabled")).to_have_count(0)

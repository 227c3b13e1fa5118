"""A page says what it says in one language, and says only what it offers.

The resume link opened on a phone in another language than the one answered in;
the workshop's card of a site served without Telegram.
"""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import VisitorFactory


async def test_a_resume_link_opened_in_another_language_reads_in_the_pages_language(
    visitor: VisitorFactory,
) -> None:
    ana = visitor(headers={"accept-language": "en-GB,en;q=0.9"})
    await ana.get("/chat?stage=pithiviers")
    page = await ana.press("✅ I agree")
    page = await ana.type("ACME")
    link = page.field("resume-link")["value"]

    french = visitor(headers={"accept-language": "fr-FR,fr;q=0.9"})
    opened = await french.get(httpx.URL(link).path)
    assert 'lang="fr"' in opened.html and "Reprendre ces réponses ici ?" in opened
    assert "(Pithiviers) : en cours, 1\u00a0réponse" in opened
    for english in ("started on", "in progress", "answer", "reference"):
        assert english not in opened.text, english

    # And the other way round: answered in French, opened in English.
    bea = visitor(headers={"accept-language": "fr-FR,fr;q=0.9"})
    await bea.get("/chat?stage=pithiviers")
    await bea.press("✅ J’accepte")
    link = (await bea.type("Bea SARL")).field("resume-link")["value"]
    english_phone = visitor(headers={"accept-language": "en"})
    opened = await english_phone.get(httpx.URL(link).path)
    assert 'lang="en"' in opened.html and "(Pithiviers): in progress, 1 answer" in opened
    for french_word in ("commencé", "en cours", "réponse", "référence"):
        assert french_word not in opened.text, french_word


@pytest.mark.parametrize("bot_username", [None])
async def test_without_telegram_the_card_does_not_speak_of_it(visitor: VisitorFactory) -> None:
    page = await visitor().get("/s/pithiviers")
    assert "Telegram" not in page.text
    assert "Répondez ici, dans votre navigateur." in page
    english = await visitor(headers={"accept-language": "en"}).get("/s/pithiviers")
    assert "Telegram" not in english.text and "Answer here, in your browser." in english


async def test_with_telegram_the_card_offers_both(visitor: VisitorFactory) -> None:
    page = await visitor().get("/s/pithiviers")
    assert "ou dans Telegram si vous l’utilisez" in page
    assert "Ouvrir dans Telegram" in page.labels() or "Ouvrir dans Telegram" in page


@pytest.mark.parametrize(
    "header",
    [
        "de-DE,de;q=0.9,en;q=0.8,fr;q=0.7",  # a German phone whose next language is English
        "fr;q=0.2, en-GB;q=0.9",  # weights, not order, say which is preferred
        "en_GB",  # as some systems write it
        "*;q=0.5, fr;q=0, en",  # "fr;q=0": not French
        "fr;level=1;q=0.1, en;q=0.5",  # the weight after another parameter
        "fr;q=1.5, en;q=0.9",  # no weight above 1: not a weight at all
    ],
)
async def test_a_page_reads_in_the_first_language_the_browser_wants_that_it_has(
    visitor: VisitorFactory, header: str
) -> None:
    page = await visitor(headers={"accept-language": header}).get("/chat?stage=pithiviers")
    assert 'lang="en"' in page.html and "I agree" in page.text


@pytest.mark.parametrize("header", ["", "de-DE,it;q=0.5", ";;q=,", "en;q=zero, fr"])
async def test_a_browser_wanting_none_of_its_languages_reads_the_questionnaires_own(
    visitor: VisitorFactory, header: str
) -> None:
    page = await visitor(headers={"accept-language": header}).get("/chat?stage=pithiviers")
    assert 'lang="fr"' in page.html and "J’accepte" in page.text

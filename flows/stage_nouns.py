"""What a stage is called, said as French or English says it, and checked as written.

A stages file may say what its stages are (`called:`, see `flows.stages.Called`):
"salon", "journée portes ouvertes". The bot's texts about a stage take the forms
French needs ("au salon", "à la journée", "cet événement", "aucune journée connue")
or English ("an open day") from `StageNoun`; said nothing, a stage is an
"atelier" / "workshop", as the bundled tour's are. `called_checks` finds what the
schema cannot: a language code that is none, a word French or English would not
read, a language the bot's own words do not speak.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from flows.limits import BUTTON_LABEL
from flows.paths import Loc
from flows.piping import french_de
from flows.stages import NOUN_LIMIT, Called, EnglishNoun, FrenchNoun, StageDef

Found = list[tuple[Loc, str]]

# The languages the bot's own words about stages are written in; any other reads French.
NOUN_LANGUAGES: Final = ("fr", "en")
_LANGUAGE = re.compile(r"[a-z]{2}")
# Keys of one language's noun: said so when found under another.
_FRENCH_ONLY: Final = ("gender", "elision")
_ENGLISH_ONLY: Final = ("an",)


@dataclass(frozen=True)
class StageNoun:
    """A stage's noun in the language of the words around it, with its grammar resolved."""

    one: str
    many: str
    feminine: bool = False
    vowel: bool = False
    """French: "le"/"la" elide ("l’atelier") and "ce" is "cet"; English: "an"."""

    @property
    def capital(self) -> str:
        """For a heading: "Journée portes ouvertes de Pithiviers"."""
        return self.one[:1].upper() + self.one[1:]

    @property
    def capitals(self) -> str:
        return self.many[:1].upper() + self.many[1:]

    def agree(self, masculine: str, feminine: str) -> str:
        """The word that agrees with the noun: `agree("aucun", "aucune")`."""
        return feminine if self.feminine else masculine

    def article(self, elided: str, masculine: str, feminine: str) -> str:
        """The noun after an article: "l’atelier", "le salon", "la journée"."""
        if self.vowel:
            return f"{elided}{self.one}"
        return f"{self.agree(masculine, feminine)} {self.one}"

    @property
    def with_a(self) -> str:
        """English "a workshop", "an open day"."""
        return f"{'an' if self.vowel else 'a'} {self.one}"


DEFAULT_NOUNS: Final = {
    "fr": StageNoun("atelier", "ateliers", feminine=False, vowel=True),
    "en": StageNoun("workshop", "workshops"),
}


def stage_noun(called: Called | None, lang: str) -> StageNoun:
    """What a stage is called in `lang`'s words (French's for a language they do not speak)."""
    lang = lang if lang in NOUN_LANGUAGES else "fr"
    given = called.nouns().get(lang) if called is not None else None
    if isinstance(given, FrenchNoun):
        elides = given.elision if given.elision is not None else _french_elides(given.one)
        return StageNoun(given.one, given.many, feminine=given.gender == "f", vowel=elides)
    if isinstance(given, EnglishNoun):
        an = given.an if given.an is not None else _english_an(given.one)
        return StageNoun(given.one, given.many, vowel=an)
    return DEFAULT_NOUNS[lang]


def shared_called(stages: Sequence[StageDef]) -> Called | None:
    """What every one of `stages` is called, in each language where they agree: texts
    about no stage in particular (the list for an unknown link, "go on without") use it.
    In a language where they are called differently, what their file calls them (a
    "trade fair" among the "site visits" leaves them site visits); else the default."""
    if not stages:
        return None
    given = [stage.called.nouns() if stage.called is not None else {} for stage in stages]
    first = given[0]
    if all(g == first for g in given):
        return stages[0].called  # the usual case: one noun for all, nothing to build
    agreed = {lang: noun for lang, noun in first.items() if all(g.get(lang) == noun for g in given)}
    filed = stages[0].file_called  # one stages file for all
    nouns = {**(filed.nouns() if filed is not None else {}), **agreed}
    return Called.model_validate(nouns) if nouns else None


def _french_elides(word: str) -> bool:
    """Before a vowel, accented or not, as "de" before a town (`french_de`): "l’événement".
    An "h" is not elided unless the file says so (`elision: true`): French varies."""
    return french_de(word).startswith("d'")


# --- checks ---------------------------------------------------------------------------


def called_checks(data: Any) -> tuple[Found, Found]:
    """The errors and warnings of every `called:` block of a stages file, read as written.

    The schema says what each key holds; these say what it cannot: a language key that
    is no code (an error); a French noun starting with an "h" (elided or not?), a
    language the bot's words are not written in, and one of theirs left out (warnings).
    """
    errors: Found = []
    warnings: Found = []
    file_called = data.get("called") if isinstance(data, dict) else None
    for loc, block in _blocks(data):
        if not isinstance(block, dict):
            continue  # the schema says it is not a mapping
        for lang, noun in block.items():
            if not isinstance(lang, str):
                continue  # `no:`, `1:`: the loader's YAML traps say it, on the key's line
            errors += _key_problems((*loc, lang), lang)
            warnings += _noun_warnings((*loc, lang), lang, noun)
        others = file_called if loc != ("called",) and isinstance(file_called, dict) else {}
        # `fr:` left empty says no more than `fr` left out.
        missing = [
            lang for lang in NOUN_LANGUAGES if block.get(lang) is None and others.get(lang) is None
        ]
        warnings += [(loc, _missing(lang)) for lang in missing]
    return errors, warnings


def _blocks(data: Any) -> Iterator[tuple[Loc, Any]]:
    """The file's `called` and each stage's, with where they are."""
    if not isinstance(data, dict):
        return
    if "called" in data:
        yield ("called",), data["called"]
    stages = data.get("stages")
    for index, stage in enumerate(stages if isinstance(stages, list) else []):
        if isinstance(stage, dict) and "called" in stage:
            yield ("stages", index, "called"), stage["called"]


def _key_problems(loc: Loc, lang: str) -> Found:
    if _LANGUAGE.fullmatch(lang):
        return []
    return [(loc, f"'{lang}' is not a language code: two lowercase letters, like fr or en")]


def _noun_warnings(loc: Loc, lang: str, noun: Any) -> Found:
    if not _LANGUAGE.fullmatch(lang) or not isinstance(noun, dict):
        return []
    if lang not in NOUN_LANGUAGES:
        return [
            (
                loc,
                f"surveybot's own words exist in {' and '.join(NOUN_LANGUAGES)} only: "
                f"respondents answering in {lang} read them in French, with the fr noun",
            )
        ]
    one = noun.get("one")
    if not isinstance(one, str):
        return []
    one = one.strip()
    if not one:
        return []  # the schema says it is empty
    found: Found = []
    if lang == "fr" and "elision" not in noun and one[:1].lower() == "h":
        found.append(
            (
                (*loc, "one"),
                f"'{one}' starts with an h: say whether French elides before it, "
                "elision: true (l’hôtel) or elision: false (le hangar); read as false",
            )
        )
    if lang == "en" and "an" not in noun and _english_article_unsure(one):
        guess = "an" if _english_an(one) else "a"
        found.append(
            (
                (*loc, "one"),
                f"say whether English puts a or an before '{one}': an: true (an hour) "
                f"or an: false (a university); read as '{guess}'",
            )
        )
    room = BUTTON_LABEL - _WITHOUT[lang]
    if room < len(one) <= NOUN_LIMIT:  # past NOUN_LIMIT the schema refuses it
        found.append(
            (
                (*loc, "one"),
                f"'{one}' is {len(one)} characters: the button that goes on without one "
                f"(for a link naming no known stage) would pass the {BUTTON_LABEL} a phone "
                f"shows; {room} at most reads whole",
            )
        )
    return found


# The longest text before a noun on a button: "Continuer sans ", "Answer without an ".
_WITHOUT: Final = {"fr": 15, "en": 18}


def _english_an(noun: str) -> bool:
    """ "an" before a vowel: what the first letter tells, when the file does not say."""
    return noun[:1].lower() in tuple("aeiou")


def _english_article_unsure(noun: str) -> bool:
    """Whether "a" or "an" cannot be told from the first letter: "an hour" but "a hall",
    "a university" but "an umbrella", "an 8-hour day", "a European fair"."""
    first = noun[:1].lower()
    return first in ("h", "u") or first.isdigit() or noun.lower().startswith(("eu", "one"))


_EXAMPLES: Final = {
    "fr": "{one: salon, many: salons, gender: m}",
    "en": "{one: open day, many: open days}",
    "other": "{one: …, many: …}",
}


MISSING_NOUN: Final = "no {lang} noun: "
"""How a warning of a language's noun left out begins: `missing_noun_language` reads it."""


def _missing(lang: str) -> str:
    default = DEFAULT_NOUNS[lang].one
    return (
        MISSING_NOUN.format(lang=lang) + f"respondents reading {lang} read '{default}'; add "
        f"{lang}: {_EXAMPLES[lang]} if your flows are in that language"
    )


def missing_noun_language(message: str) -> str | None:
    """The language a "no fr noun" warning is about (None for another message): moot
    when no flow run with the stages offers that language, which a stages file alone
    cannot know."""
    found = re.match(re.escape(MISSING_NOUN).replace(r"\{lang\}", r"(\w+)"), message)
    return found.group(1) if found else None


def noun_message(loc: Loc, kind: str, message: str) -> str:
    """A schema problem inside a `called:` block, said with its language ("called fr: …")."""
    if "called" not in loc:
        return message
    rest = loc[loc.index("called") + 1 :]
    if not rest:
        if kind in ("model_type", "model_attributes_type", "dict_type"):
            return f"'called' must be a mapping of language to noun, like fr: {_EXAMPLES['fr']}"
        return message
    lang, key = rest[0], rest[1:]
    if kind == "missing" and key == ("gender",):
        message = "missing required key 'gender': m (le salon) or f (la journée)"
    elif kind in ("model_type", "model_attributes_type", "dict_type") and not key:
        message = f"must be a mapping, like {_EXAMPLES.get(str(lang), _EXAMPLES['other'])}"
    elif kind == "extra_forbidden" and key and key[-1] in _FRENCH_ONLY:
        message = f"'{key[-1]}' is French grammar: it goes under fr only"
    elif kind == "extra_forbidden" and key and key[-1] in _ENGLISH_ONLY:
        message = f"'{key[-1]}' is English grammar: it goes under en only"
    return f"called {lang}: {message}"

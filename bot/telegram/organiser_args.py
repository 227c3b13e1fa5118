"""The words after an organiser command: `/export [CODE] [AUDIENCE] [personal] [xlsx|csv]`,
read once.

A word that names nothing, or a second workshop or questionnaire, is refused
with what exists and the command's usage: an organiser who typed `/stats a b c`
must not get figures about "a" alone and believe they are about all three.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from html import escape
from typing import TYPE_CHECKING, Any, Final

from bot.telegram.export_words import ew
from bot.telegram.export_worker import FORMATS
from bot.telegram.words import counted, org, tg
from flows import STAGE_CODE, find_stage, is_stage_code, split_entry
from organiser import stages_remembered
from storage import ResponseFilter

if TYPE_CHECKING:
    from conversation import Conversation
    from flows import Flow

PERSONAL_WORD = "personal"
"""`/export personal`: the export keeps the questions the flow marks personal."""

CODES_SHOWN: Final = 40
"""Workshop codes listed in a usage or error message; /links lists them all."""
WORDS_QUOTED: Final = 10
"""An organiser's words quoted back in a refusal: two thousand of them made a message
Telegram refuses."""


@dataclass(frozen=True)
class ExportAsked:
    """What `/export` or `/stats` was asked for, read from its words."""

    stage: str | None = None
    """The workshop's code, if one was named."""
    personal: bool = False
    """`personal`: keep the questions the flow marks personal."""
    flow: str | None = None
    """The flow's id, when the bot runs several and one was named (by id or audience)."""
    format: str | None = None
    """`xlsx` or `csv` if one was asked; else the export picks by size."""

    def as_args(self) -> dict[str, Any]:
        """As recorded with the job (JSON)."""
        return {
            "stage": self.stage,
            "personal": self.personal,
            "flow": self.flow,
            "format": self.format,
        }

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> ExportAsked:
        # A job recorded before formats could be asked has none: picked by size.
        return cls(
            stage=args.get("stage"),
            personal=bool(args.get("personal")),
            flow=args.get("flow"),
            format=args.get("format"),
        )


async def read_command_args(
    words: Sequence[str], conversation: Conversation, lang: str, *, command: str = "export"
) -> ExportAsked | str:
    """`[CODE] [AUDIENCE] [personal] [xlsx|csv]`, in any order, read from the command's
    words; or what to answer (HTML) if a word names nothing, or a second workshop,
    questionnaire or format.

    /stats and /export also take the code of a workshop removed from the stages file
    that responses still carry, as `surveybot stats --stage` and `export --stage` do
    (`carried_code`); /qr does not, as such a workshop has no link. A link's code,
    `issoudun__territoire` as the cards and /links print it, names the workshop and,
    with several questionnaires, that audience's (`entry_flow`).

    The one place a command's words are read: a new option is added here.
    """
    stages, catalogue = conversation.stages, conversation.catalogue
    asked, unknown, twice, formats = ExportAsked(), [], [], []
    strays: list[tuple[str, str, str]] = []  # a link's code, its workshop, its audience
    for word in words:
        flow = catalogue.by_id(word) or catalogue.by_audience(word)
        stage = find_stage(stages, word)
        if word.lower() == PERSONAL_WORD and command == "export":
            asked = replace(asked, personal=True)
        elif word.lower() in FORMATS and command == "export":
            formats += [word] if asked.format not in (None, word.lower()) else []
            asked = replace(asked, format=word.lower())
        elif flow is not None and catalogue.several:
            twice += [word] if asked.flow not in (None, flow.id) else []
            asked = replace(asked, flow=flow.id)
        elif stage is not None and (audience := stray_audience(word, conversation)):
            strays.append((word, stage.code, audience))
        elif stage is not None:
            asked = _with_stage(asked, stage.code, entry_flow(word, conversation), word, twice)
        else:
            unknown.append(word)
    if command in CARRIED_TOO and len(unknown) <= CARRIED_LOOKED_UP:
        # Only a word the file does not know costs a read: the common path reads nothing.
        for word in list(unknown):
            named = entry_flow(word, conversation)
            code = await carried_code(split_entry(word)[0] if named else word, conversation)
            if code is not None:
                unknown.remove(word)
                asked = _with_stage(asked, code, named, word, twice)
    if unknown:
        refused = unknown_words(unknown, conversation, lang)
    elif strays:
        word, code, audience = strays[0]
        refused = org(
            "org_audience_not_run",
            lang,
            stages,
            word=quoted([word], lang),
            audience=quoted([audience], lang),
            codes=audiences_shown(conversation),
            code=quoted([code], lang),
        )
    elif twice:
        # With one questionnaire, the words in excess are workshops: say only that.
        key = "org_one_each" if catalogue.several else "org_one_stage"
        refused = org(key, lang, stages, words=quoted(twice, lang))
    elif formats:
        refused = ew("org_export_one_format", lang, words=quoted(formats, lang))
    else:
        return asked
    return refused + "\n" + usage(command, conversation, lang)


def entry_flow(word: str, conversation: Conversation) -> Flow | None:
    """The questionnaire a link's code names after its `__` (`issoudun__territoire`, as the
    cards, the QR files and /links print it), when the bot runs several; else None (a
    stage's own code, one questionnaire, or no audience after `__`)."""
    catalogue = conversation.catalogue
    if not catalogue.several or is_stage_code(conversation.stages, word):
        return None
    code, audience = split_entry(word)
    return catalogue.by_audience(audience) if code else None


def stray_audience(word: str, conversation: Conversation) -> str | None:
    """The audience after a link's code (`pithiviers__territoire`) when none of the bot's
    questionnaires has it: cards made for another setup, or a typo. Its figures are not
    another questionnaire's, so the command is refused rather than the audience dropped."""
    if is_stage_code(conversation.stages, word):
        return None
    code, audience = split_entry(word)
    if not code or audience is None or conversation.catalogue.by_audience(audience):
        return None
    return audience


def _with_stage(
    asked: ExportAsked, code: str, flow: Flow | None, word: str, twice: list[str]
) -> ExportAsked:
    """`asked` with the workshop `code`, and the questionnaire `flow` its word names;
    `word` added to `twice` when either contradicts what an earlier word named
    (`issoudun__territoire entreprise` names two questionnaires)."""
    other_stage = asked.stage not in (None, code)
    other_flow = flow is not None and asked.flow not in (None, flow.id)
    twice += [word] if other_stage or other_flow else []
    return replace(asked, stage=code, flow=flow.id if flow is not None else asked.flow)


CARRIED_TOO: Final = frozenset({"stats", "export"})
"""The commands that take the code of a workshop removed from the stages file."""
CARRIED_LOOKED_UP: Final = 2
"""Unknown words looked up among the codes responses carry; with more, the command is
refused whatever they are (one workshop at a time), and two thousand stray words do not
cost two thousand reads."""


async def carried_code(word: str, conversation: Conversation) -> str | None:
    """The code `word` names, whatever its case, among those responses to the bot's
    questionnaires carry though no stage of the file has it (a workshop removed since),
    as they spell it; None if none does.

    Links store the code as the stages file wrote it, most often lower-cased: `word` and
    its lower case are counted first, and only then the database's stages read for
    another spelling ("Le-Creusot" typed le-creusot).
    """
    if not STAGE_CODE.fullmatch(word):
        return None
    store = conversation.store
    forms = list(dict.fromkeys((word, word.lower())))
    for form in forms:
        if await _carried(form, conversation):
            return form
    spelt = [s.code for s in await stages_remembered(store) if s.code.lower() == word.lower()]
    for code in spelt:
        if code not in forms and await _carried(code, conversation):
            return code
    return None


async def _carried(code: str, conversation: Conversation) -> bool:
    """Whether a response to one of the bot's questionnaires, whatever its status, or a
    refusal of its notice carries `code` exactly (a count, as `/export` counts what it
    would hold; `/stats` counts the refusals)."""
    for flow in conversation.catalogue.flows:
        if await conversation.store.count_matching(ResponseFilter(flow.id, (code,))):
            return True
    return any(count.stage_code == code for count in await conversation.store.refusal_counts())


def flows_asked(conversation: Conversation, asked: ExportAsked) -> list[Flow]:
    """The flow the command named, or every flow the bot runs."""
    if asked.flow is not None:
        return [conversation.flow_of(asked.flow)]
    return list(conversation.catalogue.flows)


def unknown_words(words: Sequence[str], conversation: Conversation, lang: str) -> str:
    """ "Atelier « a » inconnu. Ateliers : …" ("Journée « a » inconnue." as the stages are
    called), and the questionnaires apart when there are several, so an audience is not
    taken for a workshop (HTML)."""
    stages = conversation.stages
    codes = codes_shown([s.code for s in stages], lang)
    several = conversation.catalogue.several
    key = f"{'org_unknown_either' if several else 'org_unknown_stage'}_"
    key += "one" if len(words) == 1 else "many"
    text = org(key, lang, stages, words=quoted(words, lang))
    text += " " + org("org_stages_are", lang, stages, codes=codes)
    if several:
        text += "\n" + tg("org_audiences_are", lang, codes=audiences_shown(conversation))
    return text


def usage(command: str, conversation: Conversation, lang: str) -> str:
    """How `command` is written, its questionnaire word only when there are several."""
    return tg("org_usage", lang, command=command, shape=shape(command, conversation))


def shape(command: str, conversation: Conversation) -> str:
    """What follows `command`: "[CODE] [AUDIENCE]", the audience only with several flows."""
    audience = " [AUDIENCE]" if conversation.catalogue.several else ""
    return {
        "stats": f"[CODE]{audience}",
        "export": f"[CODE]{audience} [personal] [xlsx|csv]",
        "qr": f"CODE{audience}",
        "links": "",
    }[command]


def audiences_shown(conversation: Conversation) -> str:
    """The questionnaires' audience codes, for a message (HTML)."""
    flows = conversation.catalogue.flows
    return escape(", ".join(f.audience.code for f in flows if f.audience is not None) or "–")


def codes_shown(codes: Sequence[str], lang: str) -> str:
    """The workshops' codes for a message (HTML), the first `CODES_SHOWN` and how many more:
    a tour of a thousand stages must not make a message Telegram refuses."""
    shown = escape(", ".join(codes[:CODES_SHOWN]) or "–")
    if len(codes) > CODES_SHOWN:
        shown += counted("org_codes_more", len(codes) - CODES_SHOWN, lang)
    return shown


def quoted(
    words: Sequence[str], lang: str, *, width: int = 64, most: int | None = WORDS_QUOTED
) -> str:
    """« a », « b » (French) or “a”, “b”, each cut to `width` characters, a payload's
    length by default, and the first `most` of them: an organiser's typo is not pasted
    back whole (HTML)."""
    shown = words if most is None else words[:most]
    text = ", ".join(tg("org_quoted", lang, word=escape(word[:width])) for word in shown)
    if len(words) > len(shown):
        text += counted("org_words_more", len(words) - len(shown), lang)
    return text

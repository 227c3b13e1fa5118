"""Building the screens: pure functions of the flow, the state and the language.

The service decides which screen comes next; these functions say what it
holds. Nothing here reads or writes storage. The answers read back (the summary,
the transcript, the question just left) are built in conversation/recap.py and named
here too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from conversation.actions import DECLINED, Action, Intent
from conversation.recap import answered as answered
from conversation.recap import asked_anew as asked_anew
from conversation.recap import changed_alone as changed_alone
from conversation.recap import revise_menu as revise_menu
from conversation.recap import stored_answers
from conversation.recap import summary_screen as summary_screen
from conversation.recap import transcript as transcript
from conversation.screens import (
    Choice,
    DataCopy,
    Menu,
    Message,
    Welcome,
)
from conversation.words import (
    LANGUAGE_NAMES,
    answered_so_far,
    answers_count,
    day_of,
    language_name,
    of_place,
    say,
    stage_words,
    status_said,
    town,
)
from flows import (
    Catalogue,
    Flow,
    Kind,
    Prompt,
    StageDef,
    answer_labels,
    display_value,
    entry,
    find_stage,
    format_day,
    shared_called,
    stage_ref,
    stages_for,
    typeset,
)

RESPONDENTS_ZONE = ZoneInfo("Europe/Paris")
"""The respondents' time zone unless the bot is told another (SURVEYBOT_TIMEZONE)."""


def _under(answer: str) -> str:
    """An answer of several lines with the later ones under its first, after "   → "."""
    return answer.replace("\n", "\n     ")


def says_most(shown: Prompt) -> bool:
    """Whether a multiple choice's text says the most it takes ("(3 au plus)", "(up to 3)"),
    in either language: a channel then does not say it again under it."""
    if shown.max_selected is None:
        return False
    found = shown.text.casefold().replace("\u00a0", " ").replace("\u202f", " ")
    return any(say("most_said", lang, max=shown.max_selected) in found for lang in ("fr", "en"))


def offered(
    flow: Flow, shown: Prompt, codes: Sequence[str], lang: str
) -> tuple[tuple[str, str], ...]:
    """The answers a refused reply may have meant, as buttons read them ("2A – Corse-du-Sud"):
    only codes the question's list holds (a page's codes crossed a redirect, and a flow may
    have changed meanwhile)."""
    if not codes or shown.kind != Kind.CODE:
        return ()  # nearly every question asked: nothing to look up
    step = flow.step(shown.step_id)
    listed = dict(answer_labels(flow, step, lang))
    return tuple(
        (code, display_value(flow, step, code, None, lang)) for code in codes if code in listed
    )


def _workshop(stage: StageDef, lang: str) -> dict[str, str]:
    """A workshop's town, "de"-town, " (12 mars)" when it has a date, and what it is
    called ("au salon"), for the texts."""
    day = format_day(stage.date, lang)
    return {
        "city": town(stage.city),
        "of_city": of_place(stage.city),
        "date": f" ({day})" if day else "",
        **stage_words(lang, stage.called),
    }


def welcome(flow: Flow, lang: str, stage: StageDef | None) -> Welcome:
    """The title and introduction, with the workshop the answers will be linked to."""
    workshop = say("stage_welcome", lang, **_workshop(stage, lang)) if stage else None
    intro = flow.text(flow.intro, lang).strip() if flow.intro else ""
    return Welcome(flow.text(flow.title, lang).strip(), intro, workshop)


def consent_menu(
    flow: Flow,
    lang: str,
    stage: StageDef | None,
    *,
    changed: bool,
    audience: str = "",
    again: bool = False,
) -> Menu:
    """The information notice with an explicit choice; the workshop (and, when the bot runs
    several flows, the audience that chose this one) rides in the actions.

    `again`: the questionnaire was picked from the list, and may be chosen again: an
    audience not said (the workshop alone) is the list again, as a first visit shows it."""
    assert flow.consent is not None and flow.consent_version is not None
    ref = entry(stage, audience)
    notice = flow.text(flow.consent, lang).strip()
    if changed:
        notice = f"{say('consent_changed', lang)}\n\n{notice}"
    # The version travels with the choice: agreeing is to the notice read, not a later one.
    version = flow.consent_version
    choices = [
        Choice(say(label, lang), Action(intent, stage=ref, lang=lang, version=version))
        for label, intent in (
            ("consent_accept", Intent.CONSENT),
            ("consent_decline", Intent.DECLINE),
        )
    ]
    # Read in the wrong language? Switch right here, keeping the workshop of the link.
    choices += [
        Choice(LANGUAGE_NAMES.get(other, other), Action(Intent.LANGUAGE, value=other, stage=ref))
        for other in flow.languages
        if other != lang
    ]
    if again:
        back = Action(Intent.AUDIENCE, stage=entry(stage), lang=lang)
        choices.append(Choice(say("audience_again", lang), back))
    return Menu(notice, tuple(choices))


def questionnaire_name(flow: Flow, lang: str) -> str:
    """What a person calls a questionnaire among several: its audience ("Une entreprise")."""
    return flow.text(flow.audience.label if flow.audience else flow.title, lang).strip()


def resume_offer(
    lang: str,
    shown: Prompt | None,
    stage: StageDef | None,
    name: str = "",
    *,
    tagged: StageDef | None = None,
    mine: str = "",
) -> Menu:
    """ "You have a questionnaire in progress" (`name`d when the bot runs several): go on, or
    start over. Opened by the link of a `stage` other than the one the response is `tagged`
    with, it says which workshop each choice leaves the answers with; going on carries the
    person's own entry, `mine` (see `switch_offer`)."""
    ref = stage_ref(stage) if stage else ""
    resume = Action(Intent.RESUME, stage=mine)
    so_far = answered_so_far(lang, shown)
    if name:
        lines = [say("in_progress_named", lang, name=name, so_far=so_far)]
    else:
        lines = [say("in_progress", lang, so_far=so_far)]
    if stage is not None and tagged is not None and tagged.code != stage.code:
        lines.append(say("resume_other_workshop", lang, **two_workshops(lang, tagged, stage)))
    lines.append(say("resume_question", lang))
    return Menu(
        " ".join(lines),
        (
            Choice(say("resume", lang), resume),
            Choice(say("restart", lang), Action(Intent.RESTART_ASK, stage=ref)),
        ),
        default=resume,
    )


def switch_offer(
    lang: str,
    current: str,
    linked: str,
    shown: Prompt | None,
    *,
    finished: bool,
    ref: str,
    mine: str = "",
) -> Menu:
    """A link to the `linked` questionnaire, for someone who began (or answered) the
    `current` one: keep that one, or switch (asked again, as it erases answers).

    Keeping carries the person's own entry, `mine`: a web page opened from the other
    link takes it as its own, so that its next page does not offer the switch again."""
    keep = Action(Intent.RESUME, stage=mine)
    if finished:
        text = say("switch_offer_done", lang, current=current, linked=linked)
        keep_label = say("switch_keep", lang)
    else:
        so_far = answered_so_far(lang, shown)
        text = say("switch_offer", lang, current=current, linked=linked, so_far=so_far)
        keep_label = say("switch_resume", lang, current=current)
    switch = Action(Intent.SWITCH_ASK, stage=ref, lang=lang)
    choices = (Choice(keep_label, keep), Choice(say("switch_to", lang, linked=linked), switch))
    return Menu(text, choices, columns=1, default=keep)


def switch_menu(
    lang: str, seq: int, current: str, linked: str, erased: int, ref: str, mine: str = ""
) -> Menu:
    """Switching erases the `erased` answers given to `current`: ask first (at `seq` only).
    Cancelling carries the person's own entry, `mine`, as in `switch_offer`."""
    if erased == 0:
        what = say("switch_erased_none", lang, current=current)
    elif erased == 1:
        what = say("switch_erased_one", lang, current=current)
    else:
        what = say("switch_erased_many", lang, current=current, count=erased)
    keep = Action(Intent.RESUME, stage=mine)
    return Menu(
        say("switch_confirm", lang, linked=linked, erased=what),
        (
            Choice(say("switch_yes", lang), Action(Intent.SWITCH, seq=seq, stage=ref, lang=lang)),
            Choice(say("delete_no", lang), keep),
        ),
        columns=1,
        default=keep,
    )


def restarted(lang: str, moved_to: StageDef | None) -> str:
    """ "Starting again", and the workshop the answers are `moved_to`, if another's."""
    if moved_to is None:
        return say("restarted", lang)
    return say("restarted_at", lang, **_workshop(moved_to, lang))


def tagged_now(lang: str, stage: StageDef) -> str:
    """ "Your answers are now linked to the Évreux workshop": answers begun with none."""
    return say("tagged_now", lang, **_workshop(stage, lang))


def restart_menu(
    lang: str,
    seq: int,
    stage: str = "",
    *,
    mine: str = "",
    name: str = "",
) -> Menu:
    """Starting over erases the answers: ask first (for the state at `seq` only).

    "No" goes on where the person is; once finished, "nothing was erased" with the end's
    buttons (the summary, shown before), not the end's thanks again.
    Asked from another workshop's link, it carries the person's own entry, `mine`, as
    "go on" under the resume offer does. `name`: the questionnaire started over, said when
    the bot runs several (the screen may be about the other one's link).
    """
    keep = Action(Intent.RESUME, stage=mine) if mine else Action(Intent.KEEP, value=DECLINED)
    return Menu(
        say("restart_confirm_named", lang, name=name) if name else say("restart_confirm", lang),
        (
            Choice(say("restart_yes", lang), Action(Intent.RESTART, seq=seq, stage=stage)),
            Choice(say("restart_no", lang), keep),
        ),
        default=keep,
    )


def erase_menu(lang: str, seq: int, mark: str) -> Menu:
    """Erasing cannot be undone: ask first (for the state at `seq` of the response whose
    `tokens.response_mark` is `mark` only: after an erasure, a new start's `seq` is new)."""
    keep = Action(Intent.KEEP, value=DECLINED)
    return Menu(
        say("delete_confirm", lang),
        (
            Choice(say("delete_yes", lang), Action(Intent.ERASE, seq=seq, value=mark)),
            Choice(say("delete_no", lang), keep),
        ),
        default=keep,
    )


def stage_picker(
    lang: str,
    stages: Sequence[StageDef],
    audience: str = "",
    flows: Catalogue | Flow | None = None,
) -> Menu:
    """An invitation link naming no known workshop: pick one, or go on without (each said
    with what the listed stages are called, when they agree: `shared_called`).

    `flows`: the person's flow, or the catalogue while several are run and none is chosen.
    With the link's `audience` known, only the stages for its flow or for none in particular
    are listed (another's would be the other questionnaire's workshop); two in one town are
    told apart on their buttons (`picker_labels`).
    """
    if audience and isinstance(flows, Flow):
        stages = stages_for(stages, flows)
    called = stage_words(lang, shared_called(stages))
    labels = picker_labels(lang, stages, flows if isinstance(flows, Catalogue) else None)
    choices = [
        Choice(label, Action(Intent.STAGE, stage=entry(stage, audience), lang=lang))
        for label, stage in zip(labels, stages, strict=True)
    ]
    if audience:  # the link's audience still counts without a workshop
        without = Action(Intent.AUDIENCE, stage=entry(None, audience), lang=lang)
    else:
        without = Action(Intent.NO_STAGE, lang=lang)
    choices.append(Choice(say("no_stage", lang, **called), without))
    # Longer buttons, once told apart ("Pithiviers · Un acteur du territoire"): one a row.
    plain = all(label == _town(lang, stage) for label, stage in zip(labels, stages, strict=True))
    return Menu(say("unknown_stage", lang, **called), tuple(choices), columns=2 if plain else 1)


def _town(lang: str, stage: StageDef) -> str:
    """A workshop's button in the list: its town, "Évreux (exemple)" for a made-up one."""
    return say("example_stage", lang, city=town(stage.city)) if stage.example else town(stage.city)


def two_workshops(lang: str, was: StageDef, linked: StageDef) -> dict[str, str]:
    """What a text naming two workshops fills in: the person's, `{was}`, `{of_was}`, and
    the link's, `{linked}`, `{of_linked}`, each called as its own file says ("à l’atelier
    de X … celui du salon de Y": `{was_au_stage}`, `{linked_du_stage}`)."""
    return {
        "was": town(was.city),
        "of_was": of_place(was.city),
        "linked": town(linked.city),
        "of_linked": of_place(linked.city),
        **stage_words(lang, was.called, "was_"),
        **stage_words(lang, linked.called, "linked_"),
    }


def picker_labels(lang: str, stages: Sequence[StageDef], catalogue: Catalogue | None) -> list[str]:
    """The workshops' buttons: their towns; where two would read the same, each says which
    audience it is for, in the catalogue ("Pithiviers · Un acteur du territoire"), then, if
    they still do, its date ("Pithiviers (5 juin 2019)")."""

    def audience_of(stage: StageDef) -> str:
        flow = catalogue.by_id(stage.flow) if catalogue is not None else None
        return f" · {questionnaire_name(flow, lang)}" if flow is not None else ""

    def date_of(stage: StageDef) -> str:
        day = format_day(stage.date, lang)
        return f" ({day})" if day else ""

    labels = [_town(lang, stage) for stage in stages]
    for told in (audience_of, date_of):
        seen = Counter(label.casefold() for label in labels)
        labels = [
            f"{label}{told(stage)}" if seen[label.casefold()] > 1 else label
            for label, stage in zip(labels, stages, strict=True)
        ]
    return labels


def audience_picker(catalogue: Catalogue, lang: str, stage: StageDef | None) -> Menu:
    """Several questionnaires, and nothing yet says which: "you are answering for…".

    The workshop is kept in the choices and welcomed once the questionnaire is known.
    """
    text, ref = say("audience_pick", lang), entry(stage)
    choices = tuple(
        Choice(
            flow.text(flow.audience.label, lang),
            Action(Intent.AUDIENCE, stage=entry(stage, flow.audience.code), lang=lang),
        )
        for flow in catalogue.flows
        if flow.audience is not None
    )
    # Read in the wrong language? Switch right here, as at the notice: to one every
    # questionnaire speaks, keeping the workshop of the link.
    shared = [code for code in catalogue.flows[0].languages if code != lang]
    choices += tuple(
        Choice(LANGUAGE_NAMES.get(code, code), Action(Intent.LANGUAGE, value=code, stage=ref))
        for code in shared
        if all(code in flow.languages for flow in catalogue.flows)
    )
    return Menu(text, choices, columns=1)


def language_menu(flow: Flow, lang: str) -> Menu | Message:
    """The flow's languages, each under its own name, the one spoken marked as a chat marks
    an earlier answer ("• Français"); in one alone, that it is only in it."""
    if len(flow.languages) == 1:
        return Message(say("language_only", lang, name=language_name(flow.language)))
    choices = tuple(
        Choice(
            ("• " if code == lang else "") + LANGUAGE_NAMES.get(code, code),
            Action(Intent.LANGUAGE, value=code),
        )
        for code in flow.languages
    )
    return Menu(say("language_pick", lang), choices, columns=len(choices))


def data_copy(
    data: dict[str, Any],
    lang: str,
    stages: Sequence[StageDef],
    flows: Sequence[Flow] = (),
    *,
    zone: dt.tzinfo,
    closed: bool = False,
    retired: Mapping[str, str] | None = None,
    answered_on: Mapping[tuple[str, int], Flow] | None = None,
) -> DataCopy:
    """Everything stored about a respondent, as a text and the whole as JSON: each response
    in a line, its answers under it, read back with its questionnaire (`recap.stored_answers`).

    `flows`: every flow the bot runs (their questions name the answers); with several,
    each response says which it is for, as does one to a flow not run (named by
    `retired`, by flow id, or by its id).
    `zone`: the respondents' time zone, in which a response's day is said (`day_of`).
    `closed`: the questionnaire is closed, so an unfinished response is said so (`status_said`).
    `answered_on`: the version of a flow a response was given on, by (flow id, version), as
    stored; else its questions are read with the flow run now, else named by their ids."""
    named = {flow.id: questionnaire_name(flow, lang) for flow in flows} if len(flows) > 1 else {}
    gone = {str(r.get("flow") or "") for r in data.get("responses", [])} - {f.id for f in flows}
    named |= {flow_id: (retired or {}).get(flow_id) or flow_id for flow_id in gone if flows}
    responses = tuple(
        _response_line(response, lang, stages, named, zone, closed)
        for response in data.get("responses", [])
    )
    answers = tuple(
        stored_answers(_answered_on(r, flows, answered_on or {}), r.get("answers") or {}, lang)
        for r in data.get("responses", [])
    )
    lines = [say("mydata_intro", lang)]
    for line, read in zip(responses, answers, strict=True):
        # The questions as a chat shows them (typeset: "Freins ?" kept on one line).
        lines += ["", line, *(f"   {typeset(q, lang)}\n   → {_under(shown)}" for q, shown in read)]
    return DataCopy(
        "\n".join(lines if responses else [*lines, "", say("mydata_none", lang)]),
        data,
        say("mydata_file", lang),
        caption=say("mydata_json", lang),
        typed_hint=say("mydata_delete_hint", lang),
        responses=responses,
        finished=bool(responses)
        and all(r.get("status") == "completed" for r in data.get("responses", [])),
        intro=lines[0],
        answers=answers,
    )


def _answered_on(
    response: dict[str, Any], flows: Sequence[Flow], stored: Mapping[tuple[str, int], Flow]
) -> Flow | None:
    """The flow to read a response's answers with: the version it was given on, if kept."""
    flow_id, version = str(response.get("flow") or ""), response.get("flow_version")
    kept = stored.get((flow_id, version)) if isinstance(version, int) else None
    return kept or next((flow for flow in flows if flow.id == flow_id), None)


def _response_line(
    response: dict[str, Any],
    lang: str,
    stages: Sequence[StageDef],
    named: dict[str, str],
    zone: dt.tzinfo,
    closed: bool,
) -> str:
    """One response as a line: "• Questionnaire commencé le 3 juin 2019 (Pithiviers) : …";
    "• Questionnaire pour « Une entreprise » commencé le …" when `named` names its flow."""
    code = response.get("stage_code")
    stage = find_stage(stages, code)
    workshop = town(stage.city) if stage else code
    status = str(response.get("status") or "")
    count = len(response.get("answers") or {})
    flow_id = str(response.get("flow") or "")
    name = named.get(flow_id, "")
    return say(
        "mydata_response_named" if name else "mydata_response",
        lang,
        name=name,
        started=day_of(response.get("started_at"), lang, zone),
        at_city=f" ({workshop})" if workshop else "",
        status=status_said(status, lang, closed=closed),
        count=answers_count(lang, count),
        # What to quote in an e-mail asking to be erased (`surveybot erase --response`).
        ref=response.get("key", ""),
    )

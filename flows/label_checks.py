"""Two answers of one question labelled alike: two buttons a respondent cannot tell apart.

`{code: a, label: Même}` and `{code: b, label: Même}` run (each keeps its code, the
codebook lists both), but the respondent sees the same button twice and the analyst
reads `a=Même; b=Même`. `validate` warns (not refuses: a flow that runs must go on
starting), in each language where they read alike, at the second label's line.
Labels are compared as a respondent reads them: case and spaces aside. "Other"
(`other: true`) counts, with its `other_label` or the bot's own "Autre (précisez)".

A label holding `;` on a multiple choice or a ranking is warned of too: with `--labels`,
the export joins the labels chosen with `;` (the `--joined` column, the long layout's
`value`), so "Industrie; BTP" would read as two answers there. (The codebook's list of
codes and labels quotes such a label, so a single choice's is no trouble.)
"""

from __future__ import annotations

from collections.abc import Iterator

from flows.checks import OTHER, Found
from flows.messages import message
from flows.model import Flow, MultipleChoiceStep, RankingStep, SingleChoiceStep, Step, Text
from flows.paths import Loc


def label_warnings(flow: Flow) -> Found:
    """Each answer whose label, in some language, is an earlier answer's of the same question."""
    found: Found = []
    for si, section in enumerate(flow.sections):
        for qi, step in enumerate(section.steps):
            found += _twins(flow, step, ("sections", si, "steps", qi))
            found += _separators(flow, step, ("sections", si, "steps", qi))
    return list(dict.fromkeys(found))


def _twins(flow: Flow, step: Step, loc: Loc) -> Found:
    found: Found = []
    for lang in flow.languages:
        seen: dict[str, str] = {}
        for code, label, where in _labels(flow, step, loc):
            shown = flow.text(label, lang)
            key = " ".join(shown.casefold().split())
            if key not in seen:
                seen[key] = code
                continue
            in_lang = isinstance(label, dict) and lang in label
            said = f"'{shown}' ({lang})" if in_lang else f"'{shown}'"
            found.append(
                (
                    (*where, lang) if in_lang else where,
                    f"choices '{seen[key]}' and '{code}' have the same label {said}: "
                    "respondents cannot tell their buttons apart; reword one",
                )
            )
    return found


def _separators(flow: Flow, step: Step, loc: Loc) -> Found:
    """Each label of a multiple choice or ranking holding the `;` its export joins them by."""
    if not isinstance(step, MultipleChoiceStep | RankingStep):
        return []
    found: Found = []
    for code, label, where in _labels(flow, step, loc):
        for lang in flow.languages:
            shown = flow.text(label, lang)
            if ";" not in shown:
                continue
            in_lang = isinstance(label, dict) and lang in label
            said = f"'{shown}' ({lang})" if in_lang else f"'{shown}'"
            found.append(
                (
                    (*where, lang) if in_lang else where,
                    f"choice '{code}' has a ';' in its label {said}: the export joins the "
                    "labels chosen with ';' (--labels with --joined, and the long layout), "
                    "so that cell would read as more answers than were given; write it "
                    "without ';' (a comma)",
                )
            )
    return found


def _labels(flow: Flow, step: Step, loc: Loc) -> Iterator[tuple[str, Text, Loc]]:
    """Each answer's code, label and where its label is written (or `other: true` is)."""
    if not isinstance(step, SingleChoiceStep | MultipleChoiceStep | RankingStep):
        return
    for index, choice in enumerate(step.choices):
        yield choice.code, choice.label, (*loc, "choices", index, "label")
    if isinstance(step, RankingStep) or not step.other:
        return
    if step.other_label is not None:
        yield OTHER, step.other_label, (*loc, "other_label")
    else:
        bots = {lang: message("other", lang) for lang in flow.languages}
        yield OTHER, bots, (*loc, "other")

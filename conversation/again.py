"""An earlier answer given again in passing, within a turn: a chat's reply quoting an
earlier question, with the new answer.

Going back step by step to a question answered long ago, then forward again, is a lot
of taps on a phone; a reply to that question says which one is meant. Its answer
changes (`flows.answer_again`), the question waiting is asked again below, and a word
says which answer changed, since the question edited is far up the chat.
"""

from __future__ import annotations

import dataclasses

from conversation import views
from conversation.rights import Rights
from conversation.screens import Message, Status
from conversation.words import say
from flows import (
    Flow,
    Prompt,
    ResponseState,
    answer_again,
    answered_earlier,
    clip,
    prompt,
    revise,
    visible_steps,
)

QUESTION_QUOTED: int = 80
"""How much of the question is quoted back in the word that says which answer changed."""


@dataclasses.dataclass
class AnsweringAgain(Rights):
    """A typed answer to a question answered earlier (`Typed.again`)."""

    async def _answer_again(self, state: ResponseState, step: str, text: str) -> None:
        """A reply to an earlier question: its answer changed in passing, then the question
        waiting again, or the end (`flows.answer_again`); refused, the same with why."""
        if not answered_earlier(self.flow, state, step):  # moved on elsewhere meanwhile
            self.screens.append(Message(say("stale_answer", self.lang)))
            self._where_they_are(state)
            return
        outcome = answer_again(self.flow, state, step, text, self.lang)
        left = self.prompt_of(revise(self.flow, state, step))
        assert left is not None
        question = clip(left.text, QUESTION_QUOTED)
        if not outcome.accepted:
            why = outcome.error or ""
            if outcome.reason == "use_buttons" and state.finished:
                revise_label = say("revise", self.lang)
                why = say("changed_with_buttons_end", self.lang, revise=revise_label)
            elif outcome.reason == "use_buttons":
                why = say("changed_with_buttons", self.lang)
            self.status, self.note = Status.REFUSED, outcome.error
            refused = say("not_changed", self.lang, question=question, why=why)
            self.screens.append(Message(refused, warning=True, reason=outcome.reason))
            self._where_they_are(state)
            return
        after = outcome.state
        await self._save(after)
        # Read back against the state it was given from (`state`): not a step back.
        self.screens.append(views.answered(self.flow, left, state, after, self.lang))
        if after.finished:
            self._ended_again(state, after)  # "Réponse modifiée", as after "Modifier"
        elif state.finished:
            self.screens.append(Message(say("revise_opened", self.lang)))
        else:
            self.screens.append(Message(say("changed_in_passing", self.lang, question=question)))
        self.show_current()

    def _where_they_are(self, state: ResponseState) -> None:
        """The question waiting; at the end, the summary as the person saw it before."""
        if state.finished:
            self._show_summary(brief=True)
        else:
            self.show_current()


def earlier_questions(flow: Flow, state: ResponseState, lang: str) -> tuple[Prompt, ...]:
    """The questions `state` can answer again, as each was asked, in the questionnaire's
    order: for a channel to tell which one a reply quotes."""
    ids = [step.id for step in visible_steps(flow, state)]
    asked = [
        prompt(flow, revise(flow, state, id_), lang)
        for id_ in ids
        if answered_earlier(flow, state, id_)
    ]
    return tuple(shown for shown in asked if shown is not None)

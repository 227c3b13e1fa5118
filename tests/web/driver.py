"""A browser without a browser: reads the chat page's forms and posts them back, as a phone would.

`Page` parses one HTML page (the standard library's parser: no JavaScript, no
CSS) into what a person sees and can press: its text, its forms, each form's
hidden fields, buttons, text field, boxes to tick and lists to pick from.
`Visitor` is one browser (one cookie jar) talking to the application:

    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    await ana.press("J’accepte")
    await ana.type("Exemple SARL")
    assert ana.page.progress.startswith("Question 2/")

Every post is kept (`Visitor.posted`), so a test can post the very same form
again, as a double tap or the back button would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

from flows import Flow, Kind

SPACES = re.compile(r"\s+")


@dataclass
class Button:
    name: str
    value: str
    label: str
    area: str
    """The class of the nearest enclosing element that groups buttons: choices, controls…"""
    spoken: str = ""
    """What a screen reader says for it (its aria-label), when not its text."""


@dataclass
class Checkbox:
    name: str
    value: str
    label: str
    checked: bool


@dataclass
class Select:
    name: str
    options: list[tuple[str, str]]
    """(value, label), the empty "— choisir —" first."""
    selected: str


@dataclass
class TextField:
    name: str
    element: str
    attributes: dict[str, str]
    value: str


@dataclass
class Form:
    action: str
    method: str
    classes: str
    hidden: dict[str, str] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)
    checkboxes: list[Checkbox] = field(default_factory=list)
    selects: list[Select] = field(default_factory=list)
    text: TextField | None = None

    @property
    def step(self) -> str | None:
        return self.hidden.get("step")

    @property
    def kind(self) -> str:
        """ticks, ranks, text, info or buttons: how the form is answered."""
        if "kind" in self.hidden:
            return self.hidden["kind"]
        if self.text is not None:
            return "text"
        if any(b.area == "choices" for b in self.buttons):
            return "buttons"
        return "info"

    def button(self, label: str) -> Button:
        """The button whose label is `label`, or starts with it, or contains it."""
        for matches in (
            lambda b: b.label == label,
            lambda b: b.label.startswith(label),
            lambda b: label in b.label,
        ):
            for button in self.buttons:
                if matches(button):
                    return button
        raise LookupError(f"no button {label!r} in {[b.label for b in self.buttons]}")

    def choices(self) -> list[Button]:
        return [b for b in self.buttons if b.area == "choices"]

    def data(self, button: Button | None = None) -> list[tuple[str, str]]:
        """What the browser posts without any change by the person (hidden fields, ticks…)."""
        items = list(self.hidden.items())
        items += [(c.name, c.value) for c in self.checkboxes if c.checked]
        items += [(s.name, s.selected) for s in self.selects]
        if self.text is not None:
            items.append((self.text.name, self.text.value))
        if button is not None and button.name:
            items.append((button.name, button.value))
        return items


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        """Every start tag, in order, with its attributes (to count scripts, find links)."""
        self.text: list[str] = []
        self._form: Form | None = None
        self._stack: list[tuple[str, str]] = []
        self._button: tuple[str, str, str] | None = None
        self._button_text: list[str] = []
        self._button_spoken = ""
        self._label_text: list[str] | None = None
        self._checkbox: Checkbox | None = None
        self._select: Select | None = None
        self._option: str | None = None
        self._option_text: list[str] = []
        self._textarea: TextField | None = None
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        self.tags.append((tag, a))
        if tag in ("script", "style", "title"):
            self._in.append(tag)
        if tag in ("div", "section", "fieldset", "footer", "form", "p"):
            self._stack.append((tag, a.get("class", "")))
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get"), a.get("class", ""))
            self.forms.append(self._form)
        elif tag == "button":
            area = next((cls for _, cls in reversed(self._stack) if cls), "")
            self._button = (a.get("name", ""), a.get("value", ""), area.split()[0] if area else "")
            self._button_spoken = a.get("aria-label") or ""
            self._button_text = []
        elif tag == "label":
            self._label_text = []
        elif tag == "input" and self._form is not None:
            kind = a.get("type", "text")
            if kind == "hidden":
                self._form.hidden[a["name"]] = a.get("value", "")
            elif kind == "checkbox":
                self._checkbox = Checkbox(a["name"], a.get("value", ""), "", "checked" in a)
                self._form.checkboxes.append(self._checkbox)
            elif "name" in a:
                self._form.text = TextField(a["name"], "input", a, a.get("value", ""))
        elif tag == "textarea" and self._form is not None:
            self._textarea = TextField(a["name"], "textarea", a, "")
            self._form.text = self._textarea
        elif tag == "select" and self._form is not None:
            self._select = Select(a["name"], [], "")
            self._form.selects.append(self._select)
        elif tag == "option":
            self._option = a.get("value", "")
            self._option_text = []
            if "selected" in a and self._select is not None:
                self._select.selected = self._option

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if tag in ("div", "section", "fieldset", "footer", "form", "p") and self._stack:
            self._stack.pop()
        if tag == "form":
            self._form = None
        elif tag == "button" and self._button is not None:
            name, value, area = self._button
            label = _clean("".join(self._button_text))
            if self._form is not None:
                self._form.buttons.append(Button(name, value, label, area, self._button_spoken))
            self._button = None
        elif tag == "label":
            if self._checkbox is not None and self._label_text is not None:
                self._checkbox.label = _clean("".join(self._label_text))
            self._checkbox = None
            self._label_text = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            self._select.options.append((self._option, _clean("".join(self._option_text))))
            self._option = None

    def handle_data(self, data: str) -> None:
        if self._in:
            return
        self.text.append(data)
        if self._button is not None:
            self._button_text.append(data)
        if self._label_text is not None:
            self._label_text.append(data)
        if self._option is not None:
            self._option_text.append(data)
        if self._textarea is not None:
            self._textarea.value += data


def _clean(text: str) -> str:
    return SPACES.sub(" ", text).strip()


class Page:
    """One HTML page as a person reads it and can act on it."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status = response.status_code
        self.html = response.text
        parser = _Parser()
        parser.feed(self.html)
        parser.close()
        self.forms = parser.forms
        self.tags = parser.tags
        self.text = _clean(" ".join(parser.text))

    def __contains__(self, words: str) -> bool:
        return _clean(words) in self.text

    @property
    def question(self) -> Form | None:
        """The form of the question waiting, if one is."""
        return next((f for f in self.forms if f.step), None)

    @property
    def progress(self) -> str:
        # The one above the question, not the tab's title ("Question 5 sur 51 · <questionnaire>").
        match = re.search(r'class="progress">(Question \d+/\d+ · [^<]*)', self.html)
        return _clean(match.group(1)) if match else ""

    def form_with(self, label: str) -> tuple[Form, Button]:
        """The form holding a button labelled `label` (exactly, then as a prefix, then inside;
        then as a screen reader names it: "Modifier — 1. Quel est le nom…")."""
        for matches in (
            lambda b: b.label == label,
            lambda b: b.label.startswith(label),
            lambda b: label in b.label,
            lambda b: b.spoken.startswith(label),
        ):
            for form in self.forms:
                for button in form.buttons:
                    if matches(button):
                        return form, button
        raise LookupError(f"no button {label!r} on the page: {self.labels()}")

    def labels(self) -> list[str]:
        return [b.label for f in self.forms for b in f.buttons]

    def links(self) -> list[str]:
        return [a["href"] for tag, a in self.tags if tag == "a" and "href" in a]

    def scripts(self) -> list[dict[str, str]]:
        return [a for tag, a in self.tags if tag == "script"]

    def field(self, element_id: str) -> dict[str, str]:
        for _tag, a in self.tags:
            if a.get("id") == element_id:
                return a
        raise LookupError(element_id)


Posted = list[tuple[str, str]]


SCRIPT_HEADER = {"x-requested-with": "fetch"}
"""What chat.js sends with each form it posts in the background."""


@dataclass
class Visitor:
    """One browser: its cookies, the page it shows, what it posted.

    Without scripts (the default), a post is answered by a redirect to the chat page,
    which the browser opens, as a plain form does; `Page.response.history` holds the
    redirect. With `scripts`, posts are chat.js's: the page comes back at once.
    """

    client: httpx.AsyncClient
    page: Page | None = None
    posted: list[Posted] = field(default_factory=list)
    scripts: bool = False

    @property
    def cookies(self) -> httpx.Cookies:
        return self.client.cookies

    async def get(self, url: str, **kwargs: object) -> Page:
        response = await self.client.get(url, **kwargs)  # type: ignore[arg-type]
        self.page = Page(response)
        return self.page

    async def post(
        self, data: Posted, url: str = "/chat", *, origin: str | None = None, **kwargs: object
    ) -> Page:
        """Posts `data` as a browser posts a form (urlencoded), and shows the answer.

        `origin`: the page the browser says the form is on (none: a browser that does not say).
        """
        self.posted.append(list(data))
        headers = {"content-type": "application/x-www-form-urlencoded"}
        if origin is not None:
            headers["origin"] = origin
        if self.scripts:
            headers.update(SCRIPT_HEADER)
        kwargs.setdefault("follow_redirects", not self.scripts)
        response = await self.client.post(
            url,
            content=str(httpx.QueryParams(data)).encode(),
            headers=headers,
            **kwargs,  # type: ignore[arg-type]
        )
        self.page = Page(response)
        return self.page

    async def submit(self, form: Form, button: Button | None = None, **changes: object) -> Page:
        """Posts `form`, as pressed with `button`; `changes` replace fields (lists repeat)."""
        data = [(k, v) for k, v in form.data(button) if k not in changes]
        for name, value in changes.items():
            if isinstance(value, list | tuple):
                data += [(name, str(v)) for v in value]
            else:
                data.append((name, str(value)))
        return await self.post(data, _path(form.action))

    def _shown(self) -> Page:
        assert self.page is not None, "no page yet: get one first"
        return self.page

    async def press(self, label: str) -> Page:
        form, button = self._shown().form_with(label)
        return await self.submit(form, button)

    async def press_through(self, label: str) -> Page:
        """Press `label` and follow a redirect, as chat.js's fetch does (and a browser
        without it): the page the person ends on, with the redirect in its history."""
        form, button = self._shown().form_with(label)
        path = httpx.URL(form.action).raw_path.decode()
        return await self.post(form.data(button), path, follow_redirects=True)

    async def type(self, text: str) -> Page:
        form = self._question()
        assert form.text is not None, f"no text field on {form.step}"
        return await self.submit(form, **{form.text.name: text})

    async def tick(self, *labels: str) -> Page:
        """Ticks exactly these boxes (unticking the others), then confirms."""
        form = self._question()
        codes = [_by_label(form.checkboxes, label).value for label in labels]
        return await self.submit(form, codes=codes)

    async def rank(self, *labels: str) -> Page:
        """Picks these in the ranking's lists, first to last, then confirms."""
        form = self._question()
        codes = []
        for label, select in zip(labels, form.selects, strict=False):
            codes.append(next(v for v, text in select.options if text == label))
        codes += [""] * (len(form.selects) - len(codes))
        return await self.submit(form, rank=codes)

    async def reload(self) -> Page:
        """Reloads the page shown, as a browser does: the request it came from, sent again.

        After a plain form post, that is the post itself (the browser asks to "confirm
        form resubmission"), unless the post was answered by a redirect to a page.
        """
        shown = self._shown().response.request
        headers = {"content-type": shown.headers["content-type"]} if shown.content else {}
        if self.scripts and shown.method == "POST":
            headers.update(SCRIPT_HEADER)
        response = await self.client.request(
            shown.method,
            shown.url,
            content=shown.content,
            headers=headers,
            follow_redirects=not self.scripts,
        )
        self.page = Page(response)
        return self.page

    async def again(self, index: int = -1) -> Page:
        """Posts a form already posted, exactly as it was (a double tap, the back button)."""
        return await self.post(self.posted[index])

    def _question(self) -> Form:
        form = self._shown().question
        assert form is not None, f"no question on the page: {self._shown().text[:300]}"
        return form


def _by_label(boxes: list[Checkbox], label: str) -> Checkbox:
    for box in boxes:
        if box.label == label:
            return box
    raise LookupError(f"no box {label!r} in {[b.label for b in boxes]}")


def _path(action: str) -> str:
    """A form's action as a path on the same site."""
    url = httpx.URL(action)
    return url.raw_path.decode() if url.is_absolute_url else action


def valid_answer(form: Form, flow: Flow, turn: int) -> tuple[Button | None, dict[str, object]]:
    """A valid answer to the question `form` asks, as scripts.typed_line picks one.

    Returns the button to press and the fields to change. `turn` varies the
    choices, so that two walks take different branches.
    """
    assert form.step is not None
    step = flow.step(form.step)
    kind = form.kind
    if kind == "info":
        return form.button("Continuer"), {}
    if kind == "ticks":
        exclusive = {c.code for c in getattr(step, "choices", ()) if c.exclusive}
        count = min(getattr(step, "max_selected", None) or 2, 2)
        picks = [box.value for box in form.checkboxes if box.value not in exclusive]
        return None, {"codes": picks[turn % 2 : turn % 2 + count]}
    if kind == "ranks":
        codes = [value for value, _ in form.selects[0].options if value]
        return None, {"rank": list(reversed(codes[: len(form.selects)]))}
    if kind == "buttons":
        choices = form.choices()
        pick = 2 + turn % 2 if step.type == Kind.SCALE else turn % len(choices)
        return choices[pick], {}
    assert form.text is not None
    if step.type in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):  # "Other, please specify"
        return None, {"text": "Autre réponse saisie"}
    if step.type == Kind.NUMBER:
        low = getattr(step, "min", None)
        return None, {"text": str(int(low)) if low is not None else "12"}
    if step.type == Kind.EMAIL:
        return None, {"text": "contact@example.org"}
    if step.type == Kind.CODE:
        # A département, typed as people do: a number, a Corsican code, a name.
        return None, {"text": ("45", "2A", "Loiret")[turn % 3]}
    return None, {"text": f"Réponse {turn} avec des accents : é à ç"}

"""The "What just happened?" chooser: content/chooser.yml, shown first on the home page (cards
that open with <details>, so it works without JavaScript) and as a page of the printed guide.

Each answer leads either to a scenario, by id, or to a further question. Answers whose
scenario a fork hides are left out (and so is a question left with no answers); an id that
matches no scenario at all is noted and left out, with the file, line and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from markupsafe import Markup
from pydantic import Field, ValidationError, model_validator

from .errors import ScenarioError, ScenarioErrors, did_you_mean
from .links import page_link, scenario_anchor, scenario_page
from .load import load_text
from .schema import Slug, _Model

CHOOSER_FILE = "content/chooser.yml"

Text = Annotated[str, Field(min_length=1, max_length=200)]


class Answer(_Model):
    answer: Text
    """What the reader picks, in their words."""
    scenario: Slug | None = None
    """The scenario this answer leads to."""
    next: Question | None = None
    """Or the question to ask next."""

    @model_validator(mode="after")
    def _one_way_on(self) -> Answer:
        if (self.scenario is None) == (self.next is None):
            raise ValueError("give either `scenario` or `next`, not both or neither")
        return self


class Question(_Model):
    question: Text
    answers: Annotated[tuple[Answer, ...], Field(min_length=1, max_length=12)]


@dataclass(frozen=True)
class Step:
    """A question or an answer, flattened for the templates."""

    depth: int
    text: str
    scenario_id: str = ""
    scenario_title: str = ""


def load(
    project_root: Path, known_ids: set[str], relative: str = CHOOSER_FILE
) -> tuple[Question | None, list[ScenarioError], list[ScenarioError]]:
    """The decision path (None when the project has no chooser file), its errors, and notes
    on answers that name no known scenario: those are left out (a fork may delete built-in
    scenarios without editing this file), and the notes say where, with a did-you-mean."""
    path = project_root / relative
    if not path.is_file():
        return None, [], []
    try:
        raw = load_text(path.read_bytes(), relative)
    except ScenarioErrors as exc:
        return None, list(exc.errors), []
    try:
        question = Question.model_validate(raw.data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if error["type"] == "extra_forbidden":
                fields = ("answer", "scenario", "next") if "answers" in loc else ("question",)
                message = f"unknown key '{loc[-1]}'{did_you_mean(str(loc[-1]), fields)}"
                errors.append(raw.error(loc, message, prefer_key=True))
            else:
                errors.append(raw.error(loc, error["msg"].removeprefix("Value error, ")))
        return None, errors, []
    notes = []

    def check(node: Question, loc: tuple) -> None:
        for index, answer in enumerate(node.answers):
            here = (*loc, "answers", index)
            if answer.scenario is not None and answer.scenario not in known_ids:
                notes.append(
                    raw.error(
                        (*here, "scenario"),
                        f"no scenario has the id '{answer.scenario}'"
                        + did_you_mean(answer.scenario, known_ids)
                        + " (left out)",
                    )
                )
            if answer.next is not None:
                check(answer.next, (*here, "next"))

    check(question, ())
    return question, [], notes


def steps(question: Question | None, titles: dict[str, str]) -> list[Step]:
    """The path as an indented outline, without answers leading to scenarios not in `titles`
    (hidden ones) and without questions left empty."""
    if question is None:
        return []

    def walk(node: Question, depth: int) -> list[Step]:
        out: list[Step] = []
        for answer in node.answers:
            if answer.scenario is not None:
                if answer.scenario in titles:
                    out.append(Step(depth, answer.answer, answer.scenario, titles[answer.scenario]))
            elif answer.next is not None:
                below = walk(answer.next, depth + 2)
                if below:
                    out += [Step(depth, answer.answer), Step(depth + 1, answer.next.question)]
                    out += below
        return out

    below = walk(question, 1)
    return [Step(0, question.question), *below] if below else []


SEARCH_SLOT = "<!-- followup:search -->"
"""Left at the end of the chooser for the theme: the home page template puts its search
field there (site_overrides/home.html); anywhere else it stays an invisible comment."""

TITLE_ID = "fu-chooser"
"""The id of the chooser's heading on the site."""


@dataclass(frozen=True)
class Choice:
    """An answer as shown: a link to a scenario, or one more question with its own choices."""

    text: str
    scenario_id: str = ""
    scenario_title: str = ""
    question: str = ""
    choices: tuple[Choice, ...] = ()


def outline(path: Sequence[Step]) -> tuple[str, tuple[Choice, ...]]:
    """The flattened path (from `steps`) back as its first question and the answers to it."""

    def answers(index: int, depth: int) -> tuple[list[Choice], int]:
        out: list[Choice] = []
        while index < len(path) and path[index].depth == depth:
            step = path[index]
            if step.scenario_id:
                out.append(Choice(step.text, step.scenario_id, step.scenario_title))
                index += 1
            else:  # followed by its question, then that question's answers
                below, after = answers(index + 2, depth + 2)
                out.append(Choice(step.text, question=path[index + 1].text, choices=tuple(below)))
                index = after
        return out, index

    if not path:
        return "", ()
    return path[0].text, tuple(answers(1, 1)[0])


def to_html(path: Sequence[Step], page: str, directory_urls: bool = True) -> str:
    """The chooser for the site page `page`, as one raw HTML block inside its Markdown: the
    first question as a heading, each answer a card (a <details> disclosure whose panel asks
    the next question, or a link straight to a scenario). Every text is escaped."""
    question, choices = outline(path)
    if not choices:
        return ""

    def link(choice: Choice, css: str) -> Markup:
        href = page_link(page, scenario_page(choice.scenario_id), directory_urls)
        return Markup(
            '<a class="{}" href="{}"><span class="fu-answer__text">{}</span>'
            '<span class="fu-answer__scenario">{}</span></a>'
        ).format(css, href, choice.text, choice.scenario_title)

    def disclosure(choice: Choice, level: int, css: str) -> Markup:
        items = Markup("").join(
            Markup("<li>{}</li>").format(
                disclosure(c, level + 1, "fu-choice fu-choice--nested")
                if c.choices
                else link(c, "fu-answer")
            )
            for c in choice.choices
        )
        return Markup(
            '<details class="{css}"><summary class="fu-choice__summary">'
            '<span class="fu-choice__text">{text}</span></summary>'
            '<div class="fu-choice__panel"><h{n} class="fu-choice__question">{question}</h{n}>'
            '<ul class="fu-choice__answers">{items}</ul></div></details>'
        ).format(css=css, text=choice.text, n=min(level, 6), question=choice.question, items=items)

    cards = Markup("").join(
        Markup("<li>{}</li>").format(
            disclosure(c, 3, "fu-choice") if c.choices else link(c, "fu-choice fu-choice--link")
        )
        for c in choices
    )
    # One line, no blank line: Markdown keeps a raw HTML block whole and leaves it as written.
    return (
        str(
            Markup(
                '<section class="fu-chooser" aria-labelledby="{id}">'
                '<h2 class="fu-chooser__title" id="{id}">{question}</h2>'
                '<ul class="fu-chooser__choices">{cards}</ul>{slot}</section>'
            ).format(id=TITLE_ID, question=question, cards=cards, slot=Markup(SEARCH_SLOT))
        )
        + "\n"
    )


def print_html(path: Sequence[Step]) -> Markup:
    """The chooser for the printed guide: a page of boxes, one per first answer, each with its
    next question and the scenarios it leads to, linked inside the PDF."""
    question, choices = outline(path)
    if not choices:
        return Markup("")

    def answers(choice: Choice) -> Markup:
        rows = []
        for c in choice.choices:
            if c.choices:
                rows.append(
                    Markup('<li>{} <span class="chooser-next">{}</span><ul>{}</ul></li>').format(
                        c.text, c.question, answers(c)
                    )
                )
            else:
                rows.append(
                    Markup('<li>{} <a href="#{}">{}</a></li>').format(
                        c.text, scenario_anchor(c.scenario_id), c.scenario_title
                    )
                )
        return Markup("").join(rows)

    boxes = []
    for choice in choices:
        if choice.choices:
            body = Markup('<p class="chooser-next">{}</p><ul>{}</ul>').format(
                choice.question, answers(choice)
            )
        else:
            body = Markup('<p class="chooser-to"><a href="#{}">{}</a></p>').format(
                scenario_anchor(choice.scenario_id), choice.scenario_title
            )
        boxes.append(
            Markup('<div class="chooser-choice"><h3>{}</h3>{}</div>').format(choice.text, body)
        )
    return Markup(
        '<section class="chooser"><h2 class="chooser-title">{}</h2>'
        '<div class="chooser-choices">{}</div></section>'
    ).format(question, Markup("").join(boxes))

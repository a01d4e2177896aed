"""The "Which scenario am I in?" decision path: content/chooser.yml, shown on the home page (and
in the PDF) as nested questions with links, so it works without JavaScript.

Each answer leads either to a scenario, by id, or to a further question. Answers whose
scenario a fork hides are left out (and so is a question left with no answers); an id that
matches no scenario at all is an error, with the file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, model_validator

from .errors import ScenarioError, ScenarioErrors, did_you_mean
from .links import relative, scenario_page
from .load import load_text
from .schema import Slug, _Model
from .templating import md_escape

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


def to_markdown(path: list[Step], page: str) -> str:
    """The path as nested Markdown lists, for the page `page`."""
    lines = []
    for index, step in enumerate(path):
        text = md_escape(step.text)
        if step.depth == 0:
            lines += [f"**{text}**", ""]
        elif step.depth % 2:  # an answer
            indent = "    " * (step.depth // 2)
            line = f"{indent}- {text}"
            if step.scenario_id:
                link = relative(page, scenario_page(step.scenario_id))
                line += f": [{md_escape(step.scenario_title)}]({link})"
            following = path[index + 1] if index + 1 < len(path) else None
            if following is not None and following.depth == step.depth + 1:
                line += f". *{md_escape(following.text)}*"
            lines.append(line)
    return "\n".join(lines) + "\n"

"""Project settings: the `extra.followup` mapping of mkdocs.yml, typed and validated."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .errors import ScenarioError, format_key_path
from .schema import SLUG_PATTERN

CONFIG_FILE = "mkdocs.yml"

LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$"
"""A language code as MkDocs and Material write it: `de`, `pt-br`."""


def _footer_wording(allowed: tuple[str, ...]):
    """A validator: footer wording may use only the named fields, each once at most."""

    def check(value: str) -> str:
        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        except ValueError as exc:
            raise ValueError(f"{exc} (write {{{{ and }}}} for a literal brace)") from None
        unknown = [name for name in fields if name not in allowed]
        if unknown:
            raise ValueError(
                f"unknown field {{{unknown[0]}}}; the wording may use "
                + " and ".join(f"{{{name}}}" for name in allowed)
            )
        return value

    return check


def _font_file_name(value: str) -> str:
    """A validator: a plain font file name (no folder), ending in .ttf or .otf."""
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.(ttf|otf)", value):
        raise ValueError(
            f"expected the name of a font file in templates/pdf/fonts/ ending in .ttf or .otf, "
            f"without a folder (such as FollowupSans-Regular.ttf), got {value!r}"
        )
    return value


class FooterStyle(BaseModel):
    """How the PDFs' page numbers look: `extra: followup: footer_style:` in mkdocs.yml.

    They are stamped on every page once the guide is joined (build_scripts/pdf/stamp.py), not
    laid out by print.css, so their look is set here."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    font: Annotated[str, AfterValidator(_font_file_name)] = "FollowupSans-Regular.ttf"
    """A font file's name in templates/pdf/fonts/ (a plain file name ending in .ttf or .otf,
    with TrueType outlines). Characters it lacks are drawn with a system font that has them."""
    size: Annotated[float, Field(ge=4, le=24)] = 8.0
    """The page numbers' size, in points (4 to 24)."""
    grey: Annotated[float, Field(ge=0, le=1)] = 0.4
    """Their grey: 0 is black, 1 white."""
    baseline_mm: Annotated[float, Field(gt=0, le=50)] = 9.0
    """Their baseline, in millimetres above the bottom edge of the page (centred across it);
    print.css leaves an 18 mm bottom margin, so the default sits inside it."""


class Settings(BaseModel):
    """What a forker can set under `extra: followup:` in mkdocs.yml."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    paper: Literal["a4", "letter"] = "a4"
    """Paper size of the PDFs."""

    hide: tuple[Annotated[str, Field(pattern=SLUG_PATTERN)], ...] = ()
    """Ids of built-in scenarios to leave out of every output."""

    local_scenarios: Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")] | None = None
    """A folder (relative to mkdocs.yml) of your own scenario files. A file there whose id
    matches a built-in scenario replaces it; any other adds a scenario. Keeping your files
    there, rather than editing the built-in ones, keeps upstream updates easy to merge."""
    page_footer: Annotated[str, AfterValidator(_footer_wording(("page", "total")))] = (
        "Page {page} of {total}"
    )
    """The PDFs' page footer, in the site's language: {page} is the page number and {total}
    the number of pages (for example "Página {page} de {total}")."""
    contents_footer: Annotated[str, AfterValidator(_footer_wording(("page",)))] = "Page {page}"
    """The footer of the guide's cover and contents pages, numbered in roman numerals."""
    cover_label: Annotated[str, Field(min_length=1, max_length=40)] = "Cover"
    """The guide's cover page's label, which PDF viewers show in place of its page number."""
    footer_style: FooterStyle = FooterStyle()
    """The page numbers' font, size, grey and height (see FooterStyle)."""
    languages: tuple[Annotated[str, Field(pattern=LANGUAGE_PATTERN)], ...] = ()
    """The site's editions, by language code (`[en, de]`). The first is the default edition,
    in theme.language, built at the site's root; each other one is built under its code
    (`/de/`) from the folder of that name in the docs folder: its guide pages, `strings.yml`
    (interface text), `scenarios/` (a translation of each scenario), `chooser.yml`,
    `sources.yml` and `wordlist.txt`. Empty: one edition, in theme.language."""
    countries: dict[
        Annotated[str, Field(pattern=LANGUAGE_PATTERN)],
        Annotated[str, Field(pattern=r"^[A-Z]{2}$")],
    ] = {}
    """The country whose business days the date planner counts until the reader picks one,
    per language (`{en: GB}`); by default each edition's `strings.yml` says, and English
    uses US."""


class LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running anything: tags such as !ENV or !!python/name become None."""


LenientLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def line_of(text: str, *keys: str) -> int:
    """The line of a nested key: `keys` are found in order, each after the one before (so
    `footer_style`, `font` is not the theme's `font:`); the line of the last one found."""
    position, line = 0, 1
    for key in keys:
        name = re.escape(key)
        match = re.compile(rf"^[ \t]*{name}[ \t]*:|[{{,][ \t]*{name}[ \t]*:", re.M).search(
            text, position
        )
        if match is None:
            break
        position, line = match.end(), text.count("\n", 0, match.start()) + 1
    return line


def _model_at(loc: tuple) -> type[BaseModel]:
    """The settings model that holds the key at `loc` + one more (Settings, FooterStyle)."""
    model: type[BaseModel] = Settings
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        kind = field.annotation if field is not None else None
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            model = kind
    return model


def parse_settings(extra: object, config_text: str = "") -> tuple[Settings, list[ScenarioError]]:
    """Validate `extra.followup`; return the settings that are valid and the problems."""
    raw = extra.get("followup") if isinstance(extra, Mapping) else None
    if raw is None:
        return Settings(), []
    if not isinstance(raw, Mapping):
        return Settings(), [
            ScenarioError(
                CONFIG_FILE,
                line_of(config_text, "extra", "followup"),
                1,
                "extra.followup",
                "expected a mapping of settings (paper: ..., hide: [...])",
            )
        ]
    try:
        return Settings.model_validate(dict(raw)), []
    except ValidationError as exc:
        bad = {error["loc"][0] for error in exc.errors() if error["loc"]}
        valid_part = {key: value for key, value in raw.items() if key not in bad}
        try:
            settings = Settings.model_validate(valid_part)
        except ValidationError:
            settings = Settings()
        problems = []
        for error in exc.errors(include_url=False):
            loc = ("extra", "followup", *error["loc"])
            keys = [str(p) for p in error["loc"] if isinstance(p, str)]
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                fields = _model_at(error["loc"][:-1]).model_fields
                message = f"unknown setting; expected one of {', '.join(fields)}"
            problems.append(
                ScenarioError(
                    CONFIG_FILE,
                    line_of(config_text, "extra", "followup", *keys),
                    1,
                    format_key_path(loc),
                    message,
                )
            )
        return settings, problems


def read_settings(root: Path) -> tuple[Settings, list[ScenarioError]]:
    """Read the settings from a project's mkdocs.yml."""
    path = root / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
        config = yaml.load(text, Loader=LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return Settings(), [ScenarioError(CONFIG_FILE, 1, 1, "(file)", f"cannot read: {exc}")]
    extra = config.get("extra") if isinstance(config, dict) else None
    return parse_settings(extra, text)

"""Business days per country: the weekends and public holidays of the `holidays` package, as the
small JSON files the date planner loads (assets/holidays/), and `add_business_days`, which counts
business days from exactly that data (the reference the planner's JavaScript follows).

A country's file, `assets/holidays/<CC>.json`, covers the edition's year and the two after it:

    {"country": "DE", "years": [2026, 2028], "weekend": [6, 7],
     "holidays": ["2026-01-01", ...],
     "subdivisions": {"BY": {"add": ["2026-01-06", ...]}, ...}}

Weekdays are ISO numbers (1 Monday ... 7 Sunday), dates ISO dates. A subdivision lists only how
it differs from the whole country: `add` (its own holidays), `remove` (national ones it does not
keep), `weekend`. Where a weekend changes inside the window, `weekend_changes` maps the first day
of each new rule to its weekend; `workdays` are weekend days worked (bridge-day swaps). The
index, `assets/holidays/index.json`, names every country's subdivisions.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.plugins.followup")

FOLDER = "assets/holidays"
YEARS_AHEAD = 2
"""The window: the edition's year and this many after it (a follow-up plan looks weeks ahead)."""
_CACHE_VERSION = "1"


@dataclass(frozen=True)
class Calendar:
    """The business-day rules of one country, or of one subdivision of it, over the window."""

    weekend: frozenset[int]
    """ISO weekdays (1 Monday ... 7 Sunday) off, before the first of `weekend_changes`."""
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date] = frozenset()
    """Weekend days that are working days."""
    weekend_changes: tuple[tuple[dt.date, frozenset[int]], ...] = ()
    """(first day, weekend from that day on), in date order."""

    def weekend_on(self, day: dt.date) -> frozenset[int]:
        weekend = self.weekend
        for since, days in self.weekend_changes:
            if day >= since:
                weekend = days
        return weekend

    def is_business_day(self, day: dt.date) -> bool:
        if day.isoweekday() in self.weekend_on(day):
            return day in self.workdays
        return day not in self.holidays


def calendar(data: Mapping[str, Any], subdivision: str | None = None) -> Calendar:
    """The Calendar of a country file's data, for the whole country or one subdivision."""
    holidays = {dt.date.fromisoformat(d) for d in data["holidays"]}
    workdays = {dt.date.fromisoformat(d) for d in data.get("workdays", ())}
    weekend = data["weekend"]
    changes = data.get("weekend_changes", {})
    if subdivision:
        own = data["subdivisions"][subdivision]
        holidays |= {dt.date.fromisoformat(d) for d in own.get("add", ())}
        holidays -= {dt.date.fromisoformat(d) for d in own.get("remove", ())}
        if "workdays" in own:
            workdays = {dt.date.fromisoformat(d) for d in own["workdays"]}
        weekend = own.get("weekend", weekend)
        changes = own.get("weekend_changes", changes)
    return Calendar(
        weekend=frozenset(weekend),
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        weekend_changes=tuple(
            (dt.date.fromisoformat(since), frozenset(days))
            for since, days in sorted(changes.items())
        ),
    )


def add_business_days(start: dt.date, count: int, calendar: Calendar) -> dt.date:
    """The day `count` business days after `start` (before it when `count` is negative): each
    step moves to the next business day. `start` itself need not be one; 0 returns it as it is."""
    step = dt.timedelta(days=1 if count >= 0 else -1)
    day = start
    for _ in range(abs(count)):
        day += step
        while not calendar.is_business_day(day):
            day += step
    return day


# ---- Building the files from the `holidays` package ----


def _iso_weekdays(python_weekdays: set[int]) -> list[int]:
    return sorted(d + 1 for d in python_weekdays)


@functools.cache
def _window(first_year: int) -> tuple[dt.date, ...]:
    """Every day of the files' years (the same for every country: made once)."""
    day, end = dt.date(first_year, 1, 1), dt.date(first_year + YEARS_AHEAD, 12, 31)
    days = []
    while day <= end:
        days.append(day)
        day += dt.timedelta(days=1)
    return tuple(days)


def _rules(entity: Any, days: tuple[dt.date, ...]) -> dict[str, Any]:
    """Weekend, weekend changes, holidays and worked weekend days of one `holidays` object."""
    weekends: dict[str, list[int]] = {}
    last: set[int] | None = None
    for day in days:
        # Compared as the package gives it; written out only where it changes (a few times in
        # three years at most), which keeps 250 countries' thousand days each cheap.
        weekend = entity._get_weekend(day)
        if weekend != last:
            weekends[day.isoformat()] = _iso_weekdays(weekend)
            last = set(weekend)
    first, *rest = weekends.items()
    worked = getattr(entity, "weekend_workdays", ())
    workdays = sorted(d for d in worked if days[0] <= d <= days[-1])
    return {
        "weekend": first[1],
        "weekend_changes": dict(rest),
        "holidays": sorted(d.isoformat() for d in entity if days[0] <= d <= days[-1]),
        "workdays": [d.isoformat() for d in workdays],
    }


def country_data(code: str, first_year: int) -> dict[str, Any]:
    """The compact data of one country (see the module's docstring)."""
    import holidays

    years = range(first_year, first_year + YEARS_AHEAD + 1)
    days = _window(first_year)
    national = _rules(holidays.country_holidays(code, years=years), days)
    data: dict[str, Any] = {"country": code, "years": [years[0], years[-1]]}
    data["weekend"] = national["weekend"]
    if national["weekend_changes"]:
        data["weekend_changes"] = national["weekend_changes"]
    data["holidays"] = national["holidays"]
    if national["workdays"]:
        data["workdays"] = national["workdays"]
    subdivisions: dict[str, dict[str, Any]] = {}
    base = set(national["holidays"])
    for subdivision in holidays.country_holidays(code).subdivisions:
        own = _rules(holidays.country_holidays(code, subdiv=subdivision, years=years), days)
        diff: dict[str, Any] = {}
        if added := sorted(set(own["holidays"]) - base):
            diff["add"] = added
        if removed := sorted(base - set(own["holidays"])):
            diff["remove"] = removed
        for key in ("weekend", "weekend_changes", "workdays"):
            if own[key] != national[key]:
                diff[key] = own[key]
        subdivisions[subdivision] = diff
    data["subdivisions"] = subdivisions
    return data


def subdivision_names(code: str) -> dict[str, str]:
    """Each subdivision code of a country with the first name the package gives it (its code
    where it gives none)."""
    import holidays

    cls = type(holidays.country_holidays(code))
    aliases = getattr(cls, "subdivisions_aliases", {}) or {}
    names: dict[str, str] = {}
    for name, subdivision in aliases.items():
        names.setdefault(subdivision, name)
    return {s: names.get(s, s) for s in cls.subdivisions}


def _dumps(data: object) -> bytes:
    # One line per top-level key: small, and still readable in a diff or a browser.
    if isinstance(data, dict):
        lines = [
            f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
            for k, v in data.items()
        ]
        return ("{" + ",\n".join(lines) + "}\n").encode("utf-8")
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def build_files(first_year: int) -> dict[str, bytes]:
    """Every supported country's file and the index, keyed by their path in the site."""
    import holidays

    files: dict[str, bytes] = {}
    index: dict[str, dict[str, str]] = {}
    for code in sorted(holidays.list_supported_countries(include_aliases=False)):
        files[f"{FOLDER}/{code}.json"] = _dumps(country_data(code, first_year))
        index[code] = subdivision_names(code)
    files[f"{FOLDER}/index.json"] = _dumps(
        {
            "holidays_version": holidays.__version__,
            "years": [first_year, first_year + YEARS_AHEAD],
            "countries": index,
        }
    )
    return files


def _cache_file(cache_root: Path, first_year: int) -> Path:
    # The version from the metadata: importing the package itself costs more than a cache hit.
    key = f"{_CACHE_VERSION}:{importlib.metadata.version('holidays')}:{first_year}:{YEARS_AHEAD}"
    name = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_root / "holidays" / f"{name}.json"


def files_for(first_year: int, cache_root: Path | None) -> dict[str, bytes]:
    """build_files, kept in the build's cache folder under the package's version and the years
    (building them takes seconds; reading them back, milliseconds)."""
    cached = _cache_file(cache_root, first_year) if cache_root else None
    if cached is not None:
        try:
            stored = json.loads(cached.read_text(encoding="utf-8"))
            return {path: text.encode("utf-8") for path, text in stored.items()}
        except (OSError, ValueError, AttributeError):
            pass  # absent or damaged: build again
    started = time.perf_counter()
    files = build_files(first_year)
    log.debug("holidays: %d files in %.2f s", len(files), time.perf_counter() - started)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            partial.write_text(
                json.dumps({p: b.decode("utf-8") for p, b in files.items()}, ensure_ascii=False),
                encoding="utf-8",
            )
            os.replace(partial, cached)
        except OSError:
            pass  # a cache that cannot be written only costs time
    return files


def render(site: object, project: object, options: Any, built: Mapping) -> dict[str, bytes | Path]:
    """The Output: the holiday files of the edition's year and the two after it."""
    return dict(files_for(options.edition.year, options.cache_root))


__all__ = ["Calendar", "add_business_days", "build_files", "calendar", "country_data", "render"]

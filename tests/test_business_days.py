"""Business days per country: the compact holiday files, and add_business_days counting from
them exactly as the `holidays` package counts working days."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts import business_days
from build_scripts.business_days import add_business_days, calendar, country_data
from build_scripts.outputs import OUTPUTS

FIRST_YEAR = 2026
LAST_YEAR = FIRST_YEAR + business_days.YEARS_AHEAD
COUNTRIES = {
    "DE": [None, "BY", "NW", "BE", "SN", "Augsburg"],
    "US": [None, "CA", "TX", "MA", "NY", "PR"],
    "GB": [None, "ENG", "SCT", "NIR", "WLS"],
    "SA": [None],
    "QA": [None],
    "KW": [None],
    "AE": [None],
    "CH": [None, "ZH", "GE", "TI", "AI"],
    "AT": [None, "9", "1"],
    "MY": [None, "01", "02", "14"],  # Kedah (02) rests on Friday and Saturday
    "CN": [None],  # weekend days worked in exchange for bridge days
}


@functools.cache
def data_of(code: str) -> dict:
    return country_data(code, FIRST_YEAR)


@functools.cache
def reference(code: str, subdivision: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays(
        code, subdiv=subdivision, years=range(FIRST_YEAR - 1, LAST_YEAR + 2)
    )


places = st.sampled_from(
    [(code, subdiv) for code, subdivisions in COUNTRIES.items() for subdiv in subdivisions]
)
# Starts far enough inside the window that 25 business days either way stay in it.
starts = st.dates(dt.date(FIRST_YEAR, 2, 15), dt.date(LAST_YEAR, 11, 1))


@settings(max_examples=400, deadline=None)
@given(places, starts, st.integers(-25, 25))
def test_add_business_days_agrees_with_the_holidays_package(place, start, count) -> None:
    code, subdivision = place
    reference_days = reference(code, subdivision)
    result = add_business_days(start, count, calendar(data_of(code), subdivision))
    if count == 0:
        assert result == start
        return
    assert reference_days.is_working_day(result), f"{result} is no business day in {place}"
    low, high = sorted((start, result))
    between = [
        low + dt.timedelta(days=i) for i in range(1, (high - low).days + (1 if count > 0 else 0))
    ]
    if count < 0:  # counting back: the result itself counts, the start does not
        between = [low, *between]
    working = [day for day in between if reference_days.is_working_day(day)]
    assert len(working) == abs(count), (place, start, count, result)


@settings(max_examples=300, deadline=None)
@given(places, st.dates(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)))
def test_every_day_of_the_window_is_a_business_day_exactly_when_the_package_says(
    place, day
) -> None:
    code, subdivision = place
    ours = calendar(data_of(code), subdivision)
    theirs = reference(code, subdivision)
    assert ours.is_business_day(day) == theirs.is_working_day(day)
    assert (day.isoweekday() in ours.weekend_on(day)) == theirs.is_weekend(day)


def test_germany_skips_christmas_and_bavaria_epiphany() -> None:
    germany = calendar(data_of("DE"))
    assert add_business_days(dt.date(2026, 12, 23), 2, germany) == dt.date(2026, 12, 28)
    assert add_business_days(dt.date(2027, 1, 5), 1, germany) == dt.date(2027, 1, 6)
    bavaria = calendar(data_of("DE"), "BY")
    assert add_business_days(dt.date(2027, 1, 5), 1, bavaria) == dt.date(2027, 1, 7)


def test_gulf_states_skip_friday_and_saturday() -> None:
    thursday = dt.date(2026, 11, 19)
    for code in ("SA", "QA", "KW"):
        assert data_of(code)["weekend"] == [5, 6]
        assert add_business_days(thursday, 1, calendar(data_of(code))) == dt.date(2026, 11, 22)


def test_zero_days_is_the_start_even_on_a_weekend() -> None:
    saturday = dt.date(2026, 11, 21)
    assert add_business_days(saturday, 0, calendar(data_of("DE"))) == saturday


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return business_days.build_files(FIRST_YEAR)


def test_every_supported_country_has_a_small_readable_file_and_an_index_entry(files) -> None:
    index = json.loads(files["assets/holidays/index.json"])
    assert index["years"] == [FIRST_YEAR, LAST_YEAR]
    assert index["holidays_version"] == holidays.__version__
    supported = holidays.list_supported_countries(include_aliases=False)
    assert set(index["countries"]) == set(supported)
    assert set(files) == {f"assets/holidays/{c}.json" for c in supported} | {
        "assets/holidays/index.json"
    }
    assert index["countries"]["DE"]["BY"] == "Bayern"
    assert index["countries"]["GB"] == {
        "ENG": "England",
        "NIR": "Northern Ireland",
        "SCT": "Scotland",
        "WLS": "Wales",
    }
    for code in supported:
        raw = files[f"assets/holidays/{code}.json"]
        assert len(raw) < 12_000, code
        data = json.loads(raw)
        assert set(data) <= {
            "country",
            "years",
            "weekend",
            "weekend_changes",
            "holidays",
            "workdays",
            "subdivisions",
        }
        assert data["country"] == code
        assert data["years"] == [FIRST_YEAR, LAST_YEAR]
        assert set(data["weekend"]) <= set(range(1, 8))
        dates = data["holidays"]
        assert dates == sorted(set(dates))
        assert all(str(FIRST_YEAR) <= d[:4] <= str(LAST_YEAR) for d in dates)
        assert set(data["subdivisions"]) == set(index["countries"][code])
        for own in data["subdivisions"].values():
            assert set(own) <= {"add", "remove", "weekend", "weekend_changes", "workdays"}
            assert not set(own.get("add", ())) & set(dates)
            assert set(own.get("remove", ())) <= set(dates)
    assert sum(len(b) for b in files.values()) < 400_000


def test_the_german_file_reads_as_the_design_says(files) -> None:
    data = json.loads(files["assets/holidays/DE.json"])
    assert data["weekend"] == [6, 7]
    assert {"2026-12-25", "2026-12-26", "2026-10-03"} <= set(data["holidays"])
    assert "2026-01-06" not in data["holidays"]
    assert "2026-01-06" in data["subdivisions"]["BY"]["add"]
    assert "2026-01-06" not in data["subdivisions"]["NW"].get("add", [])


def test_holiday_files_are_an_output_of_every_build() -> None:
    assert "holidays" in [output.name for output in OUTPUTS]


def test_the_files_are_kept_in_the_cache_by_version_and_years(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = business_days.files_for(FIRST_YEAR, tmp_path)
    assert list((tmp_path / "holidays").glob("*.json"))

    def no_build(first_year: int) -> dict[str, bytes]:
        raise AssertionError("built again despite the cache")

    monkeypatch.setattr(business_days, "build_files", no_build)
    assert business_days.files_for(FIRST_YEAR, tmp_path) == built
    with pytest.raises(AssertionError, match="built again"):
        business_days.files_for(FIRST_YEAR + 1, tmp_path)  # other years: another entry


def test_a_damaged_cache_entry_is_built_again(tmp_path: Path) -> None:
    built = business_days.files_for(FIRST_YEAR, tmp_path)
    (entry,) = (tmp_path / "holidays").glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert business_days.files_for(FIRST_YEAR, tmp_path) == built

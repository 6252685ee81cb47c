"""The shipped sample meeting: what build_sample.py makes, and that its figures are sound."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from data_access.core.catalogues import default_indicators, resolve_country
from data_access.core.i18n import fold
from data_access.workbooks.columns import (
    ACTION_STATUSES,
    ACTIONS,
    COMPLETIONS,
    GROUPS,
    MEMBER_ROLES,
    MEMBERS,
    RESULTS,
    SheetSpec,
)

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "sample_data"
LLECE = ROOT.parent / "shared" / "data" / "llece"
WORLDBANK = LLECE.parent / "worldbank"
needs_llece = pytest.mark.skipif(
    not (LLECE / "national_levels_scores_terce2013_erce2019.csv").is_file(),
    reason=f"the LLECE CSVs are not in {LLECE} (they sit next to the repository)",
)


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_sample", SAMPLE / "build_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cells(path: Path) -> dict[str, list[list[object]]]:
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def _read(path: Path, spec_sheet: str, spec: SheetSpec) -> pd.DataFrame:
    frame = pd.read_excel(path, sheet_name=spec_sheet, engine="calamine")
    return frame.rename(columns=lambda c: spec.header_lookup[fold(c)])


@cache
def results() -> pd.DataFrame:
    """Every committed results workbook, in canonical column codes."""
    frames = [_read(p, "resultados", RESULTS) for p in sorted((SAMPLE / "results").glob("*.xlsx"))]
    return pd.concat(frames, ignore_index=True)


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.xlsx"))


@needs_llece
def test_committed_workbooks_are_what_the_builder_makes(tmp_path: Path) -> None:
    counts = _load_builder().build_all(LLECE, tmp_path, WORLDBANK)
    assert _files(tmp_path) == _files(SAMPLE)
    for name in _files(SAMPLE):
        assert _cells(tmp_path / name) == _cells(SAMPLE / name), f"{name} is stale: run build_sample.py"
    assert sum(counts.values()) == len(results())


def test_one_workbook_per_country_with_spanish_headers() -> None:
    paths = sorted((SAMPLE / "results").glob("*.xlsx"))
    assert len(paths) == 17
    for path in paths:
        header = _cells(path)["resultados"][0]
        assert header == [c.label("es") for c in RESULTS.columns]
        assert set(_read(path, "resultados", RESULTS)["country"]) == {path.stem}


@pytest.mark.parametrize(
    ("country", "year", "grade", "subject", "group", "indicator", "value", "source_file"),
    [
        ("PER", 2019, 6, "reading", "total", "score_mean", 741.22, "datos_grafico_1-1.csv"),
        ("ARG", 2019, 3, "reading", "total", "score_mean", 688.51, "datos_grafico_1-1.csv"),
        ("ARG", 2019, 3, "reading", "female", "score_mean", 697.61, "datos_grafico_1-2.csv"),
        ("ARG", 2019, 6, "science", "total", "level_1_pct", 44.0, "datos_grafico_1-1.csv"),
        ("ARG", 2019, 6, "science", "total", "min_proficiency_pct", 14.0, "datos_grafico_1-1.csv"),
        ("CHL", 2013, 3, "reading", "total", "min_proficiency_pct", 90.0, "datos_grafico_1-1.csv"),
        ("PER", 2019, 6, "reading", "ses_q1", "score_mean", 680.27, "datos_grafico_1-2.csv"),
        ("PER", 2019, 6, "reading", "ses_q5", "score_mean", 811.98, "datos_grafico_1-2.csv"),
        ("PER", 2019, 6, None, "total", "ser_empathy", 48.21, "erce_hse_resultados.csv"),
        ("ARG", 2006, 6, "reading", "total", "below_min_wb_pct", 55.296719, "proficiency_from_GLAD.csv"),
        ("PER", 2013, 6, "reading", "female", "below_min_wb_pct", 52.112095, "proficiency_from_GLAD.csv"),
    ],
)
def test_known_figures(
    country: str,
    year: int,
    grade: int,
    subject: str | None,
    group: str,
    indicator: str,
    value: float,
    source_file: str,
) -> None:
    frame = results()
    hit = frame[
        (frame["country"] == country)
        & (frame["year"] == year)
        & (frame["grade"] == grade)
        & ((frame["subject"] == subject) if subject else frame["subject"].isna())
        & (frame["group"] == group)
        & (frame["indicator"] == indicator)
    ]
    assert len(hit) == 1
    assert hit["value"].iloc[0] == value
    assert source_file in hit["source"].iloc[0]


def test_sixteen_countries_in_2019_and_chile_in_2013_only() -> None:
    frame = results()
    llece = frame[frame["indicator"] != "below_min_wb_pct"]
    assert llece.loc[llece["year"] == 2019, "country"].nunique() == 16
    assert set(llece.loc[llece["country"] == "CHL", "year"]) == {2013}
    assert set(llece["year"]) == {2013, 2019}


def test_the_world_bank_shares_carry_their_standard_errors() -> None:
    """SERCE 2006 and TERCE 2013, grade 6 reading, all students, girls and boys, each with an SE."""
    wb = results().query("indicator == 'below_min_wb_pct'")
    assert set(wb["year"]) == {2006, 2013} and set(wb["grade"]) == {6} and set(wb["subject"]) == {"reading"}
    assert set(wb["group"]) == {"total", "female", "male"}
    assert len(wb) == 31 * 3  # 31 country-years in the World Bank's LLECE rows
    assert wb["se"].gt(0).all()
    assert wb["source"].str.startswith("World Bank, LearningPoverty").all()


def test_every_row_has_a_source_and_no_regional_row() -> None:
    frame = results()
    assert frame["source"].notna().all()
    assert frame["source"].str.startswith(("LLECE ", "World Bank, ")).all()
    assert frame["country"].map(resolve_country).notna().all()


def test_values_are_within_the_indicator_range_and_rows_unique() -> None:
    frame = results()
    catalogue = {i.code: i for i in default_indicators()}
    low = frame["indicator"].map(lambda c: catalogue[c].min_value)
    high = frame["indicator"].map(lambda c: catalogue[c].max_value)
    assert frame["value"].between(low, high).all()
    ci = frame.dropna(subset=["ci_low"])
    assert len(ci) == 16 * 3
    assert ((ci["ci_low"] <= ci["value"]) & (ci["value"] <= ci["ci_high"])).all()
    keys = ["country", "indicator", "year", "grade", "subject", "group"]
    assert not frame.duplicated(keys).any()


def test_roster_has_four_groups_each_with_a_chair() -> None:
    groups = _read(SAMPLE / "roster.xlsx", "groups", GROUPS)
    members = _read(SAMPLE / "roster.xlsx", "members", MEMBERS)
    assert sorted(groups["code"]) == ["framework", "innovation", "recovery", "ser"]
    assert groups[["name_es", "name_pt", "name_en"]].notna().all().all()
    for code in groups["code"]:
        roles = members.loc[members["group"] == code, "role"].tolist()
        assert roles.count("chair") == 1 and "rapporteur" in roles and "co-chair" in roles
    assert set(members["role"]) <= set(MEMBER_ROLES)
    assert members["fictional"].all()
    assert members["email"].str.endswith("@example.org").all()
    assert members["phone"].str.startswith("+00 ").all()
    sample_countries = {p.stem for p in (SAMPLE / "results").glob("*.xlsx")}
    assert 1 <= len(sample_countries - set(members["country"])) <= 2
    assert 28 <= members["name"].nunique() <= 36


def test_actions_are_plausible() -> None:
    actions = _read(SAMPLE / "actions.xlsx", "actions", ACTIONS)
    assert 8 <= len(actions) <= 12
    assert set(actions["status"]) >= {"proposed", "agreed", "in_progress", "done"}
    assert set(actions["status"]) <= set(ACTION_STATUSES)
    assert set(actions["completion"]) <= set(COMPLETIONS)
    assert set(actions["evidence_indicator"]) <= {i.code for i in default_indicators()}
    assert (pd.to_datetime(actions["due_date"]).dt.year == 2027).all()
    for participants in actions["participants"]:
        assert all(resolve_country(code) for code in participants.split(", "))

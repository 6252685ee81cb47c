"""Comparison statistics on hand-computed cases, and on the real sample meeting."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from data_access.operations.cli_tasks import Tasks
from data_access.stats.comparison_tables import one_per
from data_access.stats.comparisons import (
    MIN_LEVEL,
    PAIRS,
    Z95,
    compare_to_region,
    gap_table,
    heatmap_table,
    is_provisional,
    levels_table,
    profile_table,
    regional_trend,
    scatter_table,
    trend_table,
    with_uncertainty,
)
from data_access.stats.queries import list_observations

NAN = float("nan")


def obs(rows: list[tuple], columns: str = "country_iso3 value se") -> pd.DataFrame:
    """A small observations frame: one tuple per row, in the order COLUMNS names."""
    return pd.DataFrame(rows, columns=columns.split())


def three(c_value: float = 560.0, c_se: float | None = 10.0) -> pd.DataFrame:
    return obs([("AAA", 500.0, 5.0), ("BBB", 520.0, 4.0), ("CCC", c_value, c_se)])


def row(table: pd.DataFrame, iso3: str) -> pd.Series:
    return table.set_index("country_iso3").loc[iso3]


# --- with_uncertainty ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("se", "ci_low", "ci_high", "se_used", "lo", "hi"),
    [
        # SE only: a symmetric interval of Z95 standard errors.
        (2.0, None, None, 2.0, 50 - Z95 * 2, 50 + Z95 * 2),
        # Symmetric CI only: se = width / (2 * Z95) = 4 / 3.919928 = 1.020427.
        (None, 48.0, 52.0, 1.020427, 48.0, 52.0),
        # Asymmetric published CI (SER empathy, Peru): kept as is; se = 0.79 / 3.919928 = 0.201534.
        (None, 47.84, 48.63, 0.201534, 47.84, 48.63),
        # Both: the published SE and the published interval win.
        (3.0, 45.0, 56.0, 3.0, 45.0, 56.0),
        # Half an interval is no interval.
        (None, 48.0, None, NAN, NAN, NAN),
        (None, None, None, NAN, NAN, NAN),
    ],
)
def test_with_uncertainty(se, ci_low, ci_high, se_used, lo, hi):
    frame = obs([("PER", 50.0, se, ci_low, ci_high)], "country_iso3 value se ci_low ci_high")
    out = with_uncertainty(frame).iloc[0]
    for got, want in ((out["se_used"], se_used), (out["lo"], lo), (out["hi"], hi)):
        assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, abs=1e-6)
    assert "se_used" not in frame  # a copy


def test_with_uncertainty_adds_missing_columns_and_reads_none_objects():
    frame = pd.DataFrame({"country_iso3": ["PER"], "value": [741.22], "se": pd.Series([None], dtype=object)})
    out = with_uncertainty(frame)
    assert out[["se_used", "lo", "hi"]].isna().all().all()


# --- compare_to_region --------------------------------------------------------------------------


def test_part_whole_correction_by_hand():
    cmp = compare_to_region(three())
    # mean = (500 + 520 + 560) / 3 = 526.667; K = 3.
    assert cmp.mean == pytest.approx(526.666667)
    assert cmp.countries == 3
    # mean_se = sqrt(25 + 16 + 100) / 3 = sqrt(141) / 3 = 3.958114
    assert cmp.mean_se == pytest.approx(3.958114)
    c = row(cmp.table, "CCC")
    assert c["diff"] == pytest.approx(33.333333)
    # Var = (2/3)^2 * 100 + (1/9) * (25 + 16) = 44.4444 + 4.5556 = 49 -> 7
    assert c["diff_se"] == pytest.approx(7.0)
    assert c["z"] == pytest.approx(33.333333 / 7.0)
    # AAA: (4/9) * 25 + (16 + 100) / 9 = 24 -> 4.898979; BBB: (4/9) * 16 + (25 + 100) / 9 = 21.
    assert row(cmp.table, "AAA")["diff_se"] == pytest.approx(math.sqrt(24))
    assert row(cmp.table, "BBB")["diff_se"] == pytest.approx(math.sqrt(21))
    # BBB: z = -6.667 / 4.583 = -1.45 -> same; AAA: -26.667 / 4.899 = -5.44 -> below.
    assert cmp.table["country_iso3"].tolist() == ["CCC", "BBB", "AAA"]
    assert cmp.table["verdict"].tolist() == ["above", "same", "below"]
    # The naive NCES form sqrt(se_i^2 + se_R^2) = sqrt(100 + 141/9) = 10.754844 is larger.
    assert math.sqrt(100 + 141 / 9) == pytest.approx(10.754844)


def test_significant_with_the_correction_but_not_naively():
    # CCC = 535.5: mean = 1555.5 / 3 = 518.5, diff = 17.0.
    c = row(compare_to_region(three(c_value=535.5)).table, "CCC")
    assert c["diff"] == pytest.approx(17.0)
    assert c["diff_se"] == pytest.approx(7.0)  # z = 2.43 > 1.96
    assert c["verdict"] == "above"
    naive_z = 17.0 / math.sqrt(100 + 141 / 9)  # 17 / 10.754844 = 1.58 < 1.96
    assert naive_z == pytest.approx(1.580683)
    assert abs(naive_z) < Z95


@pytest.mark.parametrize(
    "frame",
    [
        three(c_se=None),  # one of the K countries lacks an SE
        obs([("AAA", 500.0, None), ("BBB", 520.0, None)]),  # none has one
    ],
    ids=["one-missing", "all-missing"],
)
def test_no_verdict_without_every_se(frame):
    cmp = compare_to_region(frame)
    assert cmp.table["diff_se"].isna().all() and cmp.table["z"].isna().all()
    assert set(cmp.table["verdict"]) == {"none"}
    assert cmp.mean_se is None


def test_single_country_has_no_verdict():
    cmp = compare_to_region(obs([("PER", 741.22, 3.0)]))
    assert (cmp.mean, cmp.countries, cmp.mean_se) == (741.22, 1, 3.0)
    assert cmp.table.loc[0, "verdict"] == "none" and cmp.table.loc[0, "diff"] == 0


def test_empty_frame_gives_empty_documented_table():
    cmp = compare_to_region(pd.DataFrame())
    assert cmp.table.empty and cmp.mean is None and cmp.countries == 0
    assert cmp.table.columns.tolist() == [
        "country_iso3", "value", "se_used", "lo", "hi", "diff", "diff_se", "z", "verdict",
        "version", "published_at", "source",
    ]  # fmt: skip


def test_repeated_rows_of_a_country_are_averaged():
    # AAA 500 and 510 -> 505, se sqrt(3^2 + 4^2) / 2 = 2.5.
    cmp = compare_to_region(obs([("AAA", 500.0, 3.0), ("AAA", 510.0, 4.0), ("BBB", 600.0, 1.0)]))
    assert cmp.countries == 2
    assert row(cmp.table, "AAA")["value"] == 505.0
    assert row(cmp.table, "AAA")["se_used"] == pytest.approx(2.5)
    assert cmp.mean == pytest.approx(552.5)


def test_one_row_per_country_gives_what_the_grouped_path_gives(monkeypatch):
    """The shortcut for files with one figure per country must not change a single number."""
    frame = obs(
        [("CCC", 2019, 560.0, 10.0, None, None, "s1"), ("AAA", 2019, 500.0, None, 490.0, 512.0, None),
         ("BBB", 2019, 520, None, None, None, "s2"), ("DDD", 2013, 400.0, 0.1, None, None, "s3")],
        "country_iso3 year value se ci_low ci_high source",
    )  # fmt: skip
    quick = one_per(frame, ["country_iso3", "year"])
    monkeypatch.setattr(
        pd.DataFrame, "duplicated", lambda self, subset=None: pd.Series(True, index=self.index)
    )
    grouped = one_per(frame, ["country_iso3", "year"])
    pd.testing.assert_frame_equal(quick, grouped, check_exact=True)
    assert list(quick["country_iso3"]) == ["AAA", "BBB", "CCC", "DDD"]


# --- trends -------------------------------------------------------------------------------------

TREND = obs(
    [
        ("AAA", 2013, 500.0, 3.0), ("AAA", 2019, 510.0, 4.0),  # +10, se 5, z 2 -> up
        ("BBB", 2013, 600.0, 3.0), ("BBB", 2019, 595.0, 4.0),  # -5, z -1 -> same
        ("CCC", 2019, 450.0, 2.0),  # one year: no change
        ("DDD", 2013, 400.0, None), ("DDD", 2019, 420.0, 4.0),  # no SE in 2013 -> none
    ],
    "country_iso3 year value se",
)  # fmt: skip


def test_trend_table_changes():
    long, changes = trend_table(TREND)
    assert len(long) == 7 and long["year"].tolist()[:2] == [2013, 2019]
    assert changes["country_iso3"].tolist() == ["AAA", "BBB", "DDD"]
    assert changes["change"].tolist() == [10.0, -5.0, 20.0]
    assert changes["change_se"].iloc[0] == pytest.approx(5.0)  # sqrt(3^2 + 4^2)
    assert math.isnan(changes["change_se"].iloc[2])
    assert changes["verdict"].tolist() == ["up", "same", "none"]
    assert changes[["first_year", "last_year"]].iloc[0].tolist() == [2013, 2019]


def test_trend_first_and_last_of_three_years_and_down():
    frame = obs([("AAA", 2019, 480.0, 1.0), ("AAA", 2006, 520.0, 1.0), ("AAA", 2013, 900.0, 1.0)],
                "country_iso3 year value se")  # fmt: skip
    changes = trend_table(frame)[1].iloc[0]
    assert (changes["first_year"], changes["last_year"], changes["change"]) == (2006, 2019, -40.0)
    assert changes["verdict"] == "down"  # -40 / sqrt(2) = -28.3


def test_regional_trend_uses_countries_present_every_year():
    out = regional_trend(TREND)  # CCC lacks 2013: AAA, BBB, DDD only
    assert out["year"].tolist() == [2013, 2019]
    assert out["mean"].tolist() == pytest.approx([(500 + 600 + 400) / 3, (510 + 595 + 420) / 3])
    assert out["countries"].tolist() == [3, 3]


def test_trend_empty():
    long, changes = trend_table(pd.DataFrame())
    assert long.empty and changes.empty and "change_se" in changes
    assert regional_trend(pd.DataFrame()).columns.tolist() == ["year", "mean", "countries"]


# --- gaps ---------------------------------------------------------------------------------------


def test_gap_table():
    frame = obs(
        [
            ("PER", "female", 500.0, 3.0), ("PER", "male", 510.0, 4.0),  # +10 / 5 = 2 -> significant
            ("BRA", "female", 500.0, 3.0), ("BRA", "male", 505.0, 4.0),  # +5 / 5 = 1 -> not
            ("ARG", "female", 600.0, None), ("ARG", "male", 590.0, None),  # -10, none
            ("CHL", "female", 550.0, 2.0), ("CHL", "urban", 560.0, 2.0),  # no male: left out
        ],
        "country_iso3 group value se",
    )  # fmt: skip
    gaps = gap_table(frame, "sex")
    assert gaps["country_iso3"].tolist() == ["PER", "BRA", "ARG"]
    assert gaps["gap"].tolist() == [10.0, 5.0, -10.0]
    assert gaps["gap_se"].tolist()[:2] == pytest.approx([5.0, 5.0])
    assert gaps["verdict"].tolist() == ["significant", "not_significant", "none"]
    assert gaps.loc[0, ["value_a", "value_b"]].tolist() == [500.0, 510.0]
    assert PAIRS["ses"] == ("ses_q1", "ses_q5")


def test_gap_table_empty_and_without_pairs():
    assert gap_table(pd.DataFrame(), "area").columns.tolist()[-1] == "verdict"
    assert gap_table(obs([("PER", "urban", 1.0, None)], "country_iso3 group value se"), "sex").empty


# --- levels -------------------------------------------------------------------------------------


def levels(shares: tuple[float, ...], published: float | None = None) -> pd.DataFrame:
    rows = [("PER", f"level_{i}_pct", s) for i, s in enumerate(shares, start=1)]
    if published is not None:
        rows.append(("PER", "min_proficiency_pct", published))
    return obs(rows, "country_iso3 indicator_code value")


@pytest.mark.parametrize(
    ("grade", "spans", "at_or_above"),
    [
        # Grade 6, boundary between II and III: II [-30, 0], I [-40, -30], III [0, 40], IV [40, 60].
        (6, [(-40, -30), (-30, 0), (0, 40), (40, 60)], 60.0),
        # Grade 3, boundary between I and II: I [-10, 0], II [0, 30], III [30, 70], IV [70, 90].
        (3, [(-10, 0), (0, 30), (30, 70), (70, 90)], 90.0),
    ],
)
def test_levels_centred_on_the_boundary(grade, spans, at_or_above):
    bars, at = levels_table(levels((10.0, 30.0, 40.0, 20.0)), grade)
    assert bars["level"].tolist() == [1, 2, 3, 4]
    assert list(zip(bars["start"], bars["end"], strict=True)) == spans
    assert (bars["end"] - bars["start"]).tolist() == [10.0, 30.0, 40.0, 20.0]
    assert at.loc[0, "at_or_above"] == at_or_above
    assert MIN_LEVEL == {3: 2, 6: 3}


def test_levels_prefer_the_published_share_and_sort():
    frame = pd.concat([levels((10.0, 30.0, 40.0, 20.0), published=61.0), obs(
        [("ARG", "level_3_pct", 50.0), ("ARG", "level_4_pct", 30.0)], "country_iso3 indicator_code value"
    )])  # fmt: skip
    _, at = levels_table(frame, 6)
    assert at.values.tolist() == [["ARG", 80.0], ["PER", 61.0]]
    bars, at = levels_table(pd.DataFrame(), 6)
    assert (
        bars.empty
        and at.empty
        and bars.columns.tolist() == ["country_iso3", "level", "share", "start", "end"]
    )


# --- heatmap, scatter ---------------------------------------------------------------------------


def test_heatmap_std_diff_and_nan_subject():
    frame = obs(
        [
            ("AAA", "score_mean", "reading", 500.0), ("BBB", "score_mean", "reading", 520.0),
            ("CCC", "score_mean", "reading", 560.0),
            ("AAA", "ser_empathy", None, 50.0), ("BBB", "ser_empathy", None, 50.0),
            ("CCC", "ser_empathy", None, 50.0),
        ],
        "country_iso3 indicator_code subject value",
    )  # fmt: skip
    table = heatmap_table(frame)
    assert sorted(table["column"].unique()) == ["score_mean|reading", "ser_empathy"]
    c = table[(table["column"] == "score_mean|reading") & (table["country_iso3"] == "CCC")].iloc[0]
    # sd (ddof 0) = sqrt((26.667^2 + 6.667^2 + 33.333^2) / 3) = sqrt(622.222) = 24.944383
    assert c["mean"] == pytest.approx(526.666667) and c["diff"] == pytest.approx(33.333333)
    assert c["std_diff"] == pytest.approx(33.333333 / 24.944383)
    ser = table[table["column"] == "ser_empathy"]
    assert ser["std_diff"].tolist() == [0.0, 0.0, 0.0] and ser["subject"].isna().all()
    assert heatmap_table(pd.DataFrame()).columns.tolist()[-1] == "std_diff"


def test_scatter_r_matches_numpy():
    x = obs([("AAA", 1.0, None), ("BBB", 2.0, None), ("CCC", 3.0, None), ("DDD", 4.0, None)])
    y = obs(
        [("AAA", 2.0, None), ("BBB", 4.0, None), ("CCC", 5.0, None), ("DDD", 9.0, None), ("EEE", 1.0, None)]
    )
    table, r = scatter_table(x, y)
    assert table["country_iso3"].tolist() == ["AAA", "BBB", "CCC", "DDD"]
    assert r == pytest.approx(np.corrcoef([1, 2, 3, 4], [2, 4, 5, 9])[0, 1])
    assert scatter_table(x.iloc[:2], y)[1] is None
    assert scatter_table(pd.DataFrame(), y)[0].columns.tolist() == ["country_iso3", "x", "y"]


# --- profile, provisional -----------------------------------------------------------------------


def test_profile_table_uses_each_cuts_latest_year():
    cols = "country_iso3 indicator_code year grade subject value se"
    frame = obs(
        [
            ("PER", "score_mean", 2013, 6, "reading", 700.0, None),
            ("PER", "score_mean", 2019, 6, "reading", 741.22, None),
            ("ARG", "score_mean", 2019, 6, "reading", 697.64, None),
            ("PER", "score_mean", 2013, 3, "reading", 690.0, None),  # PER's latest here: 2013
            ("ARG", "score_mean", 2013, 3, "reading", 710.0, None),
            ("ARG", "score_mean", 2019, 3, "reading", 720.0, None),
            ("PER", "ser_empathy", 2019, 6, None, 48.0, 0.2),
            ("ARG", "ser_empathy", 2019, 6, None, 51.0, 0.2),
            ("ARG", "ser_openness_diversity", 2019, 6, None, 50.0, 0.2),  # PER has none
        ],
        cols,
    )  # fmt: skip
    table = profile_table(frame, "PER")
    assert len(table) == 3
    grade3 = table[(table["indicator_code"] == "score_mean") & (table["grade"] == 3)].iloc[0]
    assert (grade3["year"], grade3["mean"], grade3["diff"], grade3["countries"]) == (2013, 700.0, -10.0, 2)
    ser = table[table["indicator_code"] == "ser_empathy"].iloc[0]
    # diff -1.5; diff_se = sqrt((1/2)^2 * 0.04 + (1/4) * 0.04) = sqrt(0.02) = 0.141421 -> below
    assert (
        pd.isna(ser["subject"])
        and ser["diff_se"] == pytest.approx(math.sqrt(0.02))
        and ser["verdict"] == "below"
    )
    assert profile_table(pd.DataFrame(), "PER").empty


@pytest.mark.parametrize(
    ("published_at", "start", "expected"),
    [
        (datetime(2026, 11, 26, 0, 5, tzinfo=UTC), date(2026, 11, 26), True),
        (pd.Timestamp("2026-11-27 17:00", tz="UTC"), date(2026, 11, 26), True),
        (datetime(2026, 11, 25, 23, 59, tzinfo=UTC), date(2026, 11, 26), False),
        (datetime(2026, 11, 27, tzinfo=UTC), None, False),
        (None, date(2026, 11, 26), False),
        (pd.NaT, date(2026, 11, 26), False),
    ],
)
def test_is_provisional(published_at, start, expected):
    assert is_provisional(published_at, start) is expected


# --- the real sample meeting --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_engine(tmp_path_factory: pytest.TempPathFactory):
    """The sample meeting, seeded once for this module the way `manage.py seed` does it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ENCUENTRO_DATA_DIR", str(tmp_path_factory.mktemp("sample")))
        tasks = Tasks.from_environment()
        assert tasks.seed() == 0
    yield tasks.engine
    tasks.engine.dispose()


def test_sample_reading_grade_6(sample_engine):
    frame = list_observations(
        sample_engine, indicator_code="score_mean", year=2019, grade=6, subject="reading", group="total"
    )
    cmp = compare_to_region(frame)
    assert cmp.countries == frame["country_iso3"].nunique() == len(frame) == 16
    assert row(cmp.table, "PER")["value"] == 741.22
    assert cmp.mean == pytest.approx(sum(frame["value"]) / len(frame))
    assert set(cmp.table["verdict"]) == {"none"}  # the sample has no standard errors


def test_sample_ser_empathy_uses_published_intervals(sample_engine):
    frame = list_observations(sample_engine, indicator_code="ser_empathy")
    table = compare_to_region(frame).table.set_index("country_iso3")
    published = frame.set_index("country_iso3").loc[table.index]
    assert table["lo"].tolist() == published["ci_low"].tolist()
    assert table["hi"].tolist() == published["ci_high"].tolist()
    width = published["ci_high"] - published["ci_low"]
    assert table["se_used"].tolist() == pytest.approx((width / (2 * Z95)).tolist())
    assert "none" not in set(table["verdict"])

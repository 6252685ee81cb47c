"""Chart captions in the reader's language, which also serve as each chart's accessible text.

Layer: data_access. Built only from numbers, codes and catalogue names, never from typed text.
"""

from __future__ import annotations

import pandas as pd
from babel import Locale

from data_access.core.catalogues import GROUPS, SUBJECTS, country_name, default_indicators
from data_access.core.formatting import BABEL_LOCALES, format_number
from data_access.core.i18n import t
from data_access.stats.comparisons import MIN_LEVEL, PAIRS, Comparison
from data_access.stats.direction import GOOD_WHEN_HIGH, Direction, higher_is_better, oriented, tone

DECIMALS = {"count": 0}
ROMAN = ("I", "II", "III", "IV")


def format_value(value: float | None, unit: str, lang: str) -> str:
    """A figure as a caption writes it: one decimal (none for counts), percent with its sign."""
    text = format_number(value, lang, DECIMALS.get(unit, 1))
    return t("charts.unit.percent", lang, value=text) if unit == "percent" else text


def signed_value(value: float, unit: str, lang: str) -> str:
    """A change or gap with its sign, so a rise never reads like a level."""
    return ("+" if value > 0 else "") + format_value(value, unit, lang)


def countries_text(count: int, lang: str) -> str:
    """ "1 país", "16 países": CLDR's plural rule for the language (Babel) picks the form."""
    form = Locale.parse(BABEL_LOCALES.get(lang, "es")).plural_form(count)
    return t(f"charts.countries.{'one' if form == 'one' else 'other'}", lang, n=count)


def verdict_label(verdict: str, lang: str, higher: bool | None = None) -> str:
    """The legend label of a verdict (above, same, below, none, up, down, significant, ...); with the
    indicator's direction (HIGHER is better or not), a tested difference says better or worse (the
    chart shows above or below: the side of the mean rule, the bar's direction), a change says both."""
    if higher is not None and verdict in ("above", "below"):
        return t(f"charts.verdict.{tone(verdict, higher)}", lang)
    if higher is not None and verdict in GOOD_WHEN_HIGH:
        return t(f"charts.verdict.{verdict}_{tone(verdict, higher)}", lang)
    return t(f"charts.verdict.{verdict}", lang)


def _extremes(table: pd.DataFrame, column: str, lang: str) -> tuple[str, float, str, float]:
    """Name and value of the highest and lowest country on COLUMN."""
    ordered = table.sort_values([column, "country_iso3"], ascending=[False, True], kind="stable")
    top, bottom = ordered.iloc[0], ordered.iloc[-1]
    return (
        country_name(top["country_iso3"], lang),
        float(top[column]),
        country_name(bottom["country_iso3"], lang),
        float(bottom[column]),
    )


def _ranking_summary(cmp: Comparison, indicator_name: str, unit: str, lang: str) -> str:
    """Count, highest, lowest and the regional mean of one comparison."""
    top, top_value, bottom, bottom_value = _extremes(cmp.table, "value", lang)
    return t(
        "charts.ranking.summary", lang, indicator=indicator_name, top=top,
        countries=countries_text(cmp.countries, lang), top_value=format_value(top_value, unit, lang),
        bottom=bottom,
        bottom_value=format_value(bottom_value, unit, lang), mean=format_value(cmp.mean, unit, lang),
    )  # fmt: skip


def missing_sentence(mine: str, lang: str) -> str:
    """MINE has no figure in this view: said rather than left to be noticed."""
    return t("charts.focus.missing", lang, country=country_name(mine, lang))


def focus_sentence(cmp: Comparison, focus: str, unit: str, lang: str, higher: Direction = True) -> str:
    """Where FOCUS stands against the regional mean, tested when it can be."""
    rows = cmp.table[cmp.table["country_iso3"] == focus]
    if rows.empty:
        return missing_sentence(focus, lang)
    row = rows.iloc[0]
    verdict = row["verdict"]
    judged = ""
    if verdict in GOOD_WHEN_HIGH and higher is not None:  # neither way better: no judgement
        judged = f" {t(f'charts.focus.tone.{tone(verdict, higher)}', lang)}"
    if verdict == "none":
        diff = float(row["diff"])
        verdict = "above_untested" if diff > 0 else "below_untested" if diff < 0 else "equal_untested"
    return t(
        f"charts.focus.{verdict}", lang, country=country_name(focus, lang),
        value=format_value(float(row["value"]), unit, lang), mean=format_value(cmp.mean, unit, lang),
    ) + judged  # fmt: skip


def _direction_sentence(cmp: Comparison, unit: str, lang: str, higher: Direction) -> str:
    """For a lower-is-better indicator, who has the most favourable (lowest) figure."""
    if higher is not False:
        return ""
    _, _, best, best_value = _extremes(cmp.table, "value", lang)
    return " " + t("charts.direction.lower", lang, best=best, best_value=format_value(best_value, unit, lang))


def caption_ranking(
    cmp: Comparison,
    indicator_name: str,
    unit: str,
    lang: str,
    focus: str | None = None,
    higher: Direction = True,
) -> str:
    """Highest, lowest, the regional average, and where the focus country stands."""
    if cmp.table.empty or cmp.mean is None:
        return t("charts.no_data", lang)
    if cmp.countries == 1:
        row = cmp.table.iloc[0]
        return t(
            "charts.ranking.single", lang, indicator=indicator_name,
            country=country_name(row["country_iso3"], lang), value=format_value(row["value"], unit, lang),
        )  # fmt: skip
    focus = focus or str(cmp.table.iloc[0]["country_iso3"])
    summary = _ranking_summary(cmp, indicator_name, unit, lang) + _direction_sentence(cmp, unit, lang, higher)
    return f"{summary} {focus_sentence(cmp, focus, unit, lang, higher)}"


def caption_map(cmp: Comparison, indicator_name: str, unit: str, lang: str, higher: Direction = True) -> str:
    """The ranking summary, plus how countries without data are drawn."""
    if cmp.table.empty or cmp.mean is None:
        return t("charts.no_data", lang)
    if cmp.countries == 1:
        return f"{caption_ranking(cmp, indicator_name, unit, lang)} {t('charts.map.note', lang)}"
    summary = _ranking_summary(cmp, indicator_name, unit, lang) + _direction_sentence(cmp, unit, lang, higher)
    return f"{summary} {t('charts.map.note', lang)}"


def significance_sentence(verdicts: pd.Series, key: str, labels: dict[str, str], lang: str) -> str:
    """Counts of tested verdicts under KEY, or the no-test sentence when none could be tested."""
    tested = verdicts[verdicts != "none"]
    if tested.empty:
        return t("charts.untested", lang)
    counts = {name: int((tested == verdict).sum()) for name, verdict in labels.items()}
    return t(key, lang, tested=len(tested), **counts)


def _regional_sentence(regional: pd.DataFrame, indicator_name: str, unit: str, lang: str) -> str:
    """The regional average in the first and last year, over the same countries."""
    ordered = regional.sort_values("year")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    return t(
        "charts.trend.regional", lang, indicator=indicator_name, count=int(last["countries"]),
        first=format_value(first["mean"], unit, lang), first_year=int(first["year"]),
        last=format_value(last["mean"], unit, lang), last_year=int(last["year"]),
    )  # fmt: skip


def _changes_sentence(changes: pd.DataFrame, unit: str, lang: str) -> str:
    """How many countries rose or fell, and the range of their changes."""
    top, top_change, bottom, bottom_change = _extremes(changes, "change", lang)
    return t(
        "charts.trend.changes", lang, count=len(changes), rose=int((changes["change"] > 0).sum()),
        fell=int((changes["change"] < 0).sum()), top=top, top_change=signed_value(top_change, unit, lang),
        bottom=bottom, bottom_change=signed_value(bottom_change, unit, lang),
    )  # fmt: skip


def _one_change(changes: pd.DataFrame, unit: str, lang: str) -> str:
    """One country's first and last figure and the change between them."""
    row = changes.iloc[0]
    return t(
        "charts.trend.single", lang, country=country_name(row["country_iso3"], lang),
        first=format_value(row["first"], unit, lang), first_year=int(row["first_year"]),
        last=format_value(row["last"], unit, lang), last_year=int(row["last_year"]),
        change=signed_value(float(row["change"]), unit, lang),
    )  # fmt: skip


def caption_trend(
    changes: pd.DataFrame,
    regional: pd.DataFrame,
    indicator_name: str,
    unit: str,
    lang: str,
    higher: Direction = True,
) -> str:
    """The regional average over time, the spread of country changes, and what was tested."""
    if changes.empty and regional.empty:
        return t("charts.no_data", lang)
    parts = [_regional_sentence(regional, indicator_name, unit, lang)] if len(regional) >= 2 else []
    if changes.empty:
        return " ".join(parts) or t("charts.trend.one_year", lang, indicator=indicator_name)
    parts.append(
        _changes_sentence(changes, unit, lang) if len(changes) > 1 else _one_change(changes, unit, lang)
    )
    labels = {"up": "up", "down": "down", "same": "same"}
    parts.append(significance_sentence(changes["verdict"], "charts.trend.tested", labels, lang))
    if higher is False:
        parts.append(t("charts.direction.lower_trend", lang))
    return " ".join(parts)


def caption_gaps(
    gaps: pd.DataFrame, pair: str | tuple[str, str], indicator_name: str, unit: str, lang: str
) -> str:
    """The range of gaps, how many countries favour each side, and what was tested."""
    if gaps.empty:
        return t("charts.no_data", lang)
    group_a, group_b = PAIRS[pair] if isinstance(pair, str) else pair
    label_a, label_b = GROUPS[group_a][lang], GROUPS[group_b][lang]
    top, top_gap, bottom, bottom_gap = _extremes(gaps, "gap", lang)
    summary = t(
        "charts.gaps.summary", lang, indicator=indicator_name, label_a=label_a, label_b=label_b,
        countries=countries_text(len(gaps), lang), top=top, top_gap=signed_value(top_gap, unit, lang),
        bottom=bottom,
        bottom_gap=signed_value(bottom_gap, unit, lang), higher_b=int((gaps["gap"] > 0).sum()),
        higher_a=int((gaps["gap"] < 0).sum()),
    )  # fmt: skip
    labels = {"significant": "significant"}
    return f"{summary} {significance_sentence(gaps['verdict'], 'charts.gaps.tested', labels, lang)}"


def caption_levels(at_or_above: pd.DataFrame, grade: int, lang: str) -> str:
    """The share at or above the minimum level, naming the rule for this grade."""
    if at_or_above.empty:
        return t("charts.no_data", lang)
    top, top_value, bottom, bottom_value = _extremes(at_or_above, "at_or_above", lang)
    return t(
        "charts.levels.summary", lang, level=ROMAN[MIN_LEVEL[int(grade)] - 1], grade=int(grade),
        countries=countries_text(len(at_or_above), lang), top=top,
        top_value=format_value(top_value, "percent", lang),
        bottom=bottom, bottom_value=format_value(bottom_value, "percent", lang),
        mean=format_value(float(at_or_above["at_or_above"].mean()), "percent", lang),
    )  # fmt: skip


def column_label(column: str, lang: str) -> str:
    """A heatmap column's name from the shipped catalogue: "score_mean|reading" -> "Mean score · Reading"."""
    code, _, subject = column.partition("|")
    names = {i.code: getattr(i, f"name_{lang}", i.name_es) for i in default_indicators()}
    name = names.get(code, code)
    return f"{name} · {SUBJECTS[subject][lang]}" if subject in SUBJECTS else name


def caption_heatmap(table: pd.DataFrame, lang: str, directions: dict[str, Direction] | None = None) -> str:
    """How many countries and columns, and the cells furthest above and below their column mean."""
    if table.empty:
        return t("charts.no_data", lang)
    codes = table["column"].str.partition("|")[0]
    favourable = oriented(table["std_diff"], codes.map(lambda code: higher_is_better(code, directions)))
    if favourable.isna().all():  # only indicators where neither way is better: furthest from the mean
        favourable = table["std_diff"]
    top, bottom = table.loc[favourable.idxmax()], table.loc[favourable.idxmin()]

    def label(row: pd.Series) -> str:
        return str(row["column_label"]) if "column_label" in row else column_label(row["column"], lang)

    return t(
        "charts.heatmap.summary", lang, countries=table["country_iso3"].nunique(),
        columns=table["column"].nunique(), top=country_name(top["country_iso3"], lang),
        top_column=label(top), top_std=signed_value(float(favourable[top.name]), "index", lang),
        bottom=country_name(bottom["country_iso3"], lang), bottom_column=label(bottom),
        bottom_std=signed_value(float(favourable[bottom.name]), "index", lang),
    )  # fmt: skip


def _strength(r: float) -> str:
    """A plain-words reading of Pearson's r (0.1, 0.3 and 0.5 as the usual thresholds)."""
    size = abs(r)
    if size < 0.1:
        return "negligible"
    level = "weak" if size < 0.3 else "moderate" if size < 0.5 else "strong"
    return f"{level}_{'positive' if r > 0 else 'negative'}"


def caption_scatter(
    table: pd.DataFrame, r: float | None, x_name: str, y_name: str, lang: str, fit: bool | None = None
) -> str:
    """How many countries have both figures and how strongly they go together; FIT: whether the
    correlation is significant, so whether a fitted line is drawn (None: not said)."""
    if table.empty:
        return t("charts.no_data", lang)
    if r is None:
        return t("charts.scatter.too_few", lang, x=x_name, y=y_name, count=len(table))
    summary = t(
        "charts.scatter.summary", lang, x=x_name, y=y_name, count=len(table),
        r=format_number(r, lang, 2), strength=t(f"charts.strength.{_strength(r)}", lang),
    )  # fmt: skip
    if fit is None:
        return summary
    key = "charts.scatter.fit_significant" if fit else "charts.scatter.fit_not_significant"
    return f"{summary} {t(key, lang)}"

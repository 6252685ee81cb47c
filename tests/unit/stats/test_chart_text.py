"""Chart captions: whole sentences in es, pt and en, numbers formatted for the reader."""

from __future__ import annotations

import pandas as pd
import pytest

from data_access.core.i18n import t
from data_access.stats.chart_text import (
    caption_gaps,
    caption_heatmap,
    caption_levels,
    caption_map,
    caption_ranking,
    caption_scatter,
    caption_trend,
    column_label,
    countries_text,
    focus_sentence,
    format_value,
    verdict_label,
)
from data_access.stats.comparisons import (
    compare_to_region,
    gap_table,
    heatmap_table,
    regional_trend,
    scatter_table,
    trend_table,
)
from data_access.stats.direction import correlation_significant, oriented, tone, tones
from data_access.stats.mine_text import (
    caption_profile,
    mine_gap,
    mine_heatmap,
    mine_levels,
    mine_scatter,
    mine_trend,
)

LANGS = ("es", "pt", "en")


def obs(rows: list[tuple], columns: str = "country_iso3 value se") -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


# Mean (741.22 + 772.1 + 639.0) / 3 = 717.44; no standard errors.
UNTESTED = compare_to_region(obs([("PER", 741.22, None), ("CUB", 772.1, None), ("PAN", 639.0, None)]))
# Mean 526.667; PER diff 33.3 / 7 -> above; CUB diff -6.7 / 4.58 -> same (test_comparisons).
TESTED = compare_to_region(obs([("PER", 560.0, 10.0), ("CUB", 520.0, 4.0), ("PAN", 500.0, 5.0)]))
TREND = obs(
    [
        ("PER", 2013, 700.0, 3.0),
        ("PER", 2019, 741.22, 4.0),
        ("CUB", 2013, 780.0, None),
        ("CUB", 2019, 772.1, None),
    ],
    "country_iso3 year value se",
)
GAPS = gap_table(
    obs(
        [("PER", "female", 500.0, 3.0), ("PER", "male", 510.0, 4.0), ("CUB", "female", 600.0, None),
         ("CUB", "male", 590.0, None)],
        "country_iso3 group value se",
    ),
    "sex",
)  # fmt: skip
AT_OR_ABOVE = pd.DataFrame({"country_iso3": ["PER", "CUB"], "at_or_above": [49.0, 45.5]})
HEATMAP = heatmap_table(
    obs(
        [("PER", "score_mean", "reading", 741.22), ("CUB", "score_mean", "reading", 772.1),
         ("PAN", "score_mean", "reading", 639.0), ("PER", "ser_empathy", None, 48.21),
         ("CUB", "ser_empathy", None, 56.18), ("PAN", "ser_empathy", None, 49.19)],
        "country_iso3 indicator_code subject value",
    )
)  # fmt: skip
SCATTER, R = scatter_table(
    obs([("AAA", 1.0, None), ("BBB", 2.0, None), ("CCC", 3.0, None), ("DDD", 4.0, None)]),
    obs([("AAA", 2.0, None), ("BBB", 4.0, None), ("CCC", 5.0, None), ("DDD", 9.0, None)]),
)
PROFILE = pd.DataFrame({"diff": [1.0, -2.0, 3.0], "verdict": ["above", "none", "none"]})


def captions(lang: str) -> dict[str, str]:
    """Every caption function on its small hand-made case."""
    changes, regional = trend_table(TREND)[1], regional_trend(TREND)
    return {
        "ranking": caption_ranking(UNTESTED, "Mean score", "score", lang, focus="PER"),
        "ranking_tested": caption_ranking(TESTED, "Mean score", "score", lang),
        "ranking_same": caption_ranking(TESTED, "Mean score", "score", lang, focus="CUB"),
        "map": caption_map(UNTESTED, "Mean score", "score", lang),
        "trend": caption_trend(changes, regional, "Mean score", "score", lang),
        "gaps": caption_gaps(GAPS, "sex", "Mean score", "score", lang),
        "levels": caption_levels(AT_OR_ABOVE, 6, lang),
        "heatmap": caption_heatmap(HEATMAP, lang),
        "scatter": caption_scatter(SCATTER, R, "Mean score", "Empathy", lang),
        "profile": caption_profile(PROFILE, "PER", lang),
    }


EXPECTED = {
    ("es", "ranking"): (
        "Mean score, 3 países: el más alto es Cuba con 772,1 y el más bajo Panamá con 639,0; "
        "promedio regional 717,4. Perú: 741,2, por encima del promedio regional de 717,4 "
        "(sin error estándar no hay prueba de significación)."
    ),
    ("en", "ranking"): (
        "Mean score, 3 countries: highest Cuba 772.1, lowest Panama 639.0; regional average 717.4. "
        "Peru: 741.2, above the regional average of 717.4 (no significance test without a standard error)."
    ),
    ("en", "ranking_tested"): (
        "Mean score, 3 countries: highest Peru 560.0, lowest Panama 500.0; regional average 526.7. "
        "Peru: 560.0, significantly above the regional average of 526.7. For this indicator, that is better."
    ),
    ("pt", "ranking_same"): (
        "Mean score, 3 países: o mais alto é Peru com 560,0 e o mais baixo Panamá com 500,0; "
        "média regional 526,7. Cuba: 520,0, sem diferença significativa em relação à média regional de 526,7."
    ),
    ("en", "map"): (
        "Mean score, 3 countries: highest Cuba 772.1, lowest Panama 639.0; regional average 717.4. "
        "Countries without data are shown in grey."
    ),
    # Regional: (700 + 780) / 2 = 740.0 -> (741.22 + 772.1) / 2 = 756.66; PER +41.22, CUB -7.9.
    ("es", "trend"): (
        "Mean score: el promedio regional de los 2 países con datos en todos los años pasó de "
        "740,0 en 2013 a 756,7 en 2019. De 2 países con al menos dos años, 1 subieron y 1 bajaron; "
        "los cambios van de Cuba (-7,9) a Perú (+41,2). Con error estándar: 1 aumentos significativos, "
        "0 descensos significativos y 0 sin cambio significativo."
    ),
    ("en", "gaps"): (
        "Mean score, gap Boys minus Girls in 2 countries: from Cuba (-10.0) to Peru (+10.0). "
        "The figure is higher for Boys in 1 of them and for Girls in 1. "
        "1 of the 1 gaps with a standard error are statistically significant."
    ),
    # (49.0 + 45.5) / 2 = 47.25 -> 47.2 (CLDR rounds half to even).
    ("es", "levels"): (
        "Porcentaje de estudiantes en el nivel III o superior (nivel mínimo de competencia) en "
        "6.º grado, 2 países: el más alto es Perú con 49,0 % y el más bajo Cuba con 45,5 %; "
        "promedio regional 47,2 %."
    ),
    # Empathy: mean 51.193, sd 3.5539 -> CUB +1.40; reading: PAN diff -78.44 / 55.94 -> -1.40.
    ("en", "heatmap"): (
        "3 countries and 2 indicators; each cell in standard deviations from its column's regional "
        "average, signed towards better (blue) or worse (orange) as the indicator reads. Most favourable: "
        "Cuba in Empathy (+1.4); least favourable: Panama in Mean score · Reading (-1.4)."
    ),
    ("pt", "scatter"): (
        "Mean score versus Empathy em 4 países: correlação de Pearson r = 0,96 (forte e positiva)."
    ),
    ("en", "profile"): (
        "Peru on 3 indicators, each at its latest year: better than the regional average on 2 and worse "
        "on 1 (each indicator read its own way: at level I, for instance, lower is better). "
        "Of the 1 with a standard error, 1 are significantly better and 0 significantly worse."
    ),
}

# A number each caption must show, as the reader's language writes it.
NUMBERS = {
    "ranking": {"es": "741,2", "pt": "741,2", "en": "741.2"},
    "ranking_tested": {"es": "526,7", "pt": "526,7", "en": "526.7"},
    "ranking_same": {"es": "520,0", "pt": "520,0", "en": "520.0"},
    "map": {"es": "717,4", "pt": "717,4", "en": "717.4"},
    "trend": {"es": "+41,2", "pt": "+41,2", "en": "+41.2"},
    "gaps": {"es": "-10,0", "pt": "-10,0", "en": "-10.0"},
    "levels": {"es": "49,0 %", "pt": "49,0%", "en": "49.0%"},
    "heatmap": {"es": "+1,4", "pt": "+1,4", "en": "+1.4"},
    "scatter": {"es": "0,96", "pt": "0,96", "en": "0.96"},
    "profile": {"es": "Perú", "pt": "Peru", "en": "Peru"},
}


@pytest.mark.parametrize(("lang", "name"), sorted(EXPECTED))
def test_exact_sentence(lang, name):
    assert captions(lang)[name] == EXPECTED[(lang, name)]


@pytest.mark.parametrize("lang", LANGS)
def test_every_caption_is_a_formatted_sentence_in_every_language(lang):
    for name, text in captions(lang).items():
        assert text.strip() and text.endswith("."), (lang, name, text)
        assert NUMBERS[name][lang] in text, (lang, name, text)
        assert "{" not in text and "nan" not in text.lower(), (lang, name, text)


@pytest.mark.parametrize("lang", LANGS)
def test_empty_tables_say_there_is_no_data(lang):
    empty_cmp = compare_to_region(pd.DataFrame())
    no_data = t("charts.no_data", lang)
    assert caption_ranking(empty_cmp, "x", "score", lang) == no_data
    assert caption_map(empty_cmp, "x", "score", lang) == no_data
    assert caption_trend(pd.DataFrame(), pd.DataFrame(), "x", "score", lang) == no_data
    assert caption_gaps(gap_table(pd.DataFrame(), "sex"), "sex", "x", "score", lang) == no_data
    assert caption_levels(pd.DataFrame(), 3, lang) == no_data
    assert caption_heatmap(heatmap_table(pd.DataFrame()), lang) == no_data
    assert caption_scatter(pd.DataFrame(), None, "x", "y", lang) == no_data
    assert caption_profile(pd.DataFrame(), "PER", lang) == no_data


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("es", "Mean score: solo Perú tiene datos (741,2), así que no hay comparación regional."),
        ("en", "Mean score: only Peru has data (741.2), so there is no regional comparison."),
    ],
)
def test_single_country_and_missing_focus(lang, expected):
    single = compare_to_region(obs([("PER", 741.22, None)]))
    assert caption_ranking(single, "Mean score", "score", lang) == expected
    assert caption_ranking(TESTED, "Mean score", "score", lang, focus="MEX").endswith(
        t("charts.focus.missing", lang, country="México" if lang == "es" else "Mexico")
    )


def test_too_few_for_a_correlation_and_one_year_trend():
    assert caption_scatter(SCATTER.iloc[:2], None, "A", "B", "en") == (
        "A against B: countries with both figures: 2, too few for a correlation."
    )
    one_year = obs([("PER", 2019, 741.22, None)], "country_iso3 year value se")
    assert caption_trend(trend_table(one_year)[1], regional_trend(one_year), "X", "score", "en") == (
        "X: there are data for one year only, so there is no trend to show."
    )


def test_untested_gaps_and_trends_say_so():
    untested = GAPS[GAPS["verdict"] == "none"]
    assert caption_gaps(untested, "sex", "X", "score", "en").endswith(t("charts.untested", "en"))
    changes = trend_table(TREND)[1]
    no_se = changes[changes["verdict"] == "none"]
    assert caption_trend(no_se, pd.DataFrame(), "X", "score", "pt").endswith(t("charts.untested", "pt"))


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (741.22, "score", "es", "741,2"),
        (45.25, "percent", "es", "45,2 %"),
        (45.35, "percent", "en", "45.4%"),
        (1234.0, "count", "pt", "1.234"),
        (None, "index", "en", "–"),
    ],
)
def test_format_value(value, unit, lang, expected):
    assert format_value(value, unit, lang) == expected


@pytest.mark.parametrize(
    "verdict", ["above", "same", "below", "none", "up", "down", "significant", "not_significant"]
)
def test_every_verdict_has_a_label(verdict):
    assert all(verdict_label(verdict, lang) for lang in LANGS)


def test_column_label_from_the_catalogue():
    assert column_label("score_mean|reading", "es") == "Puntaje promedio · Lectura"
    assert column_label("ser_empathy", "en") == "Empathy"


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [("es", "1 país", "16 países"), ("pt", "1 país", "16 países"), ("en", "1 country", "16 countries")],
)
def test_country_counts_take_the_languages_plural_form(lang, one, many):
    assert (countries_text(1, lang), countries_text(16, lang)) == (one, many)


def test_a_lower_is_better_indicator_reads_the_other_way() -> None:
    """A share at level I: the highest is the least favourable, above the region is worse."""
    caption = caption_ranking(TESTED, "Level I", "percent", "en", focus="PER", higher=False)
    assert "For this indicator lower is better: the most favourable figure is Panama's (500.0%)." in caption
    assert caption.endswith(
        "significantly above the regional average of 526.7%. For this indicator, that is worse."
    )
    assert verdict_label("above", "en", higher=False) == "Significantly worse"
    assert verdict_label("below", "es", higher=False) == "Significativamente mejor"
    assert verdict_label("down", "pt", higher=True) == "Queda significativa: piora"
    assert verdict_label("none", "en", higher=False) == "Not tested (no standard error)"


def test_a_lower_is_better_column_turns_the_heatmap_sentence() -> None:
    """Read as a share at level I, Cuba's high reading figure (+1.0 SD) is the least favourable cell."""
    flipped = HEATMAP.assign(column=HEATMAP["column"].str.replace("score_mean", "level_1_pct"))
    caption = caption_heatmap(flipped, "en")
    assert caption.endswith("least favourable: Cuba in Performance level I · Reading (-1.0).")


@pytest.mark.parametrize(
    ("r", "n", "significant"),
    [
        (0.09, 16, False),
        (0.5, 16, True),
        (0.45, 16, False),
        (0.96, 4, False),
        (0.999, 5, True),
        (None, 10, False),
    ],
)
def test_a_correlation_is_significant_at_five_percent(r: float | None, n: int, significant: bool) -> None:
    # Fisher's z: atanh(0.5) * sqrt(13) = 1.98 > 1.96; atanh(0.45) * sqrt(13) = 1.75; atanh(0.96) * 1 = 1.95.
    assert correlation_significant(r, n) is significant


def test_the_scatter_caption_says_whether_the_line_is_drawn() -> None:
    assert caption_scatter(SCATTER, R, "X", "Y", "en", fit=False).endswith(
        "No fitted line: the correlation is not significant (5%)."
    )
    assert caption_scatter(SCATTER, R, "X", "Y", "es", fit=True).endswith("es significativa (5 %).")


def test_tones_follow_each_rows_direction() -> None:
    verdicts = pd.Series(["above", "above", "below", "same", "none"])
    higher = pd.Series([True, False, False, False, True])
    assert list(tones(verdicts, higher)) == ["better", "worse", "better", "same", "none"]
    assert tone("up", False) == "worse" and tone("significant", True) == "significant"
    assert list(oriented(pd.Series([1.0, -2.0]), pd.Series([True, False]))) == [1.0, 2.0]


def test_my_country_gets_a_sentence_in_every_chart_kind() -> None:
    """Each kind says where the reader's own country (Peru) stands, in each language."""
    changes = trend_table(TREND)[1]
    scatter = SCATTER.assign(country_iso3=["AAA", "PER", "CCC", "DDD"])
    sentences = {
        lang: [
            focus_sentence(TESTED, "PER", "score", lang),
            mine_trend(changes, "PER", "score", lang),
            mine_gap(GAPS, "PER", "sex", "score", lang),
            mine_levels(AT_OR_ABOVE, "PER", 6, lang),
            mine_heatmap(HEATMAP, "PER", lang),
            mine_scatter(scatter, "PER", "X", "Y", lang),
        ]
        for lang in LANGS
    }
    for texts in sentences.values():
        assert all(text.startswith(("Perú", "Peru")) for text in texts), texts
    es = sentences["es"]
    assert es[1] == "Perú pasó de 700,0 en 2013 a 741,2 en 2019 (+41,2; aumento significativo: mejora)."
    assert es[2] == "Perú: brecha Niños menos Niñas de +10,0 (brecha significativa)."  # 10 / 5 = 2 SE
    assert es[3] == "Perú: 49,0 % en el nivel III o más (promedio regional 47,2 %)."
    assert es[4] == "Perú: mejor que el promedio regional en 1 de 2 columnas y peor en 1."
    assert es[5] == "Perú: X 2,0; Y 4,0."
    assert sentences["en"][3] == "Peru: 49.0% at level III or above (regional average 47.2%)."


def test_a_country_without_a_figure_is_named_as_missing() -> None:
    changes = trend_table(TREND)[1]
    for text in (
        mine_trend(changes, "CHL", "score", "es"),
        mine_gap(GAPS, "CHL", "sex", "score", "es"),
        mine_levels(AT_OR_ABOVE, "CHL", 6, "es"),
        mine_heatmap(HEATMAP, "CHL", "es"),
        mine_scatter(SCATTER, "CHL", "X", "Y", "es"),
    ):
        assert text == t("charts.focus.missing", "es", country="Chile")


def test_neither_way_better_reads_above_and_below_with_no_judgement() -> None:
    """An indicator whose direction is neither: tested differences say above or below, never
    better or worse; its colours are neutral tones; it counts for no side of the heatmap."""
    verdicts = pd.Series(["above", "below", "same", "up"])
    assert list(tones(verdicts, None)) == ["higher", "lower", "same", "higher"]
    assert verdict_label("above", "es", None) == t("charts.verdict.above", "es")
    assert oriented(pd.Series([1.0, -2.0]), None).isna().all()
    caption = caption_ranking(TESTED, "Nivel II", "percent", "es", focus="PER", higher=None)
    assert "mejor" not in caption and "peor" not in caption and "significativamente por encima" in caption
    assert (
        caption
        == caption_ranking(TESTED, "Nivel II", "percent", "es", focus="PER", higher=True).split(
            " En este indicador"
        )[0]
    )

"""The overview through AppTest: the sample meeting at a glance, in es, pt and en."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access.core.formatting import format_number
from data_access.core.i18n import load_texts, t

ROOT = Path(__file__).resolve().parents[2]

ERCE_2019_COUNTRIES = 16


def run_overview(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def visible_texts(at: AppTest) -> list[str]:
    """Every string a person reads on the page, as AppTest exposes it."""
    texts = [e.value for kind in ("title", "subheader", "caption", "markdown", "info") for e in at.get(kind)]
    texts += [m.label for m in at.metric] + [str(m.delta or "") for m in at.metric]
    texts += [s.label for s in at.selectbox]
    texts += [str(c) for tb in at.table for c in tb.value.columns]
    texts += [link.proto.label for link in at.get("page_link")]
    return [x for x in texts if x]


def test_overview_in_spanish_by_default():
    at = run_overview()
    assert at.title[0].value == t("overview.title", "es")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("overview.countries_latest", "es", year=2019)] == str(ERCE_2019_COUNTRIES)
    table = at.table[0].value
    countries = table[t("overview.col_country", "es")].tolist()
    assert "Perú" in countries and "Brasil" in countries and "México" in countries
    with_2019 = table[table[t("overview.col_cycles", "es")].str.contains("2019")]
    assert len(with_2019) == ERCE_2019_COUNTRIES


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_every_visible_string_changes_with_the_language(lang):
    """No Spanish-only text is left on the page in pt or en."""
    at = run_overview(lang)
    texts = load_texts().values()
    # a Spanish text that is also some text in LANG ("Encuentro", the app's name) proves nothing
    spanish_only = {e["es"] for e in texts if "{" not in e["es"]} - {e[lang] for e in texts}
    leftovers = [text for text in visible_texts(at) if text in spanish_only]
    assert leftovers == []
    assert at.title[0].value == t("overview.title", lang)
    names = at.table[0].value[t("overview.col_country", lang)].tolist()
    assert ("Peru" in names) and (("Brasil" in names) if lang == "pt" else ("Brazil" in names))


def test_headline_regional_figure_is_the_mean_of_country_figures():
    """Checked against the LLECE file itself, not against the store."""
    llece = ROOT.parent / "shared" / "data" / "llece" / "national_levels_scores_terce2013_erce2019.csv"
    if not llece.exists():
        pytest.skip(f"{llece} is not here")
    source = pd.read_csv(llece)
    rows = source[
        (source["materia"] == "Lectura") & (source["grado"] == 6) & (source["parametro"] == "Todos")
    ]
    expected = rows["ERCE_puntaje_promedio"].dropna()
    at = run_overview("en")
    reading = next(m for m in at.metric if m.label == "Reading")
    assert len(expected) == ERCE_2019_COUNTRIES
    assert reading.value == format_number(expected.mean(), "en", 1)


def test_overview_shows_the_meeting_set_by_organizers(app_store):
    from datetime import date

    from components.charts.panel import escape_markdown
    from data_access.core.actors import CLI_ACTOR
    from data_access.core.store import make_engine
    from data_access.meeting.meeting_settings import MeetingInfo, save_meeting_settings

    engine = make_engine(f"sqlite:///{app_store / 'encuentro.db'}")
    info = MeetingInfo(
        "VI Reunión de evaluación <b>LLECE</b>", "Lima", date(2026, 11, 26), date(2026, 11, 27)
    )
    save_meeting_settings(engine=engine, actor=CLI_ACTOR, info=info)
    engine.dispose()
    at = run_overview("es")
    assert at.title[0].value == escape_markdown(info.name)  # the name as typed, never as markup
    assert any(e.value == "Lima · 26–27 nov 2026" for e in at.get("text"))

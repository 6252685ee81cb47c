"""One chart as people get it: a caption written from the data, the chart, its table, its
sources, downloads of exactly what is shown, and what the indicator measures.

Layer: components. Images and workbooks are made only when a download is clicked (a callable
given to st.download_button), so a rerun never pays for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.dataframe_util import convert_pandas_df_to_arrow_table

from components.charts.cuts import SOURCE_COLUMNS
from components.charts.matrices import to_page_spec, to_spec
from components.shell.data import data_version, load_indicators
from data_access.core.catalogues import direction_name
from data_access.core.formatting import format_table_number
from data_access.core.i18n import t
from data_access.reports.chart_export import (
    frame_to_csv,
    frames_to_xlsx,
    spec_to_png,
    spec_to_svg,
    titled_spec,
)
from data_access.reports.open_data import API

# What can make a link, emphasis, code, HTML, a table or math in Streamlit's markdown
MARKDOWN_SPECIAL = frozenset("\\`*_[]<>#|~$")
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ChartBundle:
    """What a chart page shows; TABLE and SOURCES already carry translated headers."""

    name: str  # file name stem of the downloads
    caption: str
    title: str = ""  # what the chart shows ("Ranking: Mean score · Grade 6 · Reading · 2019")
    chart: alt.TopLevelMixin | None = None
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: tuple[str, ...] = ()  # a rule, a provisional warning: plain text from our catalogue
    mine: tuple[str, str] | None = None  # (TABLE's column, the reader's own country as written there)
    figure_columns: tuple[str, ...] = ()  # TABLE's columns written as text figures: aligned right
    spec: dict | None = None  # the chart's full Vega-Lite spec (downloads, report): full_spec()
    page_spec: dict | None = None  # the same as the browser gets it (Arrow tables, boundaries by URL)
    table_arrow: pa.Table | None = None  # TABLE and SOURCES as st.dataframe sends them
    sources_arrow: pa.Table | None = None
    api: str = ""  # the open data API's query for these figures (figures_query), "" for none

    @property
    def empty(self) -> bool:
        return self.chart is None or self.table.empty

    def prepared(self, lang: str = "") -> ChartBundle:
        """This bundle with its page spec and tables already in the Arrow form Streamlit sends,
        ready to be shared across sessions unchanged (a rerun only copies bytes); with LANG, the
        table's figures written as that language writes them ("" leaves them numbers)."""
        if self.chart is not None and self.page_spec is None:
            self.page_spec = to_page_spec(self.chart)
            self.table_arrow = to_arrow(localized(marked(self.table, self.mine), lang))
            self.figure_columns = tuple(fractional_columns(self.table)) if lang else ()
            self.sources_arrow = to_arrow(self.sources)
        return self

    def full_spec(self) -> dict:
        """The spec with its values and boundaries inline, for images and the report: built on
        first use only (a download click), then kept."""
        if self.spec is None and self.chart is not None:
            self.spec = to_spec(self.chart)
        return self.spec or {}


MINE_MARK = "★ "


def marked(table: pd.DataFrame, mine: tuple[str, str] | None) -> pd.DataFrame:
    """TABLE as shown on the page: the reader's own country's row starred (the downloads stay
    plain data)."""
    if mine is None or mine[0] not in table.columns:
        return table
    column, name = mine
    out = table.copy()
    out[column] = [f"{MINE_MARK}{value}" if value == name else value for value in out[column]]
    return out


def fractional_columns(table: pd.DataFrame) -> list[str]:
    """The columns of figures with decimals, which a page writes in its language."""
    return [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]


def localized(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """TABLE as shown on the page: fractional figures written with LANG's decimal mark (a browser
    would use its own locale's); whole numbers (years, versions) stay as they are."""
    columns = fractional_columns(table) if lang else []
    if not columns:
        return table
    out = table.copy()
    for column in columns:
        out[column] = [format_table_number(v, lang) for v in out[column]]
    return out


def source_lines(sources: pd.DataFrame) -> list[str]:
    """The distinct sources cited behind a chart, one line each (the images carry them)."""
    if sources.empty:
        return []
    column = sources.columns[SOURCE_COLUMNS.index("source")]
    return [str(s) for s in dict.fromkeys(sources[column]) if str(s)]


def image_spec(bundle: ChartBundle) -> dict:
    """The chart as exported: its full spec with a title and its sources."""
    return titled_spec(bundle.full_spec(), bundle.title, source_lines(bundle.sources))


def api_url(query: str, fmt: str) -> str:
    """The open data API's address for a chart's figures (a path on this site)."""
    return f"{API}/figures.{fmt}?{query}"


def render_downloads(bundle: ChartBundle, lang: str, key: str) -> None:
    """CSV and XLSX of the table (with its sources), PNG and SVG of the chart, titled."""
    sheets = {t("compare.sheet_data", lang): bundle.table, t("compare.sheet_sources", lang): bundle.sources}
    buttons = (
        ("csv", lambda: frame_to_csv(bundle.table), "text/csv"),
        ("xlsx", lambda: frames_to_xlsx(sheets), MIME_XLSX),
        ("png", lambda: spec_to_png(image_spec(bundle)), "image/png"),
        ("svg", lambda: spec_to_svg(image_spec(bundle)), "image/svg+xml"),
    )
    st.caption(t("compare.downloads", lang))
    columns = st.columns(len(buttons) + bool(bundle.api))
    if bundle.api:  # the same figures, with their provenance, from the open data API
        columns[-1].link_button(
            t("compare.api_button", lang), api_url(bundle.api, "csv"), icon=":material/api:", width="stretch"
        )
    for column, (kind, data, mime) in zip(columns, buttons, strict=False):
        column.download_button(
            t(f"compare.download_{kind}", lang),
            data=data,
            file_name=f"{bundle.name}.{kind}",
            mime=mime,
            key=f"{key}_download_{kind}",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )


def render_chart_panel(bundle: ChartBundle, lang: str, key: str) -> None:
    """Caption, then chart / table / sources tabs, then the downloads."""
    if bundle.empty:
        st.info(bundle.caption or t("compare.no_data", lang))
        return
    with st.container(key=f"panel_{key}"):  # on a phone the caption goes under the chart (phone.css)
        with st.container(key=f"caption_{key}"):
            st.markdown(f"**{escape_markdown(bundle.caption)}**")
        chart_tab, table_tab, sources_tab = st.tabs(
            [t("compare.tab_chart", lang), t("compare.tab_table", lang), t("compare.tab_sources", lang)]
        )
        bundle.prepared()
        with chart_tab:
            render_spec(bundle.page_spec, f"{key}_chart", bundle.caption)
        with table_tab:
            figures = {c: st.column_config.TextColumn(alignment="right") for c in bundle.figure_columns}
            st.dataframe(bundle.table_arrow, hide_index=True, width="stretch", column_config=figures)
        with sources_tab:
            st.dataframe(bundle.sources_arrow, hide_index=True, width="stretch")
            if bundle.api:
                csv, json = api_url(bundle.api, "csv"), api_url(bundle.api, "json")
                st.caption(t("compare.api_sources", lang, csv=csv, json=json))
    for note in bundle.notes:
        st.caption(escape_markdown(note))
    render_downloads(bundle, lang, key)


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """FRAME as the Arrow table st.dataframe would make of it (its index left out)."""
    return convert_pandas_df_to_arrow_table(frame.reset_index(drop=True))


def render_spec(spec: dict, key: str, caption: str) -> None:
    """A Vega-Lite spec drawn as built: theme=None, since the builders set fonts and sizes and the
    downloads should match the page; CAPTION is the chart's accessible text."""
    st.vega_lite_chart(spec=spec, width="stretch", theme=None, key=key, alt=caption)


def escape_markdown(text: str) -> str:
    """Captions and notes carry catalogue names that organizers can edit: markdown stays inert."""
    return "".join(f"\\{c}" if c in MARKDOWN_SPECIAL else c for c in text)


def render_about(code: str, lang: str) -> None:
    """The indicator's definition, how it is computed and its source, beside the chart (plain text:
    organizers may edit the catalogue)."""
    indicators = load_indicators(data_version())
    if code not in indicators.index:
        return
    row = indicators.loc[code]
    parts = [str(row[f"description_{lang}"] or ""), str(row[f"rule_{lang}"] or "")]
    direction = t(f"compare.about_{direction_name(row['higher_is_better'])}", lang)
    label = t("compare.about", lang, indicator=str(row[f"name_{lang}"]))
    with st.expander(label, icon=":material/info:", key=f"about_{code}", on_change="rerun") as about:
        if about.open:  # drawn only when read: a filter change costs nothing more
            st.text(" ".join(p for p in parts if p) + " " + direction)
            st.text(t("compare.about_source", lang, source=str(row["source"] or "–")))

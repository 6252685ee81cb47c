"""The meeting report, its data pack and the country briefs, built from what the app shows: the
presenter deck's charts (as PNG through vl-convert), the working groups without contact details,
the joint actions and the source and version of every figure.

Layer: components. Uses the pages' cached loaders, which also run outside a Streamlit server, so
the command line and the admin page build the very same files; the layout is data_access's.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pandas as pd

from components.actions.table import country_label, group_label, load_action_groups, load_actions
from components.charts.panel import ChartBundle
from components.compare.views import load_bundle
from components.country.profile import load_profile_bundle
from components.groups.loaders import group_name, load_groups, load_roster
from components.shell.data import (
    data_version,
    get_engine,
    load_cuts,
    load_indicators,
    load_meeting_info,
    load_observations,
    load_published,
    meeting_zone_name,
    when_texts,
)
from data_access.core.actors import ANONYMOUS_ACTOR
from data_access.core.catalogues import country_name
from data_access.core.formatting import format_dates, format_number, format_when
from data_access.core.i18n import t
from data_access.core.settings import LANGUAGES
from data_access.meeting.deck import Slide, get_deck
from data_access.meeting.rosters import CONTACT_COLUMNS
from data_access.reports.chart_export import spec_to_png
from data_access.reports.report_pack import build_pack, to_sources_frame
from data_access.reports.report_pdf import Document, Figure, RenderedPdf, Section, Table, render, render_pdf
from data_access.stats.views import resolve_view

CHART_WIDTH = 720  # px before scaling: about the text width of an A4 page at print size
CHART_SCALE = 2.0
BRIEF_IMAGE_HEIGHT = 118  # mm: the profile chart, leaving room for the actions on the same page
ROSTER_COLUMNS = ("role", "name", "country_iso3", "institution", "position")
ACTION_COLUMNS = ("code", "title", "group", "lead", "participants", "reviewer", "due", "status")
ACTION_WIDTHS = (0.9, 2.3, 1.5, 1.4, 1.75, 1.4, 1.0, 1.05)  # relative; participants and titles wrap
BRIEF_ACTION_WIDTHS = (0.9, 2.8, 1.7, 1.4, 1.4, 1.1, 1.1)  # the same without participants
SOURCE_WIDTHS = (1.2, 0.7, 1.2, 1.1, 0.5, 4.4)
ROSTER_WIDTHS = (1.1, 1.6, 1.1, 2.0, 1.6)


def _meeting_title(lang: str) -> tuple[str, str]:
    """The meeting's name (or the app's title) and "city · dates"."""
    info = load_meeting_info(data_version())
    dates = format_dates(info.start, info.end, lang)
    return info.name or t("overview.title", lang), " · ".join(p for p in (info.city, dates) if p)


def _footer(lang: str) -> str:
    name, _ = _meeting_title(lang)
    when = format_when(datetime.now(UTC), lang, meeting_zone_name())
    return f"{name} · {t('outcome.generated', lang, when=when)}"


def slide_bundle(slide: Slide, lang: str, mine: str | None = None) -> tuple[str, ChartBundle] | None:
    """The chart a compare or country slide shows, with its name (a follower's own country, MINE,
    highlighted in a compare chart); None for other slides."""
    version = data_version()
    if slide.kind == "country" and slide.params.get("country"):
        iso3 = slide.params["country"]
        name = t("outcome.profile_name", lang, country=country_name(iso3, lang))
        return name, load_profile_bundle(version, iso3, lang)
    if slide.kind != "compare" or load_cuts(version).empty:
        return None
    view = slide.view(set(load_indicators(version).index))
    view, _ = resolve_view(view, load_cuts(version))  # as /compare does: the nearest view with data
    return t(f"compare.chart.{view.chart}", lang), load_bundle(version, view.with_changes(mine=mine), lang)


def sources_line(sources: pd.DataFrame, lang: str) -> str:
    """The sources of a chart in one line per source: the source cited, then each country's version."""
    if sources.empty:
        return ""
    country, version, source = sources.columns[0], sources.columns[1], sources.columns[3]
    lines = []
    for cited, rows in sources.groupby(source, sort=False):
        versions = ", ".join(f"{c} v{v}" for c, v in zip(rows[country], rows[version], strict=True))
        name = str(cited) or t("outcome.no_source", lang)
        lines.append(t("outcome.sources_line", lang, source=name, versions=versions))
    return "\n".join(lines)


def to_figure(number: int | None, name: str, bundle: ChartBundle, lang: str) -> Figure:
    """A bundle as printed: numbered title (none without NUMBER), caption, image, sources."""
    png = spec_to_png(bundle.full_spec(), CHART_WIDTH, CHART_SCALE)
    return Figure(
        title=t("outcome.figure", lang, number=number, name=name) if number else "",
        caption=bundle.caption,
        png=png,
        sources=sources_line(bundle.sources, lang),
        notes=bundle.notes,
    )


def chart_figures(slides: tuple[Slide, ...], lang: str) -> tuple[Figure, ...]:
    """One figure per chart slide that has data, in deck order."""
    figures: list[Figure] = []
    for slide in slides:
        named = slide_bundle(slide, lang)
        if named is not None and not named[1].empty:
            figures.append(to_figure(len(figures) + 1, named[0], named[1], lang))
    return tuple(figures)


def roster_tables(lang: str) -> tuple[Table, ...]:
    """One table per working group: role, name, country, institution, position; never contacts."""
    version = data_version()
    groups = load_groups(version)
    roster = load_roster(version, False, ANONYMOUS_ACTOR).drop(columns=list(CONTACT_COLUMNS), errors="ignore")
    headers = {"country_iso3": "country"}
    tables = []
    for code, members in roster.groupby("group_code", sort=False):
        shown = members.loc[:, list(ROSTER_COLUMNS)].copy()
        shown["role"] = [t(f"role.{r}", lang) for r in shown["role"]]
        shown["country_iso3"] = [country_label(c, lang) for c in shown["country_iso3"]]
        shown.columns = [t(f"groups.col_{headers.get(c, c)}", lang) for c in ROSTER_COLUMNS]
        tables.append(Table(shown, ROSTER_WIDTHS, group_name(groups, str(code), lang)))
    return tuple(tables)


def actions_table(actions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The actions as printed: owners, peers and due dates by name, headers in LANG."""
    groups = load_action_groups(data_version())
    columns = {
        "code": actions["code"],
        "title": actions["title"],
        "group": [group_label(g, groups, lang) for g in actions["group"]],
        "lead": [country_label(c, lang) for c in actions["lead_country"]],
        "participants": [", ".join(country_label(c, lang) for c in p or []) for p in actions["participants"]],
        "reviewer": [country_label(c, lang) for c in actions["reviewer_country"]],
        "due": [format_dates(d, None, lang) or "–" for d in actions["due_date"]],
        "status": [t(f"status.{s}", lang) for s in actions["status"]],
    }
    frame = pd.DataFrame(columns)
    frame.columns = [t(f"actions.col_{c}", lang) for c in ACTION_COLUMNS]
    return frame


def sources_table(lang: str) -> pd.DataFrame:
    """Each country's published version behind the report, with its file and sources cited."""
    version = data_version()
    frame = to_sources_frame(load_published(version), load_observations(version), lang)
    frame = frame.drop(columns=["iso3", "years"])
    frame["published"] = when_texts(frame["published"], lang)
    frame["rows"] = [format_number(n, lang, 0) for n in frame["rows"]]
    frame.columns = [t(f"outcome.pack_{c}", lang) for c in frame.columns]
    return frame


def _document(
    title: str, subtitle: str, sections: tuple[Section, ...], lang: str, **extra: object
) -> Document:
    page = t("outcome.page", lang, page="{page}", pages="{pages}")  # filled in by the layout
    return Document(title, subtitle, _footer(lang), page, sections, **extra)


def report_document(lang: str) -> Document:
    """The whole report in LANG: title block, charts, groups, actions, sources."""
    title, subtitle = _meeting_title(lang)
    figures = chart_figures(get_deck(get_engine()), lang)
    actions = load_actions(data_version())
    action_blocks = () if actions.empty else (Table(actions_table(actions, lang), ACTION_WIDTHS),)
    sources = (Table(sources_table(lang), SOURCE_WIDTHS),)
    charts_intro = t("outcome.charts_intro" if figures else "outcome.no_charts", lang)
    sections = (
        Section(t("outcome.charts", lang), charts_intro, figures, new_page=False),
        Section(t("outcome.groups", lang), t("outcome.groups_intro", lang), roster_tables(lang)),
        Section(t("outcome.actions", lang), t("outcome.actions_intro", lang), action_blocks),
        Section(t("outcome.sources", lang), t("outcome.sources_intro", lang), sources),
    )
    return _document(title, subtitle, sections, lang, intro=t("outcome.intro", lang))


def build_report(lang: str) -> RenderedPdf:
    """The meeting report as PDF, with its page and chart counts."""
    return render(report_document(lang))


def build_report_pdf(lang: str) -> bytes:
    """The meeting report as PDF bytes (what the admin page's download gets)."""
    return build_report(lang).data


def build_pack_xlsx(lang: str) -> bytes:
    """Every published figure and a sources sheet, headers in LANG."""
    return build_pack(get_engine(), lang)


def country_actions(iso3: str) -> pd.DataFrame:
    """The joint actions ISO3 leads or takes part in."""
    actions = load_actions(data_version())
    if actions.empty:
        return actions
    leads, parts = actions["lead_country"], actions["participants"]
    return actions[[iso3 == lead or iso3 in (p or []) for lead, p in zip(leads, parts, strict=True)]]


def brief_document(iso3: str, lang: str) -> Document:
    """One page for one country: its profile against the region, then its joint actions."""
    country = country_name(iso3, lang)
    title, subtitle = _meeting_title(lang)
    bundle = load_profile_bundle(data_version(), iso3, lang)
    blocks = () if bundle.empty else (to_figure(None, "", bundle, lang),)
    table = actions_table(country_actions(iso3), lang).drop(columns=[t("actions.col_participants", lang)])
    action_blocks = (Table(table, BRIEF_ACTION_WIDTHS),) if len(table) else ()
    no_actions = "" if len(table) else t("country.no_actions", lang, country=country)
    sections = (
        Section(t("country.section_profile", lang), "" if blocks else bundle.caption, blocks, new_page=False),
        Section(t("outcome.brief_actions", lang), no_actions, action_blocks, new_page=False),
    )
    meeting = " · ".join(p for p in (title, subtitle) if p)
    # Each action past the third takes a line from the chart, so the brief stays on one page.
    height = max(70, BRIEF_IMAGE_HEIGHT - 9 * max(0, len(table) - 3))
    return _document(
        t("outcome.brief_title", lang, country=country), meeting, sections, lang, max_image_height=height
    )


def brief_countries() -> list[str]:
    """The countries with published results: each gets a brief."""
    return sorted(load_published(data_version())["country_iso3"])


def build_briefs(countries: list[str] | None = None, langs: tuple[str, ...] = LANGUAGES) -> dict[str, bytes]:
    """File name -> PDF for every country (all with results when COUNTRIES is None) and language."""
    codes = brief_countries() if countries is None else countries
    return {
        f"brief_{iso3}_{lang}.pdf": render_pdf(brief_document(iso3, lang)) for iso3 in codes for lang in langs
    }


def build_briefs_zip() -> bytes:
    """Every country's brief in es, pt and en, in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in build_briefs().items():
            archive.writestr(name, data)
    return buffer.getvalue()

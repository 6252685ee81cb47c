"""The open data API as a Frictionless Data Package (datapackage.json, v1 specification): each CSV
resource with its table schema, so `frictionless validate` and tools built on it read the figures
with their types, and a researcher sees what every column means.

Layer: data_access (pure). Paths are relative to the descriptor (/api/v1/), so the package works
behind any host name or proxy.
"""

from __future__ import annotations

from data_access.core.catalogues import DIRECTIONS, GROUPS, SUBJECTS
from data_access.reports.open_data import FIGURE_COLUMNS, INDICATOR_COLUMNS, VERSION_COLUMNS

# column -> (Table Schema type, description, extra constraints)
FIELDS: dict[str, tuple[str, str, dict[str, object]]] = {
    "country_iso3": ("string", "Country, ISO 3166-1 alpha-3 code.", {"pattern": "[A-Z]{3}"}),
    "indicator_code": ("string", "Indicator code; see the indicators resource.", {}),
    "year": ("integer", "Year of the assessment.", {}),
    "grade": ("integer", "School grade; empty when the indicator has none.", {}),
    "subject": ("string", "Subject; empty when the indicator has none.", {"enum": list(SUBJECTS)}),
    "group": ("string", "Population group the figure describes.", {"enum": list(GROUPS)}),
    "value": ("number", "The published figure, in the indicator's unit.", {}),
    "se": ("number", "Standard error, when published.", {}),
    "ci_low": ("number", "Lower bound of the 95% confidence interval, when published.", {}),
    "ci_high": ("number", "Upper bound of the 95% confidence interval, when published.", {}),
    "n": ("integer", "Number of students behind the figure, when published.", {}),
    "source": ("string", "Where the country took the figure from.", {}),
    "note": ("string", "The country's note on the figure.", {}),
    "version": ("integer", "The country's published version the figure belongs to.", {}),
    "published_at": ("datetime", "When that version was published (UTC).", {}),
    "status": ("string", "active: the version shown now; superseded: an earlier one.", {}),
    "rows": ("integer", "How many figures the version holds.", {}),
    "code": ("string", "Indicator code.", {}),
    "domain": ("string", "learning, ser (socio-emotional), recovery or system.", {}),
    "unit": ("string", "score, percent, index, count or years.", {}),
    "direction": ("string", "Which way is better.", {"enum": list(DIRECTIONS)}),
    "min_value": ("number", "Smallest valid figure.", {}),
    "max_value": ("number", "Largest valid figure.", {}),
}
TEXT_IN = {"es": "Spanish", "pt": "Portuguese", "en": "English"}
for _lang, _name in TEXT_IN.items():
    FIELDS[f"name_{_lang}"] = ("string", f"Indicator name in {_name}.", {})
    FIELDS[f"description_{_lang}"] = ("string", f"What the indicator measures, in {_name}.", {})
    FIELDS[f"rule_{_lang}"] = ("string", f"How the indicator is computed, in {_name}.", {})


def _schema(columns: tuple[str, ...], key: list[str] | None = None) -> dict[str, object]:
    fields = []
    for column in columns:
        kind, description, constraints = FIELDS[column]
        field: dict[str, object] = {"name": column, "type": kind, "description": description}
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict[str, object] = {"fields": fields, "missingValues": [""]}
    if key:
        schema["primaryKey"] = key
    return schema


def _resource(name: str, title: str, columns: tuple[str, ...], key: list[str] | None = None) -> dict:
    return {
        "name": name,
        "title": title,
        "path": f"{name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "profile": "tabular-data-resource",
        "schema": _schema(columns, key),
    }


def datapackage(title: str, data_version: int) -> dict[str, object]:
    """The descriptor of the API's three tables at DATA_VERSION, titled after the meeting."""
    return {
        "profile": "tabular-data-package",
        "name": "encuentro-figures",
        "title": title,
        "version": f"{data_version}.0.0",
        "description": (
            "Education assessment results published by each country's coordinators for a regional "
            "meeting (LLECE ERCE and TERCE), with each figure's country version, publish time and "
            "source. figures.csv accepts /compare's filters, as_of= and version= as URL parameters. "
            "Each figure's reuse terms are those of the source it cites."
        ),
        "resources": [
            _resource("figures", "Published figures", FIGURE_COLUMNS),
            _resource("versions", "Every country version", VERSION_COLUMNS, ["country_iso3", "version"]),
            _resource("indicators", "Indicator catalogue", INDICATOR_COLUMNS, ["code"]),
        ],
    }

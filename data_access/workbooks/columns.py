"""The columns of every workbook sheet people fill in: results, groups, members, actions.

Layer: data_access. One table per sheet; the reader, the validator, the template and the export
all take their column names, kinds and aliases from here, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from data_access.core.i18n import fold, t
from data_access.core.settings import LANGUAGES


@dataclass(frozen=True)
class ColumnSpec:
    code: str
    kind: str  # text, number, integer, date, country, indicator, subject, group, ...
    required: bool = False
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """The header the template writes in LANG."""
        return t(f"column.{self.code}", lang)

    def names(self) -> set[str]:
        """Every folded header that means this column: code, es/pt/en labels and aliases."""
        return (
            {fold(self.code)}
            | {fold(self.label(lang)) for lang in LANGUAGES}
            | {fold(a) for a in self.aliases}
        )


@dataclass(frozen=True)
class SheetSpec:
    code: str  # canonical sheet name
    sheet_aliases: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Folded header text -> column code."""
        return {name: col.code for col in self.columns for name in col.names()}

    def column(self, code: str) -> ColumnSpec:
        return next(c for c in self.columns if c.code == code)

    def sheet_names(self) -> set[str]:
        return {fold(self.code)} | {fold(a) for a in self.sheet_aliases}


RESULTS = SheetSpec(
    "results",
    ("resultados", "resultado"),
    (
        ColumnSpec("country", "country", True, ("pais", "country code", "iso3", "cod_pais")),
        ColumnSpec("indicator", "indicator", True, ("indicador", "indicator code")),
        ColumnSpec("year", "year", True, ("ano", "año", "anio", "cycle year")),
        ColumnSpec("grade", "grade", False, ("grado", "serie", "série", "ano escolar")),
        ColumnSpec("subject", "subject", False, ("materia", "area", "disciplina", "asignatura")),
        ColumnSpec("group", "group", False, ("grupo", "breakdown", "desagregacion", "subgroup")),
        ColumnSpec("value", "number", True, ("valor", "estimate", "estimacion", "estimativa")),
        ColumnSpec(
            "se",
            "number",
            False,
            ("ee", "error estandar", "erro padrao", "standard error"),
        ),
        ColumnSpec(
            "ci_low",
            "number",
            False,
            ("ic inferior", "ci lower", "limite inferior", "lower"),
        ),
        ColumnSpec(
            "ci_high",
            "number",
            False,
            ("ic superior", "ci upper", "limite superior", "upper"),
        ),
        ColumnSpec("n", "integer", False, ("n", "casos", "cases", "sample size")),
        ColumnSpec("source", "text", False, ("fuente", "fonte")),
        ColumnSpec("note", "text", False, ("nota", "notes", "observacion", "observação")),
    ),
)

# A group's or an action's theme: Spanish as "tema", the other languages beside it
THEMES = (
    ColumnSpec("theme", "text", False, ("tema", "tema (es)", "theme (es)")),
    ColumnSpec("theme_pt", "text", False, ()),
    ColumnSpec("theme_en", "text", False, ()),
)

GROUPS = SheetSpec(
    "groups",
    ("grupos", "working groups", "grupos de trabajo", "grupos de trabalho"),
    (
        ColumnSpec("code", "text", True, ("codigo", "código", "group code")),
        ColumnSpec("name_es", "text", True, ("nombre (es)", "nome (es)", "name (es)")),
        ColumnSpec("name_pt", "text", True, ("nombre (pt)", "nome (pt)", "name (pt)")),
        ColumnSpec("name_en", "text", True, ("nombre (en)", "nome (en)", "name (en)")),
        *THEMES,
        ColumnSpec("description_es", "text", False, ("descripcion (es)", "descrição (es)")),
        ColumnSpec("description_pt", "text", False, ("descripcion (pt)", "descrição (pt)")),
        ColumnSpec("description_en", "text", False, ("descripcion (en)", "descrição (en)")),
    ),
)

MEMBERS = SheetSpec(
    "members",
    ("miembros", "membros", "roster", "nomina", "integrantes"),
    (
        ColumnSpec(
            "group",
            "working_group",
            True,
            ("grupo", "grupo de trabajo", "working group"),
        ),
        ColumnSpec("name", "text", True, ("nombre", "nome", "full name")),
        ColumnSpec("role", "role", False, ("rol", "papel", "funcion")),
        ColumnSpec("country", "country", False, ("pais", "país")),
        ColumnSpec("institution", "text", False, ("institucion", "instituição", "organization")),
        ColumnSpec("position", "text", False, ("cargo", "puesto", "title")),
        ColumnSpec("email", "email", False, ("correo", "e-mail", "correo electronico")),
        ColumnSpec("phone", "text", False, ("telefono", "telefone", "telephone")),
        ColumnSpec("fictional", "boolean", False, ("ficticio", "fictício")),
    ),
)

ACTIONS = SheetSpec(
    "actions",
    ("acciones", "ações", "acoes", "joint actions", "acciones conjuntas"),
    (
        ColumnSpec("code", "text", True, ("codigo", "código", "id")),
        ColumnSpec("title", "text", True, ("titulo", "título")),
        ColumnSpec("description", "text", False, ("descripcion", "descrição")),
        *THEMES,
        ColumnSpec(
            "group",
            "working_group",
            False,
            ("grupo", "grupo de trabajo", "working group"),
        ),
        ColumnSpec("lead_country", "country", False, ("pais lider", "país líder", "lead")),
        ColumnSpec(
            "participants",
            "country_list",
            False,
            ("participantes", "paises participantes"),
        ),
        ColumnSpec(
            "reviewer_country",
            "country",
            False,
            ("pais revisor", "país revisor", "peer reviewer"),
        ),
        ColumnSpec("due_date", "date", False, ("fecha limite", "prazo", "due")),
        ColumnSpec("status", "status", False, ("estado", "situação", "situacao")),
        ColumnSpec("completion", "completion", False, ("avance", "avanço", "progress")),
        ColumnSpec(
            "evidence_indicator",
            "indicator",
            False,
            ("indicador evidencia", "evidence"),
        ),
        ColumnSpec("evidence_country", "country", False, ("pais evidencia", "país evidência")),
    ),
)

SHEETS = {spec.code: spec for spec in (RESULTS, GROUPS, MEMBERS, ACTIONS)}
MEMBER_ROLES = ("chair", "co-chair", "rapporteur", "member")
ACTION_STATUSES = ("proposed", "agreed", "in_progress", "done", "dropped")
COMPLETIONS = ("not_started", "limited", "substantial", "complete")

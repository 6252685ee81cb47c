"""The fictional side of the sample meeting: four working groups, their people, ten joint actions.

Sample-data tooling, used by build_sample.py. Every person and institution here is invented.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pandas as pd

THEME_COLUMNS = ("theme", "theme_pt", "theme_en")  # the theme in es, pt and en
WORKING_GROUPS = (
    ("recovery", ("Recuperación de aprendizajes", "Recuperação da aprendizagem", "Learning recovery"),
     ("Recuperación de aprendizajes y evaluación", "Recuperação da aprendizagem e avaliação",
      "Learning recovery and assessment"),
     ("Medir la recuperación de aprendizajes y usar evaluaciones diagnósticas y formativas para orientarla.",
      "Medir a recuperação da aprendizagem e usar avaliações diagnósticas e formativas para orientá-la.",
      "Measuring learning recovery and using diagnostic and formative assessment to guide it.")),
    ("ser", ("Habilidades socioemocionales", "Habilidades socioemocionais", "Socio-emotional skills"),
     ("Evaluación socioemocional (SER)", "Avaliação socioemocional (SER)",
      "Socio-emotional (SER) assessment"),
     ("Medir autorregulación, empatía y apertura a la diversidad, y llevar sus resultados a la escuela.",
      "Medir autorregulação, empatia e abertura à diversidade, e levar seus resultados à escola.",
      "Measuring self-regulation, empathy and openness to diversity, and bringing the results to schools.")),
    ("innovation",
     ("Innovación en datos de evaluación", "Inovação em dados de avaliação", "Innovation in assessment data"),
     ("Innovación en datos de evaluación", "Inovação em dados de avaliação", "Innovation in assessment data"),
     ("Evaluación en línea, vínculo con registros administrativos y publicación de datos abiertos.",
      "Avaliação on-line, vínculo com registros administrativos e publicação de dados abertos.",
      "Computer-based testing, links to administrative records and open data publication.")),
    ("framework",
     ("Marco regional de evaluación", "Marco regional de avaliação", "Regional assessment framework"),
     ("Marco regional de evaluación", "Marco regional de avaliação", "Regional assessment framework"),
     ("Alinear los marcos nacionales con el marco regional y el indicador ODS 4.1.1.",
      "Alinhar os marcos nacionais ao marco regional e ao indicador ODS 4.1.1.",
      "Aligning national frameworks with the regional framework and SDG indicator 4.1.1.")),
)  # fmt: skip

# group, role, country, invented name. Cuba and Nicaragua are deliberately in no group;
# one person sits in two groups (a member is one person, a membership one row).
ROSTER = """\
recovery|chair|PER|Lucía Quispe Valdivia
recovery|co-chair|COL|Camila Restrepo Ariza
recovery|rapporteur|ECU|Diego Andrade Cevallos
recovery|member|MEX|Fernanda Olvera Trejo
recovery|member|DOM|Yokasta Peralta Reyes
recovery|member|GTM|Ana Lucía Cifuentes Tobar
recovery|member|PRY|Liz Benítez Ayala
recovery|member|BRA|Thiago Nogueira Prado
ser|chair|CRI|Daniela Solano Quesada
ser|co-chair|URY|Martina Ferrando Sosa
ser|co-chair|ARG|Valeria Gutiérrez Aráoz
ser|rapporteur|SLV|Karla Menjívar Alas
ser|member|PER|Andrés Huamán Castillo
ser|member|HND|Iris Zelaya Mejía
ser|member|PAN|Itzel Samudio Pinzón
ser|member|MEX|Alejandra Cázares Montiel
innovation|chair|BRA|Mariana Albuquerque Sobral
innovation|co-chair|CHL|Tomás Vergara Leiva
innovation|rapporteur|URY|Federico Pereyra Cabrera
innovation|member|COL|Julián Ospina Mejía
innovation|member|ARG|Matías Rinaldi Ocampo
innovation|member|DOM|Ramón Almonte Ureña
innovation|member|PRY|Óscar Giménez Ortiz
innovation|member|GTM|Byron Xicará López
framework|chair|MEX|Rodrigo Villaseñor Ibarra
framework|co-chair|ECU|María José Paredes Loor
framework|rapporteur|PAN|Abdiel Castrellón Vega
framework|member|CHL|Javiera Contreras Fuentealba
framework|member|CRI|Esteban Jiménez Vargas
framework|member|SLV|René Orellana Portillo
framework|member|HND|Carlos Banegas Rivera
framework|member|PRY|Jorge Caballero Ríos
framework|member|PER|Lucía Quispe Valdivia"""
INSTITUTIONS = ("Unidad de Medición de la Calidad (ficticia)",
                "Instituto Nacional de Evaluación Educativa (ficticio)",
                "Dirección de Evaluación de Aprendizajes (ficticia)")  # fmt: skip
POSITIONS = ("Coordinación nacional", "Análisis de datos", "Especialista en evaluación", "Estadística")

# Ten fictional joint actions, three lines each: the fields of the header line, then the title and the
# description. The evidence country is the lead country.
ACTION_TEXT = """\
code|group|lead_country|participants|reviewer_country|due_date|status|completion|evidence_indicator
A01|recovery|PER|PER, COL, ECU, DOM|COL|2027-03-31|in_progress|substantial|min_proficiency_pct
Protocolo común de evaluación diagnóstica
Aplicar al inicio del año una prueba diagnóstica de lectura y matemáticas con un protocolo común.
A02|recovery|COL|COL, PER, GTM, PRY|ECU|2027-06-30|agreed|not_started|score_mean
Banco regional de ítems de lectura
Reunir ítems liberados de lectura de 3.er grado para las evaluaciones formativas de los países.
A03|recovery|DOM|DOM, MEX, GTM|PRY|2027-09-30|proposed|not_started|dropout_rate
Seguimiento del abandono con registros administrativos
Definir un indicador común de abandono escolar y publicarlo cada trimestre.
A04|ser|CRI|CRI, URY, ARG, SLV|URY|2027-04-30|done|complete|ser_empathy
Guía de uso de resultados socioemocionales
Guía para docentes y directivos sobre cómo leer y usar los índices de empatía y autorregulación.
A05|ser|URY|URY, ARG, HND|CRI|2027-10-31|in_progress|limited|ser_self_regulation
Escala de autorregulación para 3.er grado
Adaptar y pilotar la escala de autorregulación escolar con estudiantes más pequeños.
A06|innovation|BRA|BRA, CHL, COL|ARG|2027-11-30|in_progress|limited|score_mean
Piloto de evaluación en línea
Aplicar en línea una muestra de la evaluación nacional y comparar con la versión en papel.
A07|innovation|CHL|CHL, URY, DOM, PRY|BRA|2027-05-31|agreed|not_started|level_4_pct
Microdatos anonimizados con diccionario común
Publicar microdatos anonimizados de las evaluaciones nacionales con un diccionario compartido.
A08|framework|MEX|MEX, ECU, CHL, CRI, SLV|ECU|2027-08-31|agreed|not_started|min_proficiency_pct
Alineación de marcos de evaluación
Comparar los marcos de evaluación nacionales con el marco regional y documentar las brechas.
A09|framework|ECU|ECU, PAN, HND, PER|MEX|2027-02-26|done|complete|min_proficiency_pct
Reporte común del indicador ODS 4.1.1
Reportar el nivel mínimo de competencia con los puntos de corte de ERCE y una nota común.
A10|framework|PAN|PAN, SLV, HND, PRY|CHL|2027-12-15|proposed|not_started|assessment_cycle_years
Calendario regional de evaluaciones
Coordinar los ciclos de las evaluaciones nacionales para evitar años con dos aplicaciones."""


def _email(name: str) -> str:
    """first.surname@example.org without accents (example.org never delivers mail)."""
    parts = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().split()
    return f"{parts[0]}.{parts[-2]}@example.org"


def groups_frame() -> pd.DataFrame:
    """The four working groups with themes, names and descriptions in es, pt and en."""
    return pd.DataFrame(
        {"code": code, **dict(zip(THEME_COLUMNS, theme, strict=True)),
         **dict(zip(("name_es", "name_pt", "name_en"), names, strict=True)),
         **dict(zip(("description_es", "description_pt", "description_en"), texts, strict=True))}
        for code, theme, names, texts in WORKING_GROUPS
    )  # fmt: skip


def members_frame() -> pd.DataFrame:
    """The fictional roster: one row per membership, contact details clearly invented."""
    people = sorted({line.split("|")[3] for line in ROSTER.splitlines()})
    rows = []
    for line in ROSTER.splitlines():
        group, role, country, name = line.split("|")
        n = people.index(name)
        rows.append(
            {"group": group, "name": name, "role": role, "country": country,
             "institution": INSTITUTIONS[n % len(INSTITUTIONS)], "position": POSITIONS[n % len(POSITIONS)],
             "email": _email(name), "phone": f"+00 555 01{n:02d}", "fictional": True}
        )  # fmt: skip
    return pd.DataFrame(rows)


def actions_frame() -> pd.DataFrame:
    """Ten fictional joint actions spread over the groups and the statuses, due in 2027."""
    themes = {code: dict(zip(THEME_COLUMNS, theme, strict=True)) for code, theme, *_ in WORKING_GROUPS}
    header, *lines = ACTION_TEXT.splitlines()
    rows = []
    for meta, title, description in zip(lines[::3], lines[1::3], lines[2::3], strict=True):
        row = dict(zip(header.split("|"), meta.split("|"), strict=True))
        row |= {"title": title, "description": description, **themes[row["group"]]}
        row |= {"due_date": date.fromisoformat(row["due_date"]), "evidence_country": row["lead_country"]}
        rows.append(row)
    return pd.DataFrame(rows)

"""Rebuild the demo meeting in sample_data/ from LLECE's published CSVs, deterministically.

Sample-data tooling on top of data_access:
`python sample_data/build_sample.py [--llece DIR] [--worldbank DIR]`. Results are real (TERCE 2013,
ERCE 2019, and the World Bank's shares below minimum proficiency for SERCE 2006 and TERCE 2013,
with their standard errors); the roster and the actions are fictional.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script, the repository is not on the path
    sys.path.insert(0, str(REPO))

from data_access.core.catalogues import GROUPS as GROUPS_CATALOGUE  # noqa: E402
from data_access.core.catalogues import SUBJECTS, default_indicators, resolve_country, resolve_subject  # noqa: E402
from data_access.core.i18n import fold  # noqa: E402
from data_access.workbooks.columns import ACTIONS, GROUPS, MEMBERS  # noqa: E402
from data_access.workbooks.template import build_sheet_workbook, write_results_workbook  # noqa: E402
from sample_data.meeting_sample import actions_frame, groups_frame, members_frame  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent
DEFAULT_LLECE = Path(__file__).resolve().parents[2] / "shared" / "data" / "llece"
DEFAULT_WORLDBANK = DEFAULT_LLECE.parent / "worldbank"
WORLDBANK = "glad_llece_nonproficiency.csv"
WORLDBANK_SOURCE = (
    "World Bank, LearningPoverty: proficiency_from_GLAD.csv, LLECE {study} {year} "
    "(github.com/worldbank/LearningPoverty)"
)
# The World Bank's column suffix -> the sample's group: all students, girls, boys.
WORLDBANK_GROUPS = {"all": "total", "fe": "female", "ma": "male"}
WORLDBANK_STUDIES = {2006: "SERCE", 2013: "TERCE"}
NATIONAL = "national_levels_scores_terce2013_erce2019.csv"
BREAKDOWNS = "breakdowns_sex_area_school_terce2013_erce2019.csv"
SER = "ser_grade6_erce2019.csv"
# Local file -> (name and repository where LLECE publishes it), for each row's source.
ORIGIN = {NATIONAL: ("datos_grafico_1-1.csv", "github.com/llece/comparativo"),
          BREAKDOWNS: ("datos_grafico_1-2.csv", "github.com/llece/comparativo"),
          SER: ("erce_hse_resultados.csv", "github.com/llece/hse")}  # fmt: skip
STUDIES = (("terce", 2013), ("erce", 2019))
# The breakdowns file's `parametro` (folded: Niña, Niño, Urbano, Rural, Público, Privado) -> group.
BREAKDOWN_GROUPS = {"nina": "female", "nino": "male", "urbano": "urban", "rural": "rural",
                    "publico": "public", "privado": "private"}  # fmt: skip
SER_SKILLS = {"Autorregulación": "ser_self_regulation", "Empatía": "ser_empathy",
              "Apertura a la diversidad": "ser_openness_diversity"}  # fmt: skip
# Minimum proficiency (SDG 4.1.1): level II and above in grade 3, level III and above in grade 6.
MIN_LEVEL = {3: 2, 6: 3}
MIN_NOTE = {3: "Suma de los niveles II a IV.", 6: "Suma de los niveles III y IV."}


def source_of(file: str, study: str, year: int) -> str:
    """Where a figure comes from, as the app shows it beside the figure."""
    name, repo = ORIGIN[file]
    return f"LLECE {study.upper()} {year}, {name} ({repo})"


def read_llece(path: Path) -> pd.DataFrame:
    """One LLECE CSV with lower-case headers (the national file writes ERCE_nivel_1)."""
    frame = pd.read_csv(path, dtype={"cod_pais": str}, keep_default_na=False, na_values=[""])
    return frame.rename(columns=str.lower)


def _base(rec: dict, year: int, group: str, source: str) -> dict:
    """The keys every learning row of one LLECE record shares."""
    return {"country_iso3": resolve_country(rec["cod_pais"]), "year": year, "grade": int(rec["grado"]),
            "subject": resolve_subject(rec["materia"]),  # one row spells it "Matematicas"
            "group": group, "source": source}  # fmt: skip


def learning_rows(rec: dict, study: str, year: int, group: str, source: str) -> list[dict]:
    """Mean score, level shares in percent and minimum proficiency for one LLECE row and study."""
    base = _base(rec, year, group, source)
    out = []
    if pd.notna(rec[f"{study}_puntaje_promedio"]):
        out.append(base | {"indicator_code": "score_mean", "value": rec[f"{study}_puntaje_promedio"]})
    shares = [rec[f"{study}_nivel_{k}"] for k in range(1, 5)]
    if all(pd.notna(s) for s in shares):
        for k, share in enumerate(shares, start=1):
            out.append(base | {"indicator_code": f"level_{k}_pct", "value": round(share * 100, 1)})
        at_least = round(sum(shares[MIN_LEVEL[base["grade"]] - 1 :]) * 100, 1)
        note = MIN_NOTE[base["grade"]]
        out.append(base | {"indicator_code": "min_proficiency_pct", "value": at_least, "note": note})
    return out


def breakdown_rows(rec: dict, study: str, year: int) -> list[dict]:
    """Rows from the breakdowns file: groups by sex, area and school, and SES quintile means."""
    source = source_of(BREAKDOWNS, study, year)
    if rec["tema"] != "General_país":
        return learning_rows(rec, study, year, BREAKDOWN_GROUPS[fold(rec["parametro"])], source)
    return [
        _base(rec, year, f"ses_q{q}", source)
        | {"indicator_code": "score_mean", "value": rec[f"{study}_quintil_{q}"]}
        for q in (1, 5)
        if pd.notna(rec[f"{study}_quintil_{q}"])
    ]


def ser_rows(frame: pd.DataFrame) -> list[dict]:
    """Grade-6 socio-emotional indices of ERCE 2019 with their published 95 % intervals."""
    source = source_of(SER, "erce", 2019)
    return [
        {"country_iso3": resolve_country(rec["cod_pais"]), "indicator_code": SER_SKILLS[rec["habilidad"]],
         "year": 2019, "grade": 6, "group": "total", "value": rec["mean"],
         "ci_low": rec["intervalo_inicio"], "ci_high": rec["intervalo_final"], "source": source}
        for rec in frame.to_dict("records")
        if rec["cod_pais"] != "re"  # the regional figure: the app computes its own
    ]  # fmt: skip


def worldbank_rows(path: Path) -> list[dict]:
    """Grade-6 reading shares below minimum proficiency (lower is better) with their standard
    errors, for all students, girls and boys, as the World Bank publishes them (percent)."""
    frame = pd.read_csv(path)
    return [
        {"country_iso3": rec["countrycode"], "indicator_code": "below_min_wb_pct", "year": int(rec["year"]),
         "grade": int(rec["idgrade"]), "subject": "reading", "group": group,
         "value": float(rec[f"nonprof_{suffix}"]), "se": float(rec[f"se_nonprof_{suffix}"]),
         "source": WORLDBANK_SOURCE.format(study=WORLDBANK_STUDIES[int(rec["year"])], year=int(rec["year"]))}
        for rec in frame.to_dict("records")
        for suffix, group in WORLDBANK_GROUPS.items()
        if pd.notna(rec[f"nonprof_{suffix}"])
    ]  # fmt: skip


def results_frame(llece_dir: Path, worldbank_dir: Path | None = None) -> pd.DataFrame:
    """Every sample observation, one row per figure, in a stable order."""
    rows: list[dict] = []
    for study, year in STUDIES:
        for rec in read_llece(llece_dir / NATIONAL).to_dict("records"):
            rows += learning_rows(rec, study, year, "total", source_of(NATIONAL, study, year))
        for rec in read_llece(llece_dir / BREAKDOWNS).to_dict("records"):
            rows += breakdown_rows(rec, study, year)
    rows += ser_rows(read_llece(llece_dir / SER))
    if worldbank_dir is not None and (worldbank_dir / WORLDBANK).is_file():
        rows += worldbank_rows(worldbank_dir / WORLDBANK)
    frame = pd.DataFrame(rows)
    frame["family"] = frame["source"].str.startswith("World Bank")  # LLECE's own figures first
    keys = ["country_iso3", "family", "year", "grade", "subject", "indicator_code", "group"]
    return frame.sort_values(keys, key=_catalogue_order, kind="stable").drop(columns="family")


def _catalogue_order(column: pd.Series) -> pd.Series:
    """Sort indicators, subjects and groups as the catalogues list them, not alphabetically."""
    codes = {"indicator_code": [i.code for i in default_indicators()], "subject": list(SUBJECTS),
             "group": list(GROUPS_CATALOGUE)}  # fmt: skip
    if column.name not in codes:
        return column
    return column.map({code: n for n, code in enumerate(codes[column.name])})


def write_results(frame: pd.DataFrame, out_dir: Path) -> dict[str, int]:
    """One Spanish results workbook per country; returns the row count written for each."""
    (out_dir / "results").mkdir(parents=True, exist_ok=True)
    counts = {}
    for iso3, rows in frame.groupby("country_iso3", sort=True):
        data = write_results_workbook(
            rows, country_iso3=str(iso3), lang="es", indicators=default_indicators()
        )
        (out_dir / "results" / f"{iso3}.xlsx").write_bytes(data)
        counts[str(iso3)] = len(rows)
    return counts


# Working groups: code, theme, names (es, pt, en), descriptions (es, pt, en). Fictional meeting.


def build_all(llece_dir: Path, out_dir: Path, worldbank_dir: Path | None = None) -> dict[str, int]:
    """Write every sample workbook into OUT_DIR; returns results rows per country."""
    counts = write_results(results_frame(llece_dir, worldbank_dir), out_dir)
    roster = {"groups": (GROUPS, groups_frame()), "members": (MEMBERS, members_frame())}
    (out_dir / "roster.xlsx").write_bytes(build_sheet_workbook(roster, "es"))
    actions = {"actions": (ACTIONS, actions_frame())}
    (out_dir / "actions.xlsx").write_bytes(build_sheet_workbook(actions, "es"))
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command line: rebuild and print rows per country."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llece", type=Path, default=DEFAULT_LLECE, help="folder with the LLECE CSVs")
    parser.add_argument(
        "--worldbank", type=Path, default=DEFAULT_WORLDBANK, help="folder with the World Bank CSV"
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where to write (default: sample_data/)")
    args = parser.parse_args(argv)
    if not (args.llece / NATIONAL).is_file():
        print(f"LLECE data not found in {args.llece}", file=sys.stderr)
        return 2
    counts = build_all(args.llece, args.out, args.worldbank)
    print(", ".join(f"{iso3} {n}" for iso3, n in counts.items()))
    print(f"{len(counts)} workbooks, {sum(counts.values())} rows; roster.xlsx, actions.xlsx")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

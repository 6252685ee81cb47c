"""What an import did or would do, as the command line prints it: a verdict per country, the
change (added, changed, removed, unchanged; values before -> after; what goes per cycle), problems.

Layer: data_access. Plain text and JSON; only codes, numbers and translated words.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from data_access.core.i18n import t
from data_access.core.models import Indicator
from data_access.meeting.records import MeetingOutcome
from data_access.publishing.imports import ImportResult, by_second_reader
from data_access.publishing.ingest import PublishOutcome
from data_access.publishing.publish_plan import PublishPlan, cycle_label


def _outcome_line(result: ImportResult, outcome: PublishOutcome | MeetingOutcome, lang: str) -> str:
    if isinstance(outcome, PublishOutcome) and outcome.unchanged:
        return t(
            "cli.unchanged",
            lang,
            file=result.file_name,
            country=outcome.country_iso3,
            version=outcome.version,
        )
    if isinstance(outcome, PublishOutcome):  # a results file
        return t(
            "cli.published",
            lang,
            file=result.file_name,
            country=outcome.country_iso3,
            version=outcome.version,
            rows=outcome.row_count,
        )
    return t(
        "cli.meeting_imported", lang, file=result.file_name, created=outcome.created, updated=outcome.updated
    )


def _key_text(row: Any) -> str:  # a row of DataFrame.itertuples
    parts = (row.indicator_code, row.year, row.grade, row.subject, row.group)
    return " ".join(str(p) for p in parts if p is not None and not pd.isna(p))


def _number(value: Any) -> str:
    return "-" if value is None or pd.isna(value) else f"{float(value):g}"


def plan_lines(plan: PublishPlan, lang: str, lower_better: frozenset[str] = frozenset()) -> list[str]:
    """The change a publish makes to one country, as `manage.py import` prints it: the counts, the
    first changed values before -> after (naming indicators where lower is better) and what goes,
    per study cycle and indicator."""
    counts = plan.counts
    mode = t(f"cli.mode_{plan.mode}", lang)
    lines = [t("cli.changes", lang, country=plan.country_iso3, mode=mode, **counts)]
    for row in plan.first_changes().itertuples(index=False):
        flag = t("cli.lower_better", lang) if row.indicator_code in lower_better else ""
        old, new = _number(row.old_value), _number(row.new_value)
        lines.append(t("cli.change_line", lang, figure=_key_text(row), old=old, new=new, flag=flag).rstrip())
    if counts["changed"] > len(plan.first_changes()):
        lines.append(t("cli.more_changes", lang, count=counts["changed"] - len(plan.first_changes())))
    for row in plan.removed_summary().itertuples(index=False):
        lines.append(
            t("cli.removed_line", lang, cycle=row.cycle, indicator=row.indicator_code, count=row.figures)
        )
    if plan.cycles_removed:
        cycles = ", ".join(cycle_label(y) for y in plan.cycles_removed)
        lines.append(t("cli.cycles_removed", lang, cycles=cycles))
    return lines


def repairs_text(repairs: tuple[str, ...], lang: str) -> str:
    """What was put in standard form before reading, in words ("backslash paths, UTF-16 parts")."""
    return ", ".join(t(f"repair.{code}", lang) for code in repairs)


def lower_is_better(indicators: list[Indicator]) -> frozenset[str]:
    """Indicator codes whose rise is bad news (the share at level I, say)."""
    return frozenset(i.code for i in indicators if i.higher_is_better is False)


def result_to_text(
    result: ImportResult, lang: str, lower_better: frozenset[str] = frozenset(), dry_run: bool = False
) -> str:
    """A verdict line per country published (or one for a rejection or a dry run), the change each
    publish makes, then one line per problem."""
    lines = [_outcome_line(result, outcome, lang) for outcome in result.outcomes]
    if dry_run and result.report.ok:
        lines.append(t("cli.dry_run", lang, file=result.file_name))
    elif not result.published:
        lines.append(t("cli.rejected", lang, file=result.file_name, errors=result.report.error_count))
    if result.repairs:
        what = repairs_text(result.repairs, lang)
        lines.append("  " + t("cli.repaired", lang, what=what, reader=result.reader))
    if by_second_reader(result.reader):
        lines.append("  " + t("cli.second_reader", lang, reader=result.reader))
    for plan in result.plans:
        lines += ["  " + line for line in plan_lines(plan, lang, lower_better)]
    lines += [f"  [{p.severity}] {p.code}: {p.message(lang)}" for p in result.report.problems]
    return "\n".join(lines)


def plan_to_json(plan: PublishPlan, lower_better: frozenset[str] = frozenset()) -> dict[str, object]:
    """One country's change for scripts: counts, every row that is not unchanged, what goes."""
    changed = plan.diff[plan.diff["status"] != "unchanged"]
    rows = changed.astype(object).where(changed.notna(), None).to_dict("records")
    for row in rows:
        row["lower_is_better"] = row["indicator_code"] in lower_better
    removed = plan.removed_summary()
    return {
        "country": plan.country_iso3,
        "mode": plan.mode,
        "counts": plan.counts,
        "danger": plan.danger,
        "cycles_removed": list(plan.cycles_removed),
        "removed_by_cycle": removed.astype(object).to_dict("records"),
        "diff": rows,
    }


def result_to_json(
    result: ImportResult, lang: str, lower_better: frozenset[str] = frozenset()
) -> dict[str, object]:
    """The same report for scripts: verdict, what was published and every problem with its location."""
    frame = result.report.to_frame(lang)
    return {
        "file": result.file_name,
        "kind": result.kind,
        "published": result.published,
        "outcomes": [
            {
                "country": getattr(o, "country_iso3", None),
                "version": getattr(o, "version", None),
                "rows": getattr(o, "row_count", None),
                "unchanged": bool(getattr(o, "unchanged", False)),
                "created": getattr(o, "created", None),
                "updated": getattr(o, "updated", None),
            }
            for o in result.outcomes
        ],
        "problems": frame.astype(object).where(frame.notna(), None).to_dict("records"),
        "changes": [plan_to_json(plan, lower_better) for plan in result.plans],
        "reader": {"name": result.reader, "repairs": list(result.repairs)},
    }

"""Publishing without surprises, through the real import path and the real command line: a partial
workbook updates and keeps every other figure; replace removes only when confirmed; the same
figures make no new version; the change is printed, and a rollback or removal reaches the feed.

Layer: tests (unit). Real SQLite stores seeded with the sample meeting, workbooks written by openpyxl.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from cli_store import Store
from result_workbooks import results_xlsx, row

from components.overview.headlines import activity_line
from data_access.core.actors import CLI_ACTOR
from data_access.core.catalogues import list_indicators
from data_access.core.i18n import t
from data_access.core.settings import get_settings
from data_access.core.store import content_hash, make_engine, read_with
from data_access.publishing import versions
from data_access.publishing.imports import import_file, preview_file
from data_access.publishing.ingest import RemovalNotConfirmed
from data_access.publishing.publish_plan import REPLACE, UPDATE, cycle_label, plan_publish
from data_access.stats import queries
from data_access.workbooks.template import build_results_template

# Four figures typed into an empty template: the first thing a coordinator tries.
FOUR = results_xlsx(
    row(value=700.0),
    row(subject="mathematics", value=701.0),
    row(grade=3, value=702.0),
    row(indicator="level_1_pct", value=20.0),
)


def _engine(store: Store):
    return make_engine(store.url)


def _import(store: Store, data: bytes, **options: object):
    engine = _engine(store)
    try:
        settings = get_settings({"ENCUENTRO_DATA_DIR": str(store.folder)})
        return import_file(
            engine=engine, settings=settings, data=data, file_name="per.xlsx", actor=CLI_ACTOR, **options
        )
    finally:
        engine.dispose()


def _per(store: Store) -> pd.DataFrame:
    return store.observations().query("country_iso3 == 'PER'")


def test_a_partial_workbook_updates_and_keeps_every_other_figure(seeded: Store) -> None:
    before = _per(seeded)
    result = _import(seeded, FOUR)
    assert result.published and not result.outcome.unchanged
    assert result.outcome.plan.mode == UPDATE
    assert result.outcome.plan.counts == {
        "added": 0,
        "removed": 0,
        "changed": 4,
        "unchanged": len(before) - 4,
    }
    after = _per(seeded)
    assert len(after) == len(before) == result.outcome.row_count
    assert set(after["year"]) == {2006, 2013, 2019}  # SERCE 2006 and TERCE 2013 are still there
    key = ["indicator_code", "year", "grade", "subject", "group"]
    merged = before.merge(after, on=key, suffixes=("_old", "_new"))
    moved = merged[merged["value_old"] != merged["value_new"]]
    assert sorted(moved["value_new"]) == [20.0, 700.0, 701.0, 702.0]


def test_replace_without_a_confirmation_is_refused_and_changes_nothing(seeded: Store) -> None:
    before = seeded.hash()
    with pytest.raises(RemovalNotConfirmed) as raised:
        _import(seeded, FOUR, mode=REPLACE)
    assert raised.value.params["country"] == "PER" and raised.value.params["count"] == len(_per(seeded)) - 4
    assert "--replace" in raised.value.message("en")
    assert seeded.hash() == before


def test_replace_when_confirmed_makes_the_file_the_whole_set_and_flags_the_danger(seeded: Store) -> None:
    total = len(_per(seeded))
    result = _import(seeded, FOUR, mode=REPLACE, confirm_removals=True)
    plan = result.outcome.plan
    assert result.outcome.row_count == 4 and len(_per(seeded)) == 4
    assert plan.danger and plan.cycles_removed == (2006, 2013)
    assert plan.counts["removed"] == total - 4
    summary = plan.removed_summary()
    assert set(summary["cycle"]) == {"SERCE 2006", "TERCE 2013", "ERCE 2019"}
    assert summary["figures"].sum() == total - 4
    engine = _engine(seeded)
    feed = [activity_line(e, "en") for e in queries.list_recent_activity(engine)]
    engine.dispose()
    assert f"({4} rows; {total - 4} figures removed)" in feed[0]


def test_danger_is_a_whole_cycle_or_more_than_a_fifth() -> None:
    def frame(values: dict[int, int]) -> pd.DataFrame:
        rows = [
            {
                "country_iso3": "PER",
                "indicator_code": "score_mean",
                "year": y,
                "grade": g,
                "subject": "reading",
            }
            | {"group": "total", "value": 700.0}
            for y, count in values.items()
            for g in range(count)
        ]
        return pd.DataFrame(rows)

    active = frame({2013: 5, 2019: 10})
    assert not plan_publish("PER", active, frame({2013: 5, 2019: 8}), REPLACE).danger  # 2 of 15
    assert plan_publish("PER", active, frame({2013: 5, 2019: 6}), REPLACE).danger  # 4 of 15
    one_cycle = plan_publish("PER", frame({2013: 1, 2019: 30}), frame({2019: 30}), REPLACE)
    assert one_cycle.danger and one_cycle.cycles_removed == (2013,)  # 1 of 31, but the whole cycle
    assert not plan_publish("PER", active, frame({2019: 2}), UPDATE).counts["removed"]
    assert cycle_label(2013) == "TERCE 2013" and cycle_label(2021) == "2021"


def test_the_same_figures_make_no_new_version_but_a_changed_note_does(seeded: Store) -> None:
    first = _import(seeded, FOUR)
    before = seeded.hash()
    again = _import(seeded, results_xlsx(row(value=700.0)))  # one of those figures, in another file
    assert again.published and again.outcome.unchanged and again.outcome.version == first.outcome.version
    assert seeded.hash() == before
    noted = _import(seeded, results_xlsx(row(value=700.0, note="revised weights")))
    assert not noted.outcome.unchanged and noted.outcome.version == first.outcome.version + 1


def test_the_template_with_published_figures_comes_back_unchanged(seeded: Store) -> None:
    engine = _engine(seeded)
    template = build_results_template(
        "PER", "es", read_with(engine, list_indicators), versions.active_results(engine, "PER")
    )
    engine.dispose()
    before = seeded.hash()
    result = _import(seeded, template)
    assert result.published and result.outcome.unchanged, [p.code for p in result.report.problems]
    assert seeded.hash() == before


def test_a_rollback_reaches_the_latest_updates(seeded: Store) -> None:
    _import(seeded, FOUR)
    engine = _engine(seeded)
    versions.rollback(engine=engine, actor=CLI_ACTOR, country_iso3="PER", version=1)
    events = queries.list_recent_activity(engine)
    engine.dispose()
    assert events[0]["action"] == "rollback"
    line = activity_line(events[0], "es")
    assert "Perú volvió a la versión 1, ahora versión 3" in line


def test_cli_prints_the_change_and_keeps_every_other_figure(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "per.xlsx"
    path.write_bytes(FOUR)
    total = len(_per(seeded))
    done = seeded.run("import", path, lang="en")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        f"PER ({t('cli.mode_update', 'en')}): 0 added, 4 changed, 0 removed, {total - 4} unchanged"
        in done.stdout
    )
    assert "changes score_mean 2019 6 reading total: 741.22 -> 700" in done.stdout
    lower = t("cli.lower_better", "en")
    assert any(
        line.strip().startswith("changes level_1_pct") and lower in line for line in done.stdout.splitlines()
    )
    assert len(_per(seeded)) == total


def test_cli_dry_run_writes_nothing_and_replace_prints_what_went(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "per.xlsx"
    path.write_bytes(FOUR)
    before, total = seeded.hash(), len(_per(seeded))
    dry = seeded.run("import", path, "--replace", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)[0]
    assert report["dry_run"] and not report["published"]
    change = report["changes"][0]
    assert change["mode"] == "replace" and change["danger"] and change["cycles_removed"] == [2006, 2013]
    assert change["counts"]["removed"] == total - 4
    assert len(change["diff"]) == total  # 4 changed and the rest removed, every row listed
    assert seeded.hash() == before

    done = seeded.run("import", path, "--replace", lang="en")
    assert done.returncode == 0, done.stderr
    assert f"{total - 4} removed" in done.stdout
    assert "removes TERCE 2013 · score_mean:" in done.stdout
    assert t("cli.cycles_removed", "en", cycles="SERCE 2006, TERCE 2013") in done.stdout
    assert len(_per(seeded)) == 4


def test_preview_file_plans_without_writing(seeded: Store) -> None:
    engine = _engine(seeded)
    before = content_hash(engine)
    settings = get_settings({"ENCUENTRO_DATA_DIR": str(seeded.folder)})
    result = preview_file(engine=engine, settings=settings, data=FOUR, file_name="per.xlsx", mode=REPLACE)
    assert not result.published and result.plans[0].counts["changed"] == 4
    assert content_hash(engine) == before
    engine.dispose()


def test_cli_template_with_published_figures_imports_back_without_a_new_version(
    seeded: Store, tmp_path: Path
) -> None:
    template = tmp_path / "per.xlsx"
    assert seeded.run("template", "--country", "PER", "--published", template).returncode == 0
    before = seeded.hash()
    done = seeded.run("import", template, "--country", "PER", lang="en")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "already has these figures published (version 1)" in done.stdout
    assert seeded.hash() == before


def test_reimporting_an_export_makes_no_new_version(seeded: Store, tmp_path: Path) -> None:
    export = tmp_path / "all.xlsx"
    assert seeded.run("export", export).returncode == 0
    before = seeded.hash()
    done = seeded.run("import", export, lang="en")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("already has these figures published") == len(seeded.countries())
    assert seeded.hash() == before

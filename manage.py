"""The command line: python manage.py COMMAND ... (exit 0 success, 2 rejected input, 1 failure)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from data_access.core.actors import COORDINATOR, ORGANIZER
from data_access.core.errors import EncuentroError
from data_access.core.settings import LANGUAGES, get_settings
from data_access.core.store import STORE_ERRORS, store_failure
from data_access.operations import cli_tasks
from data_access.publishing import import_report
from data_access.publishing.publish_plan import REPLACE, UPDATE

EXIT_OK, EXIT_FAILURE, EXIT_REJECTED = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """Sub-commands as DESIGN.md lists them; the README documents each."""
    parser = argparse.ArgumentParser(prog="manage.py", description="Encuentro: the store and its files.")
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help="language of messages (default: es)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or upgrade the store and load the reference catalogues")
    sub.add_parser("seed", help="import the sample meeting into an empty store")
    imp = sub.add_parser("import", help="import results, roster or actions workbooks")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--country", help="ISO3 code the results must belong to")
    sql = sub.add_parser("import-sqlite", help="import the `results` table of a SQLite database")
    sql.add_argument("db", type=Path)
    sql.add_argument("--country", help="ISO3 code the results must belong to")
    for command in (imp, sql):
        command.add_argument(
            "--json", action="store_true", help="print a machine-readable report, with the diff"
        )
        command.add_argument(
            "--replace",
            action="store_true",
            help="the file becomes each country's whole set: published figures it lacks are removed "
            "(default: update, which replaces only the figures the file has and keeps the rest)",
        )
        command.add_argument(
            "--dry-run", action="store_true", help="check the file and print the change; publish nothing"
        )
    tpl = sub.add_parser("template", help="write a country's results template")
    tpl.add_argument("out", type=Path)
    tpl.add_argument("--country", required=True, help="ISO3 code")
    tpl.add_argument("--template-lang", dest="template_lang", choices=LANGUAGES, default=None)
    tpl.add_argument(
        "--published", action="store_true", help="fill it with the country's published figures, to edit"
    )
    exp = sub.add_parser("export", help="write every published figure to OUT.xlsx or OUT.csv")
    exp.add_argument("out", type=Path)
    rep = sub.add_parser("report", help="write the meeting report (PDF), and optionally its data and briefs")
    rep.add_argument("out", type=Path, help="the report, OUT.pdf")
    rep.add_argument(
        "--lang", dest="report_lang", choices=LANGUAGES, default=None, help="language of the report and pack"
    )
    rep.add_argument(
        "--pack", type=Path, help="also write every published figure and a sources sheet (.xlsx)"
    )
    rep.add_argument("--briefs", type=Path, help="also write one brief per country in es, pt and en here")
    bak = sub.add_parser(
        "backup", help="write a consistent copy of the store (SQLite), safe while the app runs"
    )
    bak.add_argument(
        "out", type=Path, nargs="?", help="the copy (default: DATA_DIR/encuentro-backup-DATE.db)"
    )
    res = sub.add_parser(
        "restore", help="make a backup the store, after checking it; the replaced store is kept"
    )
    res.add_argument("backup", type=Path)
    res.add_argument("--yes", action="store_true", help="replace a store that holds published results")
    sub.add_parser("check", help="check the store: integrity, every kept original, the version chains")
    usr = sub.add_parser("create-user", help="create an organizer or a country coordinator account")
    usr.add_argument("name")
    usr.add_argument("--role", required=True, choices=(ORGANIZER, COORDINATOR))
    usr.add_argument("--country", help="ISO3 code of a coordinator's country")
    usr.add_argument(
        "--password-file", type=Path, help="read the password from this file's first line (else asked twice)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; expected problems print a message, bugs a traceback."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    settings = get_settings()
    lang = args.lang or settings.default_lang
    try:
        return _dispatch(args)
    except cli_tasks.CommandError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except EncuentroError as err:  # a store that cannot be used, a busy store: what and what now
        print(f"error: {err.message(lang)}", file=sys.stderr)
        return EXIT_FAILURE
    except STORE_ERRORS as err:
        print(f"error: {store_failure(err, settings.database_url).message(lang)}", file=sys.stderr)
        return EXIT_FAILURE


def _dispatch(args: argparse.Namespace) -> int:
    tasks = cli_tasks.Tasks.from_environment(lang=args.lang)
    if args.command == "init":
        return tasks.init()
    if args.command == "seed":
        return tasks.seed()
    if args.command in ("import", "import-sqlite"):
        return _import(tasks, args)
    if args.command == "template":
        lang = args.template_lang or tasks.lang
        return tasks.template(args.out, country=args.country, lang=lang, published=args.published)
    if args.command == "export":
        return tasks.export(args.out)
    if args.command == "report":
        return _report(tasks, args)
    if args.command == "backup":
        return tasks.backup(args.out)
    if args.command == "restore":
        return tasks.restore(args.backup, yes=args.yes)
    if args.command == "check":
        return tasks.check()
    if args.command == "create-user":
        password = cli_tasks.read_password(args.password_file, tasks.lang)
        return tasks.create_user(args.name, role=args.role, country=args.country, password=password)
    raise AssertionError(args.command)


def _import(tasks: cli_tasks.Tasks, args: argparse.Namespace) -> int:
    files = args.files if args.command == "import" else [args.db]
    mode = REPLACE if args.replace else UPDATE
    results = tasks.import_files(files, country=args.country, mode=mode, dry_run=args.dry_run)
    lower = import_report.lower_is_better(tasks.indicators())
    if args.json:
        report = [
            import_report.result_to_json(r, tasks.lang, lower) | {"dry_run": args.dry_run} for r in results
        ]
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        for result in results:
            print(import_report.result_to_text(result, tasks.lang, lower, dry_run=args.dry_run))
    if args.dry_run:
        return EXIT_OK if all(r.report.ok for r in results) else EXIT_REJECTED
    return EXIT_OK if all(r.published for r in results) else EXIT_REJECTED


def _report(tasks: cli_tasks.Tasks, args: argparse.Namespace) -> int:
    # Imported here: the report draws charts through components (Streamlit's loaders, in bare
    # mode, whose "no runtime" warnings are noise on a console), which other commands need not load.
    import streamlit.logger

    streamlit.logger.set_log_level("error")
    from components.report import meeting_report as report

    return tasks.report(
        args.out,
        lang=args.report_lang or tasks.lang,
        build_report=report.build_report,
        build_briefs=report.build_briefs,
        pack=args.pack,
        briefs=args.briefs,
    )


if __name__ == "__main__":
    sys.exit(main())

"""What the command line does, as plain functions: init, seed, import, template, export, create-user.

Layer: data_access (manage.py only parses arguments and prints).
"""

from __future__ import annotations

import functools
import getpass
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from data_access.core.accounts import BOOTSTRAP_FILE, bootstrap_organizer, create_user
from data_access.core.actors import CLI_ACTOR, SAMPLE_ACTOR, Actor
from data_access.core.catalogues import list_indicators, resolve_country, seed_reference
from data_access.core.errors import EncuentroError
from data_access.core.i18n import normalize_lang, t
from data_access.core.models import Indicator, Submission
from data_access.core.settings import Settings, get_settings
from data_access.core.store import STORE_ERRORS, engine_for, migrate, read_with, session_scope, sqlite_path
from data_access.operations import backup
from data_access.publishing.import_report import result_to_text
from data_access.publishing.imports import ImportResult, import_file, preview_file
from data_access.publishing.publish_plan import REPLACE, UPDATE
from data_access.publishing.versions import active_results
from data_access.reports import exports
from data_access.reports.report_pack import build_pack
from data_access.reports.report_pdf import RenderedPdf
from data_access.stats import queries
from data_access.workbooks.template import build_results_template

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"


class CommandError(Exception):
    """An expected failure with a message for the console and an exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def sample_files(sample_dir: Path = SAMPLE_DIR) -> list[Path]:
    """The sample meeting in import order: groups before the actions that name them."""
    return [
        *sorted((sample_dir / "results").glob("*.xlsx")),
        sample_dir / "roster.xlsx",
        sample_dir / "actions.xlsx",
    ]


@dataclass
class Tasks:
    settings: Settings
    lang: str

    @classmethod
    def from_environment(cls, lang: str | None = None) -> Tasks:
        settings = get_settings()
        return cls(settings, normalize_lang(lang or settings.default_lang))

    @functools.cached_property
    def engine(self) -> Engine:
        """Opened on first use: `restore` must work when the store it replaces is unusable."""
        return engine_for(self.settings)

    def init(self) -> int:
        """Create or upgrade the schema and add missing reference rows."""
        self._prepare_store()
        print(t("cli.initialised", self.lang, url=_safe_url(self.settings.database_url)))
        created = bootstrap_organizer(self.engine, self.settings.data_dir)
        if created:
            path = self.settings.data_dir / BOOTSTRAP_FILE
            print(t("cli.first_organizer", self.lang, name=created[0], password=created[1], path=path))
        return 0

    def _prepare_store(self) -> None:
        # An import into a store never `init`ed must still see the indicator catalogue.
        migrate(self.engine)
        with session_scope(self.engine) as session:
            seed_reference(session=session)

    def seed(self) -> int:
        """Import the sample meeting, only into a store without results (never over real data)."""
        self.init()
        with self.engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(Submission)).scalar_one():
                print(t("cli.seed_skipped", self.lang))
                return 0
        results = self.import_files(sample_files(), actor=SAMPLE_ACTOR)
        for result in results:
            print(result_to_text(result, self.lang))
        return 0 if all(r.published for r in results) else 2

    def import_files(
        self,
        paths: list[Path],
        *,
        country: str | None = None,
        actor: Actor = CLI_ACTOR,
        mode: str = UPDATE,
        dry_run: bool = False,
    ) -> list[ImportResult]:
        """Import each file on its own: one file's errors do not stop the others. MODE update keeps
        the figures a file leaves out; replace (`--replace`) removes them, and saying it is the
        confirmation. DRY_RUN checks and plans, writing nothing."""
        self._prepare_store()
        iso3 = None
        if country:
            iso3 = resolve_country(country)
            if iso3 is None:
                raise CommandError(t("cli.unknown_country", self.lang, value=country), exit_code=2)
        out = []
        for path in paths:
            if not path.is_file():
                raise CommandError(t("cli.no_file", self.lang, path=path), exit_code=2)
            common: dict[str, Any] = {
                "engine": self.engine,
                "settings": self.settings,
                "data": path.read_bytes(),
            }
            common |= {"file_name": path.name, "country": iso3, "mode": mode}
            if dry_run:
                out.append(preview_file(**common))
            else:
                out.append(import_file(**common, actor=actor, confirm_removals=mode == REPLACE))
        return out

    def backup(self, out: Path | None) -> int:
        """A consistent copy of the store, safe while the app runs."""
        out = out or self.settings.data_dir / backup.backup_name()
        size = backup.backup_to(self.engine, out)
        print(t("cli.backup_done", self.lang, path=out, mb=round(size / 1024 / 1024, 1)))
        return 0

    def restore(self, source: Path, *, yes: bool = False) -> int:
        """BACKUP becomes the store after its checks; the store it replaces is kept beside it."""
        store = sqlite_path(self.settings.database_url)
        if store is None:
            raise backup.NotSqliteStore()
        backup.verify_backup(source)
        published = self._published_versions(store)
        if published != 0 and not yes:
            key = "cli.restore_needs_yes" if published is not None else "cli.restore_needs_yes_unusable"
            raise CommandError(t(key, self.lang, path=store, versions=published), exit_code=2)
        kept = backup.restore_from(store, source)
        print(t("cli.restore_done", self.lang, path=store, source=source))
        if kept is not None:
            print(t("cli.restore_kept", self.lang, path=kept))
        return 0

    def _published_versions(self, store: Path) -> int | None:
        """How many versions the store holds (None when it cannot be read: confirm all the same)."""
        if not store.exists():
            return 0
        try:
            with self.engine.connect() as conn:
                return int(conn.execute(select(func.count()).select_from(Submission)).scalar_one())
        except (EncuentroError, *STORE_ERRORS):
            return None

    def check(self) -> int:
        """Integrity, every kept original against its sha256, the version chains; 0 when all hold."""
        report = backup.check_store(self.engine)
        print(t("cli.check_integrity", self.lang, result=report.integrity))
        print(t("cli.check_originals", self.lang, count=report.originals))
        for what, detail in report.findings:
            print(t(f"cli.check_{what}", self.lang, detail=detail))
        print(t("cli.check_ok" if report.ok else "cli.check_failed", self.lang))
        return 0 if report.ok else 1

    def indicators(self) -> list[Indicator]:
        """The indicator catalogue as the store has it."""
        return read_with(self.engine, list_indicators)

    def template(self, out: Path, *, country: str, lang: str, published: bool = False) -> int:
        """Write the country's results template in LANG, empty or holding its PUBLISHED figures."""
        iso3 = resolve_country(country)
        if iso3 is None:
            raise CommandError(t("cli.unknown_country", self.lang, value=country), exit_code=2)
        self.init()
        rows = active_results(self.engine, iso3) if published else None
        out.write_bytes(build_results_template(iso3, lang, self.indicators(), rows))
        print(t("cli.wrote", self.lang, path=out))
        return 0

    def export(self, out: Path) -> int:
        """Every published figure, in the template's columns, so it imports again unchanged."""
        migrate(self.engine)
        frame = queries.list_observations(self.engine)
        suffix = out.suffix.lower()
        if suffix == ".csv":
            out.write_bytes(exports.export_results_csv(frame))
        elif suffix == ".xlsx":
            out.write_bytes(exports.export_results_xlsx(frame, self.lang))
        else:
            raise CommandError(t("cli.export_suffix", self.lang), exit_code=2)
        print(t("cli.exported", self.lang, rows=len(frame), path=out))
        return 0

    def report(
        self,
        out: Path,
        *,
        lang: str,
        build_report: Callable[[str], RenderedPdf],
        build_briefs: Callable[[], dict[str, bytes]],
        pack: Path | None = None,
        briefs: Path | None = None,
    ) -> int:
        """The meeting report in LANG; optionally the data pack and every country's briefs.

        The builders come from the caller (components), since charts are drawn above this layer.
        """
        if out.suffix.lower() != ".pdf":
            raise CommandError(t("outcome.cli_pdf_suffix", self.lang), exit_code=2)
        if pack is not None and pack.suffix.lower() != ".xlsx":
            raise CommandError(t("outcome.cli_pack_suffix", self.lang), exit_code=2)
        if briefs is not None and briefs.exists() and not briefs.is_dir():
            raise CommandError(t("outcome.cli_not_a_folder", self.lang, path=briefs), exit_code=2)
        self._prepare_store()
        rendered = build_report(lang)
        out.write_bytes(rendered.data)
        print(t("outcome.cli_wrote_pdf", self.lang, path=out, pages=rendered.pages, charts=rendered.figures))
        if pack is not None:
            pack.write_bytes(build_pack(self.engine, lang))
            rows = queries.count_observations(self.engine)
            print(t("outcome.cli_wrote_pack", self.lang, path=pack, rows=rows))
        if briefs is not None:
            briefs.mkdir(parents=True, exist_ok=True)
            files = build_briefs()
            for name, data in files.items():
                (briefs / name).write_bytes(data)
            print(t("outcome.cli_wrote_briefs", self.lang, count=len(files), path=briefs))
        return 0

    def create_user(self, name: str, *, role: str, country: str | None, password: str) -> int:
        """Create an account as the command line's operator; rejected input is exit 2."""
        iso3 = None
        if country:
            iso3 = resolve_country(country)
            if iso3 is None:
                raise CommandError(t("cli.unknown_country", self.lang, value=country), exit_code=2)
        self._prepare_store()
        try:
            create_user(
                engine=self.engine,
                actor=CLI_ACTOR,
                username=name,
                password=password,
                role=role,
                country_iso3=iso3,
            )
        except EncuentroError as err:
            raise CommandError(err.message(self.lang), exit_code=2) from None
        where = f", {iso3}" if iso3 else ""
        role_name = t(f"auth.role_{role}", self.lang)
        print(t("cli.user_created", self.lang, name=name, role=role_name, country=where))
        return 0


def read_password(path: Path | None, lang: str) -> str:
    """The first line of PATH, or typed twice without echo when no file is given."""
    if path is not None:
        if not path.is_file():
            raise CommandError(t("cli.no_file", lang, path=path), exit_code=2)
        lines = path.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    first = getpass.getpass(t("cli.password_prompt", lang))
    if getpass.getpass(t("cli.password_again", lang)) != first:
        raise CommandError(t("cli.password_mismatch", lang), exit_code=2)
    return first


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url

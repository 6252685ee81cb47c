"""`python manage.py create-user`: as people run it (a subprocess), then in-process for the
rejected inputs, each of which exits 2 with a translated message and creates nothing.

Layer: tests (unit). Each test points ENCUENTRO_DATA_DIR at its own folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

import manage
from data_access.core import accounts
from data_access.core.actors import COORDINATOR, ORGANIZER, Actor
from data_access.core.i18n import t
from data_access.core.models import User
from data_access.core.settings import get_settings
from data_access.core.store import make_engine
from data_access.operations import cli_tasks

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "una clave bastante larga"


def _engine(folder: Path):
    return make_engine(get_settings({"ENCUENTRO_DATA_DIR": str(folder)}).database_url)


def _users(folder: Path) -> list[tuple[str, str, str | None]]:
    engine = _engine(folder)
    try:
        with engine.connect() as conn:
            if not conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name='user'").first():
                return []
            return [tuple(r) for r in conn.execute(select(User.username, User.role, User.country_iso3))]
    finally:
        engine.dispose()


def _password_file(folder: Path, text: str = PASSWORD + "\nsecond line is ignored\n") -> Path:
    path = folder / "password.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _run(folder: Path, *args: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ENCUENTRO_DATA_DIR"] = str(folder)
    command = [sys.executable, "manage.py", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_create_user_from_a_password_file_then_log_in(tmp_path: Path):
    folder = tmp_path / "data"
    done = _run(folder, "--lang", "en", "create-user", "ana", "--role", "coordinator", "--country", "Perú",
                "--password-file", _password_file(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ana" in done.stdout and "PER" in done.stdout and PASSWORD not in done.stdout
    engine = _engine(folder)
    try:
        assert accounts.authenticate(engine, "ana", PASSWORD) == Actor("ana", COORDINATOR, "PER")
    finally:
        engine.dispose()
    # an account exists, so `init` does not make the random first organizer any more
    assert _run(folder, "init").returncode == 0
    assert _users(folder) == [("ana", COORDINATOR, "PER")]


def test_a_rejected_account_exits_2_in_a_subprocess(tmp_path: Path):
    folder = tmp_path / "data"
    done = _run(
        folder, "create-user", "ana", "--role", "coordinator", "--password-file", _password_file(tmp_path)
    )
    assert done.returncode == 2
    assert t("error.invalid_account", "es") in done.stderr  # Spanish unless --lang says otherwise
    assert _users(folder) == []


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("ENCUENTRO_DATA_DIR", str(folder))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ENCUENTRO_DEFAULT_LANG", raising=False)
    return folder


def _main(*args: str) -> int:
    return manage.main(["--lang", "en", *args])


REJECTIONS = [
    pytest.param(
        ["--role", "coordinator"],
        PASSWORD,
        t("error.invalid_account", "en"),
        id="coordinator-without-country",
    ),
    pytest.param(
        ["--role", "organizer", "--country", "PER"],
        PASSWORD,
        t("error.invalid_account", "en"),
        id="organizer-with-country",
    ),
    pytest.param(
        ["--role", "coordinator", "--country", "Atlantis"],
        PASSWORD,
        t("cli.unknown_country", "en", value="Atlantis"),
        id="unknown-country",
    ),
    pytest.param(
        ["--role", "organizer"],
        "short",
        t("error.weak_password", "en", minimum=accounts.MIN_PASSWORD),
        id="weak-password",
    ),
    pytest.param(["--role", "organizer"], "", t("error.weak_password", "en", minimum=10), id="empty-file"),
]


@pytest.mark.parametrize(("options", "password", "message"), REJECTIONS)
def test_rejected_input_exits_2_with_the_message(data_dir, tmp_path, capsys, options, password, message):
    code = _main("create-user", "ana", *options, "--password-file", str(_password_file(tmp_path, password)))
    assert code == 2
    assert message in capsys.readouterr().err
    assert _users(data_dir) == []


def test_an_existing_name_exits_2(data_dir, tmp_path, capsys):
    password_file = str(_password_file(tmp_path))
    assert _main("create-user", "ana", "--role", "organizer", "--password-file", password_file) == 0
    assert _main("create-user", "ana", "--role", "coordinator", "--country", "COL",
                 "--password-file", password_file) == 2  # fmt: skip
    assert t("error.user_exists", "en", name="ana") in capsys.readouterr().err
    assert _users(data_dir) == [("ana", ORGANIZER, None)]


def test_a_missing_password_file_exits_2(data_dir, tmp_path, capsys):
    missing = tmp_path / "nowhere.txt"
    assert _main("create-user", "ana", "--role", "organizer", "--password-file", str(missing)) == 2
    assert t("cli.no_file", "en", path=missing) in capsys.readouterr().err


def test_an_unknown_role_is_an_argument_error(data_dir, tmp_path):
    with pytest.raises(SystemExit) as exited:
        _main("create-user", "ana", "--role", "delegate", "--password-file", str(_password_file(tmp_path)))
    assert exited.value.code == 2


def _typed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    prompts: list[str] = []
    replies = iter(answers)

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(replies)

    monkeypatch.setattr(cli_tasks.getpass, "getpass", fake_getpass)
    return prompts


def test_a_typed_password_is_asked_twice(data_dir, monkeypatch):
    prompts = _typed(monkeypatch, PASSWORD, PASSWORD)
    assert manage.main(["--lang", "pt", "create-user", "bia", "--role", "organizer"]) == 0
    assert prompts == [t("cli.password_prompt", "pt"), t("cli.password_again", "pt")]
    assert _users(data_dir) == [("bia", ORGANIZER, None)]


def test_two_different_typed_passwords_exit_2(data_dir, monkeypatch, capsys):
    _typed(monkeypatch, PASSWORD, PASSWORD + "!")
    assert _main("create-user", "bia", "--role", "organizer") == 2
    assert t("cli.password_mismatch", "en") in capsys.readouterr().err
    assert _users(data_dir) == []

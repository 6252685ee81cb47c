"""Conventions as tests: arrows point down, every page is registered and set up, texts exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from components.navigation import PAGES
from data_access.i18n import load_texts
from data_access.problems import Code
from data_access.settings import LANGUAGES, SETTINGS_HELP

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"data_access": 0, "components": 1, "routes": 1, "pages": 2}
SIBLINGS = {"components": {"routes"}, "routes": {"components"}}  # same height, no arrow between
PAGE_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
SOURCE_FILES = [
    *PAGE_FILES,
    ROOT / "serve.py",
    *sorted(ROOT.glob("components/*.py")),
    *sorted(ROOT.glob("routes/*.py")),
    *sorted(ROOT.glob("data_access/*.py")),
]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _layer(path: Path) -> int:
    return 2 if path.parent == ROOT or path.parent.name == "pages" else LAYERS[path.parent.name]


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path):
    own = _layer(path)
    for name in _imports(path):
        top = name.split(".")[0]
        if top in LAYERS or top == "app":
            assert LAYERS.get(top, 2) <= own, f"{path.name} imports {name}: arrows point down only"
            assert top not in SIBLINGS.get(path.parent.name, ()), f"{path.name} imports {name}: siblings"
    if own == 0:
        assert not {n.split(".")[0] for n in _imports(path)} & {"streamlit", "altair"}, (
            "data_access is UI-free"
        )
    if path.parent.name == "routes":
        assert "streamlit" not in {n.split(".")[0] for n in _imports(path)}, (
            "routes answer HTTP, no script API"
        )
    if own >= 1:
        banned = {"sqlalchemy", "sqlmodel", "sqlite3"}
        assert not {n.split(".")[0] for n in _imports(path)} & banned, "only data_access touches the database"


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_every_page_is_registered_and_starts_with_the_setup_call(path):
    registered = {page.file for page in PAGES}
    assert str(path.relative_to(ROOT)) in registered
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body = [n for n in tree.body if not isinstance(n, ast.Import | ast.ImportFrom)]
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    first = body[0]
    value = first.value if isinstance(first, ast.Assign | ast.Expr) else None
    assert isinstance(value, ast.Call) and getattr(value.func, "id", "") == "setup_page", (
        "first call: setup_page"
    )
    assert "set_page_config" not in path.read_text(encoding="utf-8")
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 120


def test_every_registered_page_exists():
    for page in PAGES:
        assert (ROOT / page.file).is_file(), page.file


def test_every_text_exists_in_every_language():
    for key, entry in load_texts().items():
        assert set(entry) == set(LANGUAGES), f"{key} has {sorted(entry)}"
        fields = {lang: set(re.findall(r"{(\w+)}", entry[lang])) for lang in LANGUAGES}
        assert all(text.strip() for text in entry.values()), f"{key} has an empty translation"
        assert fields["es"] == fields["pt"] == fields["en"], f"{key}: placeholders differ {fields}"


def test_every_text_key_used_in_code_exists():
    texts = load_texts()
    used: set[str] = set()
    for path in [*SOURCE_FILES, ROOT / "manage.py"]:
        used |= set(
            re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", path.read_text(encoding="utf-8"))
        )
    missing = sorted(k for k in used if k not in texts)
    assert not missing, f"text keys used but not defined: {missing}"


def test_readme_documents_every_setting_and_problem_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in SETTINGS_HELP if f"`{name}`" not in readme] == []
    assert [code.value for code in Code if f"`{code.value}`" not in readme] == []


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_sizes(path):
    limit = 120 if _layer(path) == 2 else 300
    assert len(path.read_text(encoding="utf-8").splitlines()) <= limit


def test_no_unsafe_html():
    for path in SOURCE_FILES:
        assert "unsafe_allow_html" not in path.read_text(encoding="utf-8"), path.name

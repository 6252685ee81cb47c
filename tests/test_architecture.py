"""Conventions as tests: arrows point down, every page is registered and set up, texts exist."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from components.shell.navigation import PAGES
from data_access.core.i18n import load_texts
from data_access.core.settings import LANGUAGES, SETTINGS_HELP
from data_access.workbooks.problems import Code

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"data_access": 0, "components": 1, "routes": 1, "pages": 2}
SIBLINGS = {"components": {"routes"}, "routes": {"components"}}  # same height, no arrow between
PAGE_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
SOURCE_FILES = [
    *PAGE_FILES,
    ROOT / "serve.py",
    *sorted(ROOT.glob("components/*/*.py")),
    *sorted(ROOT.glob("routes/*.py")),
    *sorted(ROOT.glob("data_access/*/*.py")),
]
SOURCE_FILES = [path for path in SOURCE_FILES if path.parent.name != "migrations"]
MAX_MODULES = 12  # per folder: past a dozen, a folder wants domains of its own
# The allowed arrows between the folders of one layer (the README's map says the same).
# A folder may always use itself, and every layer may use every folder of the layers below it.
FOLDER_ARROWS: dict[str, dict[str, set[str]]] = {
    "data_access": {
        "core": set(),
        "workbooks": {"core"},
        "stats": {"core"},
        "meeting": {"core", "workbooks", "stats"},
        "publishing": {"core", "workbooks", "meeting"},
        "reports": {"core", "workbooks", "stats", "publishing"},
        "operations": {"core", "workbooks", "stats", "meeting", "publishing", "reports"},
    },
    "components": {
        "shell": set(),
        "charts": {"shell"},
        "groups": {"shell"},
        "actions": {"shell", "charts"},
        "compare": {"shell", "charts"},
        "overview": {"shell", "charts", "compare"},
        "country": {"shell", "charts", "compare", "actions"},
        "upload": {"shell", "country"},
        "report": {"shell", "charts", "compare", "country", "groups", "actions"},
        "admin": {"shell", "charts", "report"},
        "present": {"shell", "charts", "groups", "actions", "report"},
    },
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module in FOLDER_ARROWS:  # from data_access import core
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _layer(path: Path) -> int:
    if path.parent == ROOT or path.parent.name == "pages":
        return 2
    return LAYERS[path.relative_to(ROOT).parts[0]]


def arrow_violations(root: Path) -> list[str]:
    """Every import between folders of one layer that the map does not allow, and every module
    that sits outside the map's folders."""
    found = []
    for layer, arrows in FOLDER_ARROWS.items():
        for path in sorted((root / layer).rglob("*.py")):
            parts = path.relative_to(root / layer).parts
            if parts[0] == "migrations" or parts == ("__init__.py",):
                continue
            if len(parts) != 2 or parts[0] not in arrows:
                found.append(f"{layer}/{'/'.join(parts)} is outside the map's folders")
                continue
            for name in _imports(path):
                target = name.split(".")
                if target[0] == layer and len(target) > 1 and target[1] not in {parts[0], *arrows[parts[0]]}:
                    found.append(
                        f"{layer}/{'/'.join(parts)} imports {name}: no arrow {parts[0]} -> {target[1]}"
                    )
    return found


def test_folders_import_only_along_the_map():
    assert arrow_violations(ROOT) == []


def test_an_arrow_outside_the_map_fails(tmp_path):
    """The check is not vacuous: one added import against the map, one module outside the folders."""
    for layer in FOLDER_ARROWS:
        shutil.copytree(ROOT / layer, tmp_path / layer, ignore=shutil.ignore_patterns("__pycache__"))
    assert arrow_violations(tmp_path) == []
    (tmp_path / "data_access" / "core" / "upward.py").write_text(
        "from data_access.reports.exports import export_results_csv\n", encoding="utf-8"
    )
    (tmp_path / "components" / "shell" / "sideways.py").write_text("import components.admin.shared\n")
    (tmp_path / "components" / "loose.py").write_text('"""Flat again."""\n', encoding="utf-8")
    assert sorted(arrow_violations(tmp_path)) == [
        "components/loose.py is outside the map's folders",
        "components/shell/sideways.py imports components.admin.shared: no arrow shell -> admin",
        "data_access/core/upward.py imports data_access.reports.exports: no arrow core -> reports",
    ]


def test_the_map_has_no_cycle_and_names_every_folder():
    for layer, arrows in FOLDER_ARROWS.items():
        folders = {p.name for p in (ROOT / layer).iterdir() if (p / "__init__.py").is_file()}
        assert folders == set(arrows), layer
        done: set[str] = set()
        while len(done) < len(arrows):  # peel folders whose arrows all point at peeled ones
            ready = {f for f, uses in arrows.items() if f not in done and uses <= done}
            assert ready, f"{layer}: a cycle among {sorted(set(arrows) - done)}"
            done |= ready


@pytest.mark.parametrize("layer", sorted(FOLDER_ARROWS))
def test_no_folder_holds_more_than_a_dozen_modules(layer):
    for folder in (ROOT / layer).iterdir():
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"] if folder.is_dir() else []
        assert len(modules) <= MAX_MODULES, f"{folder.name}: {len(modules)} modules"
    assert [p.name for p in (ROOT / layer).glob("*.py")] == ["__init__.py"], "modules live in folders"


def test_every_folder_says_what_it_owns_and_may_use():
    for layer, arrows in FOLDER_ARROWS.items():
        for folder, uses in arrows.items():
            doc = ast.get_docstring(ast.parse((ROOT / layer / folder / "__init__.py").read_text()))
            assert doc and "May use:" in doc, f"{layer}/{folder}"
            said = doc.split("May use:")[1]
            assert all(name in said for name in uses), f"{layer}/{folder}: {said.strip()} vs {sorted(uses)}"


def test_the_readme_map_matches_the_folders():
    """The README's map (lines `layer/folder/  -> uses  what it owns`) says what FOLDER_ARROWS says."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    drawn: dict[str, dict[str, set[str]]] = {layer: {} for layer in FOLDER_ARROWS}
    for layer, folder, uses in re.findall(
        r"^(data_access|components)/(\w+)/ +-> ([\w, ]*?)(?:  |$)", readme, re.M
    ):
        drawn[layer][folder] = {name.strip() for name in uses.split(",") if name.strip() not in ("", "none")}
    assert drawn == FOLDER_ARROWS


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path):
    own = _layer(path)
    for name in _imports(path):
        top = name.split(".")[0]
        if top in LAYERS or top == "app":
            assert LAYERS.get(top, 2) <= own, f"{path.name} imports {name}: arrows point down only"
            assert top not in SIBLINGS.get(path.relative_to(ROOT).parts[0], ()), f"{path.name} imports {name}"
    if own == 0:
        assert not {n.split(".")[0] for n in _imports(path)} & {"streamlit", "altair"}, (
            "data_access is UI-free"
        )
    if path.relative_to(ROOT).parts[0] == "routes":
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


def test_the_type_check_catches_a_wrong_argument_type(tmp_path):
    """`make test` runs mypy on data_access; the configuration is strict enough to refuse a call
    with a wrong argument type (here a file name where the publish wants bytes)."""
    wrong = tmp_path / "wrong_call.py"
    wrong.write_text(
        "from data_access.core.audit import sha256_of\n\nsha256_of('results.xlsx')\n", encoding="utf-8"
    )
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), str(wrong)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'incompatible type "str"; expected "bytes"' in done.stdout

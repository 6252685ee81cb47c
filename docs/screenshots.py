"""Every page as a new visitor sees it, at 390x844 (a phone) and 1920x1080 (a laptop or the
projector), written to docs/screens/. Run after a change to how pages look:

    .venv/bin/python docs/screenshots.py            # Spanish; --lang pt or en for the others

It seeds a throw-away store with the sample meeting, serves the app as `make run` does and drives
Debian's Chromium (never a downloaded browser). Public pages are taken anonymously with Peru as
"my country"; /upload after Peru's coordinator, /admin and the presenter after an organizer log in
through the side menu (a login
lives in its browser tab, so those pages are reached through the menu, not by address).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import CHROMIUM_ARGS, READY, serve  # noqa: E402
from data_access.core.i18n import t  # noqa: E402

OUT = ROOT / "docs" / "screens"
PHONE, WIDE = {"width": 390, "height": 844}, {"width": 1920, "height": 1080}
PUBLIC = {  # file name: address (the language is added)
    "overview": "/?mine=PER",
    "compare": "/compare?chart=ranking&indicator=below_min_wb_pct&grade=6&subject=reading&year=2013&mine=PER",
    "compare_levels": "/compare?chart=levels&mine=PER",
    "country": "/country?country=PER&mine=PER",
    "working_groups": "/working_groups?mine=PER",
    "actions": "/actions?mine=PER",
    "follow": "/present?follow=1&mine=PER",
}
ORGANIZER, COORDINATOR, PASSWORD = "docs_org", "docs_per", "correct horse battery"


def settle(page, wait_ms: int = 2500) -> None:
    """A run has finished and its charts are drawn."""
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_timeout(wait_ms)


def log_in(page, url: str, username: str, lang: str) -> None:
    page.goto(f"{url}/?lang={lang}")
    settle(page, 500)
    if page.get_by_test_id("stExpandSidebarButton").is_visible():  # a phone: open the menu first
        page.get_by_test_id("stExpandSidebarButton").click()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text(t("auth.log_in", lang), exact=True).first.click()
    sidebar.get_by_label(t("auth.username", lang)).fill(username)
    sidebar.get_by_label(t("auth.password", lang)).fill(PASSWORD)
    sidebar.get_by_role("button", name=t("auth.log_in", lang)).click()
    page.wait_for_selector(f"text={username}", state="attached")
    settle(page, 500)


def through_menu(page, key: str, lang: str) -> None:
    if page.get_by_test_id("stExpandSidebarButton").is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebar").get_by_role("link", name=t(f"nav.{key}", lang)).click()
    settle(page)


def take(browser, url: str, lang: str, out: Path) -> list[Path]:
    """Every page at both sizes; returns the files written."""
    written = []
    for size_name, size in (("390", PHONE), ("1920", WIDE)):
        context = browser.new_context(viewport=size, is_mobile=size is PHONE, has_touch=size is PHONE)
        page = context.new_page()
        for name, path in PUBLIC.items():
            page.goto(f"{url}{path}&lang={lang}" if "?" in path else f"{url}{path}?lang={lang}")
            settle(page)
            written.append(out / f"{name}_{size_name}.png")
            page.screenshot(path=str(written[-1]))
        context.close()
        # staff pages through the menu after logging in: a coordinator's upload, then an organizer's
        for username, keys in ((COORDINATOR, ("upload",)), (ORGANIZER, ("admin", "present"))):
            context = browser.new_context(viewport=size, is_mobile=size is PHONE, has_touch=size is PHONE)
            page = context.new_page()
            log_in(page, url, username, lang)
            for key in keys:
                through_menu(page, key, lang)
                written.append(out / f"{'console' if key == 'present' else key}_{size_name}.png")
                page.screenshot(path=str(written[-1]))
            if username == ORGANIZER:
                page.get_by_role("button", name=t("present.open_projector", lang)).click()
                settle(page, 4000)
                written.append(out / f"projector_{size_name}.png")
                page.screenshot(path=str(written[-1]))
            context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="es", choices=("es", "pt", "en"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from data_access.core import accounts
    from data_access.core.actors import CLI_ACTOR
    from data_access.core.store import make_engine

    data = Path(tempfile.mkdtemp(prefix="encuentro-docs-"))
    env = {"ENCUENTRO_DATA_DIR": str(data)}
    subprocess.run([sys.executable, "manage.py", "seed"], cwd=ROOT, env={**os.environ, **env}, check=True)
    engine = make_engine(f"sqlite:///{data / 'encuentro.db'}")
    for username, role, country in ((ORGANIZER, "organizer", None), (COORDINATOR, "coordinator", "PER")):
        accounts.create_user(
            engine=engine,
            actor=CLI_ACTOR,
            username=username,
            password=PASSWORD,
            role=role,
            country_iso3=country,
        )
    engine.dispose()
    args.out.mkdir(parents=True, exist_ok=True)
    with serve(env) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for path in take(browser, url, args.lang, args.out):
            print(path.relative_to(ROOT))
        browser.close()


if __name__ == "__main__":
    main()

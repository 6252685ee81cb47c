"""Spanish and Portuguese pages show no English words: our texts, Streamlit's where it lets them
be set (the uploader's) and an address that names no page (Streamlit's English-only dialog is
replaced by a notice on the overview). Read from what Chromium shows, as a delegate reads it.

Layer: tests (browser). Serves the app with the sample meeting; Debian's Chromium.
"""

from __future__ import annotations

import re

import pytest

from data_access.core.i18n import t
from tests.browser.conftest import PASSWORD, create_account, log_in, wait_ready

pytestmark = pytest.mark.browser

# Common English words of an interface that are neither Spanish nor Portuguese words
ENGLISH = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "with",
        "for",
        "from",
        "this",
        "that",
        "these",
        "your",
        "you",
        "here",
        "file",
        "files",
        "upload",
        "browse",
        "drag",
        "drop",
        "limit",
        "page",
        "pages",
        "found",
        "not",
        "please",
        "loading",
        "running",
        "stop",
        "clear",
        "choose",
        "select",
        "search",
        "download",
        "view",
        "show",
        "hide",
        "close",
        "open",
        "sort",
        "copy",
        "settings",
        "deploy",
        "rerun",
        "print",
        "fullscreen",
        "about",
        "edit",
        "delete",
        "add",
        "save",
        "cancel",
        "yes",
        "back",
        "next",
        "previous",
        "less",
        "help",
        "skip",
        "main",
        "content",
        "chart",
        "table",
        "none",
        "all",
        "results",
        "requested",
        "directory",
        "running",
        "share",
        "scan",
        "phone",
        "menu",
        "log",
        "login",
        "logout",
        "password",
        "username",
    ]
) - {"menu"}  # "Menu" is Portuguese too
PUBLIC = (
    "/",
    "/compare",
    "/compare?chart=gaps&mine=PER",
    "/country?country=PER",
    "/working_groups",
    "/actions",
    "/present?follow=1",
    "/zzz",
)
# Every visible, on-screen text of the page (icons' ligature names left out: they are glyph names)
VISIBLE_TEXT = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!node.textContent.trim() || !element || element.closest("[translate='no']")) continue;
    const box = element.getBoundingClientRect(), style = getComputedStyle(element);
    if (box.width <= 1 || box.height <= 1 || style.visibility === "hidden") continue;
    if (style.fontSize === "0px") continue;  // words a stylesheet writes over (the uploader's)
    if (box.right <= 0 || box.bottom <= 0) continue;  // a skip link, off screen until focused
    texts.push(node.textContent);
  }
  // what a stylesheet writes in place of Streamlit's own words (the uploader's)
  for (const element of document.querySelectorAll("[data-testid='stFileUploaderDropzone'] *")) {
    const after = getComputedStyle(element, "::after").content;
    if (after && after !== "none") texts.push(after);
  }
  return texts.join("\\n");
}"""


def english_words(text: str) -> list[str]:
    """Each line holding an English word, with the word, so a failure shows where it is."""
    found = set()
    text = re.sub(r"\w+=[\w,]*(&\w+=[\w,]*)*", "", text)  # an address's parameters are code, not words
    for line in text.splitlines():
        found |= {
            f"{w} ({line.strip()[:60]})" for w in re.findall(r"[A-Za-z]+", line) if w.lower() in ENGLISH
        }
    return sorted(found)


def english_on(page) -> list[str]:
    """The English words on the page as shown, the uploader's hidden own words left out."""
    page.wait_for_timeout(1500)  # charts drawn
    hidden = page.evaluate(VISIBLE_TEXT)
    return english_words(hidden)


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_public_pages_have_no_english_words(server, page, lang):
    found = {}
    for path in PUBLIC:
        page.goto(f"{server}{path}{'&' if '?' in path else '?'}lang={lang}")
        wait_ready(page)
        if words := english_on(page):
            found[path] = words
    assert found == {}


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_an_address_that_is_no_page_says_so_in_the_language(server, page, lang):
    page.goto(f"{server}/no-such-page?lang={lang}")
    wait_ready(page)
    assert page.url.endswith(f"/?missing=no-such-page&lang={lang}")
    notice = t("overview.page_missing", lang, page="no-such-page")
    assert page.get_by_text(notice).is_visible()
    assert page.get_by_text("Page not found").count() == 0


def test_staff_pages_have_no_english_words(server, browser, data_dir):
    create_account(data_dir, "coord_words", "coordinator", "PER")
    create_account(data_dir, "org_words", "organizer")
    found = {}
    for name, key in (("coord_words", "upload"), ("org_words", "admin"), ("org_words", "present")):
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        try:
            log_in(page, server, name, PASSWORD)
            page.get_by_test_id("stSidebar").get_by_role("link", name=t(f"nav.{key}", "es")).click()
            page.wait_for_url(f"**/{key}**")
            wait_ready(page)
            if key == "upload":
                page.get_by_test_id("stFileUploaderDropzone").wait_for()
            if words := english_on(page):
                found[key] = words
        finally:
            page.context.close()
    assert found == {}

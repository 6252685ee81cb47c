"""The menu: one small table of pages (title, icon, file, roles), in the order shown.

Layer: components. A test checks that every file in pages/ is registered here.
"""

from __future__ import annotations

from dataclasses import dataclass

ANYONE = ("anonymous", "coordinator", "organizer")


@dataclass(frozen=True)
class Page:
    key: str  # text key under "nav." and the page's identity in set-up
    file: str  # path given to st.page_link, relative to the app root
    icon: str
    roles: tuple[str, ...] = ANYONE

    def visible_to(self, role: str) -> bool:
        return role in self.roles

    @property
    def path(self) -> str:
        """The page's address as Streamlit serves it: "/" for app.py, "/compare" for pages/compare.py."""
        return "/" if self.file == "app.py" else "/" + self.file.removeprefix("pages/").removesuffix(".py")


STAFF = ("coordinator", "organizer")
ORGANIZERS = ("organizer",)

PAGES: tuple[Page, ...] = (
    Page("overview", "app.py", ":material/dashboard:"),
    Page("compare", "pages/compare.py", ":material/bar_chart:"),
    Page("country", "pages/country.py", ":material/flag:"),
    Page("working_groups", "pages/working_groups.py", ":material/groups:"),
    Page("actions", "pages/actions.py", ":material/task_alt:"),
    Page("present", "pages/present.py", ":material/slideshow:"),
    Page("upload", "pages/upload.py", ":material/upload_file:", STAFF),
    Page("admin", "pages/admin.py", ":material/admin_panel_settings:", ORGANIZERS),
)


def get_page(key: str) -> Page:
    """The registered page with KEY; an unknown key is a programming error."""
    return next(p for p in PAGES if p.key == key)

"""Expected failures with a message safe to show, translated at one boundary (components).

Layer: data_access. Bugs are not EncuentroErrors: they propagate and are logged.
"""

from __future__ import annotations

from data_access.core.i18n import t


class EncuentroError(Exception):
    """A failure people can act on; KEY names its text under "error." in texts/errors.toml."""

    key = "failed"

    def __init__(self, **params: object) -> None:
        super().__init__(f"{self.key}: {params}")
        self.params = params

    def message(self, lang: str) -> str:
        return t(f"error.{self.key}", lang, **self.params)


class NotAllowed(EncuentroError):
    """The acting user may not do this (role or country); checked below the UI."""

    key = "not_allowed"


class InvalidCredentials(EncuentroError):
    """Wrong user name, wrong password or too many attempts: the same message for all, on purpose."""

    key = "invalid_credentials"


class StoreBusy(EncuentroError):
    """The database stayed locked past the busy timeout."""

    key = "store_busy"


class NotFound(EncuentroError):
    """A version, user or action that does not exist (or no longer)."""

    key = "not_found"

"""The error hierarchy: every error a user can see carries a message written for them."""

from __future__ import annotations


class MockintError(Exception):
    """Base of every error mockint reports to the user; `exit_code` follows the CLI contract."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(MockintError):
    """Bad usage or bad input (exit code 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """A configuration file or environment value is invalid."""


class ContentError(UsageError):
    """A problem, rubric or prompt file is invalid."""


class StoreError(MockintError):
    """The database cannot be opened or used safely."""

    exit_code = 2


class NotFoundError(UsageError):
    """A named session, problem or file does not exist."""


class GradingError(MockintError):
    """Grading could not finish; the session is kept and marked pending."""

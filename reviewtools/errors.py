"""All exceptions raised by reviewtools, in one place.

Every error derives from :class:`ReviewToolsError`; those that are really bad values also derive from
:class:`ValueError` so broad ``except ValueError`` handlers keep working.
"""

from __future__ import annotations


class ReviewToolsError(Exception):
    """Base class for every error raised by reviewtools."""


class SchemaError(ReviewToolsError, ValueError):
    """A frame does not have the canonical columns or dtypes."""


class IngestError(ReviewToolsError, ValueError):
    """A file cannot be read at all (wrong type, empty, no rating column, ...).

    The message names the file and says what was expected; row-level problems never raise this,
    they go to the rejects instead.
    """


class UnknownFormatError(IngestError):
    """A ``format=`` name that is not in the format registry."""


class RatingsError(ReviewToolsError, ValueError):
    """Impossible rating maths, such as a target average of 5.0 or more."""


class StoreError(ReviewToolsError):
    """The local review store cannot be opened, migrated or written."""


class StoreBusyError(StoreError):
    """Another process holds the store's write lock."""


class InvalidTransitionError(StoreError, ValueError):
    """An action status change the workflow does not allow, or an unknown status."""


class DigestError(ReviewToolsError, ValueError):
    """A digest argument that cannot be understood (a bad ``--since`` or output suffix)."""


class ReviewNotFoundError(StoreError, KeyError):
    """No stored review (or no recommended action) with that id."""

    def __str__(self) -> str:  # KeyError would quote the message; keep it readable
        return str(self.args[0]) if self.args else ""


class RuleError(ReviewToolsError, ValueError):
    """A guideline rule-pack record is invalid, or ``rules=`` holds something that is not a rule."""


__all__ = [
    "ReviewToolsError",
    "SchemaError",
    "IngestError",
    "UnknownFormatError",
    "RatingsError",
    "StoreError",
    "StoreBusyError",
    "InvalidTransitionError",
    "ReviewNotFoundError",
    "DigestError",
    "RuleError",
]

"""Why a package is refused."""

from __future__ import annotations


class PackageError(ValueError):
    """A package refused, with a message for its author naming the problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

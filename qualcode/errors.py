"""Errors raised by qualcode.

Every message names the input, says what is wrong and how to fix it. The CLI turns a
QualcodeError into exit code 2; the workspace shows it with ``st.error``.
"""

from __future__ import annotations


class QualcodeError(Exception):
    """Base class for every error a user can act on."""


class IngestError(QualcodeError):
    """A file could not be imported (corrupt, binary, empty, too large, wrong encoding)."""


class DuplicateImportError(IngestError):
    """The same source file was imported before."""


class RespondentError(QualcodeError):
    """A respondents.csv row or a respondent reference is invalid or unknown."""


class CodebookError(QualcodeError):
    """A codebook file or a codebook edit is invalid."""


class CodingError(QualcodeError):
    """A coding operation is invalid (unknown code or segment, bad valence or flag)."""


class ProjectError(QualcodeError):
    """A project file or URL cannot be opened or migrated."""


__all__ = [
    "CodebookError",
    "CodingError",
    "DuplicateImportError",
    "IngestError",
    "ProjectError",
    "QualcodeError",
    "RespondentError",
]

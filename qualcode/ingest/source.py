"""Getting the raw bytes of a source: a path or a binary file-like object.

Every reader starts here, so the size limit, the file name used in messages and the
``sha256`` of the raw bytes are decided once. A path and an uploaded file (Streamlit's
``UploadedFile`` is a ``BytesIO``) take the same route.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Union

from qualcode.errors import IngestError

Source = Union[str, "os.PathLike[str]", IO[bytes]]
"""What ``read_document`` accepts: a path, or a binary file-like object."""

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""The default import limit (50 MB)."""


@dataclass(frozen=True)
class SourceFile:
    """The raw bytes of one source with the name used for it in messages."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the raw bytes (the duplicate-import fingerprint)."""
        return hashlib.sha256(self.data).hexdigest()

    @property
    def suffix(self) -> str:
        """The lower-case file suffix, e.g. ``".txt"``."""
        return Path(self.name).suffix.lower()

    @property
    def stem(self) -> str:
        """The file name without its suffix, used as a default title."""
        return Path(self.name).stem


def source_name(source: Source, name: str | None = None) -> str:
    """The base file name of ``source``: ``name`` if given, else the path or ``.name``.

    Raises IngestError for a file-like object without a name, since the suffix decides
    how the file is read.
    """
    if name:
        return os.path.basename(str(name))
    if isinstance(source, (str, os.PathLike)):
        return os.path.basename(os.fspath(source))
    attr = getattr(source, "name", None)
    if isinstance(attr, str) and attr:
        return os.path.basename(attr)
    raise IngestError(
        "A file object was given without a file name: pass name='interview.txt' (with the "
        "right suffix) so the file type can be told."
    )


def human_size(size: int) -> str:
    """A size in bytes as people read it: ``"512 bytes"``, ``"3.2 KB"``, ``"61.0 MB"``."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _too_large(name: str, size: int | None, max_bytes: int) -> IngestError:
    what = f"is {human_size(size)}" if size is not None else "is larger than the limit"
    return IngestError(
        f"{name} {what}, over the import limit of {human_size(max_bytes)}: split it into "
        "smaller files, or raise the limit (max_bytes) if a file this large is expected."
    )


def _stream_size(stream: object) -> int | None:
    """The full size of a file-like object when it can be told cheaply, else None."""
    size = getattr(stream, "size", None)
    if isinstance(size, int):
        return size
    getbuffer = getattr(stream, "getbuffer", None)
    if getbuffer is not None:
        try:
            return int(getbuffer().nbytes)
        except (TypeError, ValueError, BufferError):
            return None
    return None


def read_source(source: Source, *, name: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile:
    """Read all bytes of ``source`` (a path or a binary file-like object).

    Raises IngestError when the file cannot be opened, is opened in text mode, or is
    larger than ``max_bytes``.
    """
    file_name = source_name(source, name)
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            size = os.path.getsize(path)
            if size > max_bytes:
                raise _too_large(file_name, size, max_bytes)
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except FileNotFoundError as exc:
            raise IngestError(f"{file_name}: no such file ({path}). Check the path.") from exc
        except IsADirectoryError as exc:
            raise IngestError(f"{file_name} is a folder, not a file: pick a file.") from exc
        except PermissionError as exc:
            raise IngestError(
                f"{file_name} cannot be read (permission denied): check the file's permissions."
            ) from exc
        except OSError as exc:
            raise IngestError(f"{file_name} cannot be read: {exc.strerror or exc}.") from exc
    else:
        read = getattr(source, "read", None)
        if read is None:
            raise IngestError(
                f"{file_name}: expected a path or a binary file object, got "
                f"{type(source).__name__}."
            )
        try:
            data = read(max_bytes + 1)
        except OSError as exc:
            raise IngestError(f"{file_name} cannot be read: {exc}.") from exc
        if isinstance(data, str):
            raise IngestError(
                f"{file_name} was opened in text mode: open it in binary mode ('rb') so the "
                "encoding can be detected."
            )
        data = bytes(data)
        if len(data) > max_bytes:
            raise _too_large(file_name, _stream_size(source), max_bytes)
    return SourceFile(name=file_name, data=data)

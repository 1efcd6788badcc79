"""Where media files live: the interface, and the filesystem store under instance/media/.

Names are content-addressed (``ab/<sha256 of the upload>-<width>.<ext>``),
so a name always means the same bytes and a file never overwrites another.
An S3-compatible object store (``BLOG_MEDIA_STORAGE=s3://bucket/prefix``) is
the other implementation, in blog/media/s3.py.
"""

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from flask import Response, current_app, send_from_directory

NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}-[1-9][0-9]{0,4}\.(?:webp|jpg|png)$")
# A year: a name never changes its bytes, so a copy is good for ever.
MAX_AGE = 365 * 24 * 3600


class Storage(Protocol):
    def save(self, name: str, data: bytes) -> None: ...
    def read(self, name: str) -> bytes: ...
    def delete(self, name: str) -> None: ...
    def names(self) -> Iterator[str]: ...
    def response(self, name: str) -> Response: ...


def is_valid_name(name: str) -> bool:
    """A name this blog made: nothing else (``..``, absolute paths, NUL) reaches a store."""
    return bool(NAME.fullmatch(name))


class FileSystemStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, name: str, data: bytes) -> None:
        """Write ``name`` once: a half-written file is never visible, an existing one is kept."""
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.link(temporary, path)  # fails, rather than replaces, if the name exists
        except FileExistsError:
            pass  # the same name is the same bytes
        finally:
            os.unlink(temporary)

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def names(self) -> Iterator[str]:
        for path in sorted(self.root.glob("*/*")):
            name = path.relative_to(self.root).as_posix()
            if is_valid_name(name):
                yield name

    def response(self, name: str) -> Response:
        # send_from_directory refuses paths outside the root; the name check came first.
        response = send_from_directory(self.root, name, max_age=MAX_AGE, conditional=True)
        response.cache_control.public = True
        response.cache_control.immutable = True
        return response

    def _path(self, name: str) -> Path:
        if not is_valid_name(name):
            raise ValueError(f"not a media file name: {name!r}")
        return self.root / name


def storage() -> Storage:
    return current_app.extensions["media_storage"]

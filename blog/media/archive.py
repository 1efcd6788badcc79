"""The media files of a backup: a plain .tar beside the JSON, restored name by name.

Only names the blog makes are read back (blog/media/storage.py), so an
archive cannot write outside the store, whatever its members are called.
"""

import io
import tarfile
from pathlib import Path

from blog.media.storage import is_valid_name, storage


class ArchiveError(Exception):
    """The archive cannot be restored; the message says which member."""


def archive_path(backup: Path) -> Path:
    """``blog.json`` gets ``blog.json.media.tar`` beside it."""
    return backup.with_name(backup.name + ".media.tar")


def export_files(path: Path) -> int:
    """Write every stored file into a tar at ``path``; returns how many."""
    store, count = storage(), 0
    with tarfile.open(path, "w") as tar:
        for name in store.names():
            data = store.read(name)
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
            count += 1
    return count


def import_files(path: Path) -> int:
    """Put every file of the tar at ``path`` into the store; returns how many."""
    store, count = storage(), 0
    try:
        with tarfile.open(path, "r") as tar:
            for member in tar:
                if not (member.isfile() and is_valid_name(member.name)):
                    raise ArchiveError(f"{path}: {member.name!r} is not a media file of this blog.")
                store.save(member.name, tar.extractfile(member).read())
                count += 1
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"Cannot read {path}: {error}") from error
    return count

"""WordPress's uploads folder made into media items, and its URLs in posts made ours.

``import-wxr FILE --uploads DIR``, where DIR is a copy of the old site's
``wp-content/uploads``: every image a post shows or links to (including the
resized copies WordPress makes, ``photo-300x200.jpg``, which all become the
one original) and every attachment item is re-encoded like an upload, EXIF
stripped. An image that is not in DIR keeps its old URL and is listed in
the report.
"""

import re
from pathlib import Path

import sqlalchemy as sa

from blog.extensions import db
from blog.media import library
from blog.media.images import ImageRefused
from blog.models import MediaItem

UPLOAD_URL = re.compile(
    r"(?:(?:https?:)?//[^\s\"'<>/]+)?(?:/[^\s\"'<>]*?)?/wp-content/uploads/"
    r"(?P<path>[^\s\"'<>?#]+?)(?P<size>-[0-9]+x[0-9]+)?\.(?P<ext>jpe?g|png|gif|webp|avif)"
    r"(?=[\"'\s<>?#)\]]|$)",
    re.IGNORECASE,
)


class Uploads:
    """One import's view of the uploads folder: each file added once, each miss noted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.found: dict[str, MediaItem | None] = {}  # relative path of the original → item
        self.missing: dict[str, None] = {}  # URLs not found, in the order met
        self.refused: dict[str, str] = {}  # relative path → why
        self.added = 0

    def rewrite(self, html: str) -> str:
        """``html`` with every upload found in the folder pointing at its media item."""

        def ours(match: re.Match) -> str:
            item = self.item_for(match["path"], match["size"] or "", match["ext"])
            if item is None:
                self.missing.setdefault(match.group(0))
                return match.group(0)
            return library.url_of(item)

        return UPLOAD_URL.sub(ours, html)

    def attachment(self, url: str, wp_id: int | None) -> None:
        """An attachment item: its file becomes a media item even if no post shows it."""
        match = UPLOAD_URL.fullmatch(url.strip())
        item = self.item_for(match["path"], match["size"] or "", match["ext"]) if match else None
        if item is None:
            self.missing.setdefault(url.strip() or f"attachment {wp_id} (no URL)")
        elif wp_id is not None and item.wp_id is None and not self.wp_id_taken(wp_id):
            item.wp_id = wp_id

    def item_for(self, path: str, size: str, ext: str) -> MediaItem | None:
        """The item of the original (else of the resized copy), added on first sight."""
        original = f"{path}.{ext}"
        if original not in self.found:
            self.found[original] = self.add(original) or self.add(f"{path}{size}.{ext}")
        return self.found[original]

    def add(self, relative: str) -> MediaItem | None:
        file = (self.folder / relative).resolve()
        if not (file.is_relative_to(self.folder) and file.is_file()):
            return None
        try:
            item = library.image_item(file.read_bytes(), file.name)
        except ImageRefused as refusal:
            self.refused[relative] = str(refusal)
            return None
        self.added += 1
        return item

    @staticmethod
    def wp_id_taken(wp_id: int) -> bool:
        return (
            db.session.scalar(sa.select(MediaItem.id).where(MediaItem.wp_id == wp_id)) is not None
        )

    def lines(self) -> list[str]:
        lines = [f"Media: {self.added} images added from the uploads folder"]
        lines += [f"Refused from the uploads folder: {path}: {why}"
                  for path, why in self.refused.items()]  # fmt: skip
        lines += [f"Not in the uploads folder, left as it was: {url}" for url in self.missing]
        return lines

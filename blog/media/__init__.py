"""Pictures: uploads checked and re-encoded once, stored by content, served for a year.

- ``images``: Pillow: the checks, EXIF-free re-encoding, sRGB, the widths;
- ``storage``: where files live (a folder under instance/media/ by default);
- ``library``: media items in the database: adding (once per photo), use, deletion;
- ``rendering``: srcset, sizes, width and height in a post's HTML, on save;
- ``views``: the files themselves, at /media/…;
- ``editor``: the upload in the post editor.
"""

from pathlib import Path

from flask import Flask

from blog.config import ConfigurationError
from blog.media.s3 import S3Storage
from blog.media.storage import FileSystemStorage, Storage


def init_app(app: Flask) -> None:
    from blog.media import editor, views

    app.extensions["media_storage"] = configured_storage(app)
    app.register_blueprint(views.bp)
    app.add_template_global(editor.images_without_alt)
    app.add_template_global(views.first_image)


def configured_storage(app: Flask) -> Storage:
    """A folder (``/path``, ``file:///path``; default instance/media) or ``s3://bucket/prefix``."""
    config = app.config
    setting = config["MEDIA_STORAGE"]
    if setting.startswith("s3://"):
        bucket, _, prefix = setting.removeprefix("s3://").partition("/")
        if not bucket:
            raise ConfigurationError(f"BLOG_MEDIA_STORAGE={setting!r} names no bucket.")
        return S3Storage(bucket, prefix, config["MEDIA_S3_ENDPOINT_URL"], config["MEDIA_S3_REGION"])
    if setting and not setting.startswith(("/", "file://")):
        raise ConfigurationError(
            f"BLOG_MEDIA_STORAGE={setting!r}: give an absolute folder or s3://bucket/prefix."
        )
    return FileSystemStorage(
        Path(setting.removeprefix("file://") or Path(app.instance_path) / "media")
    )

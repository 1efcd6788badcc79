"""Pictures: uploads checked and re-encoded once, stored by content, served for a year.

- ``images``: Pillow: the checks, EXIF-free re-encoding, sRGB, the widths;
- ``storage``: where files live (a folder under instance/media/ by default);
- ``library``: media items in the database: adding (once per photo), use, deletion;
- ``rendering``: srcset, sizes, width and height in a post's HTML, on save;
- ``views``: the files themselves, at /media/…;
- ``editor``: the upload in the post editor.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from blog.media import editor, storage, views

    storage.init_app(app)
    app.register_blueprint(views.bp)
    app.add_template_global(editor.images_without_alt)
    app.add_template_global(views.first_image)

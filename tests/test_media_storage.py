"""The filesystem media store: write once, content-addressed names only."""

import pytest

from blog import create_app
from blog.config import ConfigurationError
from blog.media.storage import FileSystemStorage, is_valid_name
from tests.conftest import app_config

NAME = "ab/" + "ab" * 32 + "-480.webp"


def test_a_name_is_written_once_and_never_overwritten(tmp_path):
    store = FileSystemStorage(tmp_path)
    store.save(NAME, b"first")
    store.save(NAME, b"second")
    assert store.read(NAME) == b"first"
    assert list(store.names()) == [NAME]
    assert [path.name for path in (tmp_path / "ab").iterdir()] == [NAME.split("/")[1]]
    store.delete(NAME)
    assert list(store.names()) == []


@pytest.mark.parametrize(
    "name",
    ["../secret_key", "ab/../../secret_key", "/etc/passwd", "ab/" + "ab" * 32 + "-480.html",
     "ab/" + "AB" * 32 + "-480.webp", "ab/" + "ab" * 32 + "-0480.webp", NAME + "\x00", "ab//x"],
)  # fmt: skip
def test_only_names_the_blog_makes_are_valid(tmp_path, name):
    assert not is_valid_name(name)
    with pytest.raises(ValueError):
        FileSystemStorage(tmp_path).save(name, b"x")


@pytest.mark.parametrize("setting", ["s3://", "relative/folder", "ftp://host/media"])
def test_a_storage_setting_it_cannot_use_is_refused_rather_than_ignored(database_url, setting):
    with pytest.raises(ConfigurationError, match="BLOG_MEDIA_STORAGE"):
        create_app(app_config(database_url, MEDIA_STORAGE=setting))


def test_a_folder_can_be_chosen(database_url, tmp_path):
    app = create_app(app_config(database_url, MEDIA_STORAGE=str(tmp_path / "pictures")))
    assert app.extensions["media_storage"].root == tmp_path / "pictures"

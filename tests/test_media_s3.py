"""The media store in an S3-compatible object store: moto's S3 server, over real HTTP."""

import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from blog import create_app
from blog.extensions import db
from blog.media.s3 import S3Storage
from blog.models import User
from tests import live_server as live
from tests.conftest import TEST_PASSWORD, AuthActions, app_config, csrf_token, empty_database
from tests.test_media import body_field, media_items, upload

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
BUCKET = "blog-media"
NAME = "ab/" + "ab" * 32 + "-480.webp"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """moto's S3 server on a free port, with one bucket."""
    port = live.free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)], stdout=output, stderr=output
        )
    url = f"http://127.0.0.1:{port}"
    try:
        live.wait_until_up(url + "/", process, log)
        boto3.client("s3", endpoint_url=url, **credentials()).create_bucket(Bucket=BUCKET)
        yield url
    finally:
        live.stop(process)


def credentials() -> dict:
    return {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
            "region_name": "us-east-1"}  # fmt: skip


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


def keys(endpoint: str, prefix: str) -> list[str]:
    listed = boto3.client("s3", endpoint_url=endpoint, **credentials()).list_objects_v2(
        Bucket=BUCKET, Prefix=prefix
    )
    return sorted(entry["Key"] for entry in listed.get("Contents", []))


def test_the_store_writes_reads_lists_and_deletes_under_its_prefix(s3_endpoint):
    store = S3Storage(BUCKET, "unit/", s3_endpoint, None)
    store.save(NAME, b"webp bytes")
    assert store.read(NAME) == b"webp bytes"
    assert list(store.names()) == [NAME]
    assert keys(s3_endpoint, "unit/") == ["unit/" + NAME]
    store.delete(NAME)
    assert list(store.names()) == []
    with pytest.raises(ValueError):
        store.save("../escape.webp", b"x")


@pytest.fixture
def s3_app(database_url, s3_endpoint):
    app = create_app(app_config(database_url, MEDIA_STORAGE=f"s3://{BUCKET}/site",
                                MEDIA_S3_ENDPOINT_URL=s3_endpoint))  # fmt: skip
    yield app
    empty_database(app)


def test_an_upload_is_stored_in_the_bucket_and_served_with_its_headers(s3_app, s3_endpoint):
    with s3_app.app_context():
        user = User(username="author", display_name="Ada Author")
        user.set_password(TEST_PASSWORD)
        db.session.add(user)
        db.session.commit()
    client = s3_app.test_client()
    AuthActions(client).login()
    body = body_field(upload(client))
    [item] = media_items(s3_app)
    assert keys(s3_endpoint, "site/") == sorted("site/" + name for name in item.stored_names())
    assert f"(/media/{item.file_name_of(item.fallback)})" in body
    url = "/media/" + item.file_name_of(item.srcset[0])
    response = client.get(url)
    assert response.status_code == 200 and response.data[:4] == b"RIFF"
    assert response.headers["Content-Type"] == "image/webp"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get(url.replace("-480.", "-481.")).status_code == 404
    token = csrf_token(client.get("/admin/media"))
    client.post(f"/admin/media/{item.id}/delete", data={"csrf_token": token})
    assert keys(s3_endpoint, "site/") == []

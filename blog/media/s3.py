"""The media store in an S3-compatible object store: ``BLOG_MEDIA_STORAGE=s3://bucket/prefix``.

For AWS S3, MinIO, Garage, Ceph… (``BLOG_MEDIA_S3_ENDPOINT_URL`` for those
not at AWS). Credentials come the way boto3 always finds them: the
``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` variables, ``~/.aws``, or
the machine's role. boto3 is needed only for this store (``pip install
blog[s3]``). Names are content-addressed, so writing a name again writes the
same bytes: nothing is ever replaced by something else.
"""

from collections.abc import Iterator
from functools import cached_property

from flask import Response, abort, request

from blog.media.images import MIME_TYPES
from blog.media.storage import MAX_AGE, is_valid_name

IMMUTABLE = f"public, max-age={MAX_AGE}, immutable"


class S3Storage:
    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None, region: str | None):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url or None
        self.region = region or None

    @cached_property
    def client(self):
        import boto3  # only this store needs it

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=self.region)

    def save(self, name: str, data: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(name), Body=data,
            ContentType=MIME_TYPES[name.rsplit(".", 1)[1]], CacheControl=IMMUTABLE,
        )  # fmt: skip

    def read(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"].read()

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def names(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for entry in page.get("Contents", []):
                name = entry["Key"].removeprefix(self.prefix)
                if is_valid_name(name):
                    yield name

    def response(self, name: str) -> Response:
        """The object through the blog (a CDN or the bucket's own URL can serve it instead)."""
        from botocore.exceptions import ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                abort(404)
            raise
        response = Response(found["Body"].read(), mimetype=MIME_TYPES[name.rsplit(".", 1)[1]])
        response.set_etag(found["ETag"].strip('"'))
        response.headers["Cache-Control"] = IMMUTABLE
        return response.make_conditional(request)

    def _key(self, name: str) -> str:
        if not is_valid_name(name):
            raise ValueError(f"not a media file name: {name!r}")
        return self.prefix + name

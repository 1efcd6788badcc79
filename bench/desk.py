"""What the author's desk costs: colouring code on save, a save that keeps a revision, a diff.

In-process, on a fresh SQLite database in a temporary folder: medians of
several runs, in milliseconds.

    .venv/bin/python bench/desk.py
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from blog import create_app, revisions, text
from blog.extensions import db
from blog.models import User

PROSE = "Good typography is invisible: the reader notices the ideas, not the letters. " * 8
CODE = '''```python
def readers_who_enjoy(post, readers):
    """Those who liked it, best first."""
    return sorted((r for r in readers if r.enjoys(post)), key=lambda r: r.last_visit)
```
'''


def median_ms(action, runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def post_body(code_blocks: int) -> str:
    parts = [PROSE] * 8
    for index in range(code_blocks):
        parts.insert(index * 2 + 1, CODE)
    return "\n\n".join(parts)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/desk.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False, "PAGE_CACHE": False,
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})  # fmt: skip
        with app.app_context():
            upgrade()
            user = User(username="bench", display_name="Bench")
            user.set_password("bench")
            db.session.add(user)
            db.session.commit()
        plain, coloured = post_body(0), post_body(4)
        print(
            f"render_markdown, {len(plain):,} chars, no code:        "
            f"{median_ms(lambda: text.render_markdown(plain)):6.2f} ms"
        )
        print(
            f"render_markdown, {len(coloured):,} chars, 4 code blocks: "
            f"{median_ms(lambda: text.render_markdown(coloured)):6.2f} ms"
        )
        old, new = coloured, coloured.replace("invisible", "unseen", 20) + "\n\nA new ending."
        print(
            f"word_diff of two {len(new):,}-char bodies:        "
            f"{median_ms(lambda: revisions.word_diff(old, new)):6.2f} ms"
        )

        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": "bench"})
        first = client.post("/admin/posts/new", data={"title": "Bench", "body": plain,
                                                      "save_draft": "Save draft"})  # fmt: skip
        edit = first.headers["Location"].split("?")[0]
        counter = iter(range(10_000))

        def save() -> None:
            body = f"{coloured}\n\nEdit {next(counter)}."
            client.post(edit, data={"title": "Bench", "body": body, "save_draft": "Save draft"})

        print(f"save through the editor (keeps a revision):   {median_ms(save):6.2f} ms")
        history = edit.replace("/edit", "/revisions")
        print(
            f"revisions page with {30 + 1} revisions and a diff: "
            f"{median_ms(lambda: client.get(history), runs=10):6.2f} ms"
        )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()

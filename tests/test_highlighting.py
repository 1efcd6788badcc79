"""Syntax colouring of fenced code: Pygments' classes, made on save, never a way in."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import Post
from blog.text import TOKEN_CLASSES, render_markdown
from tests.test_text import all_attributes, parse_tags

SPAN = re.compile(r'<span class="([^"]+)">([^<]*)</span>')


def spans(html: str) -> dict[str, set[str]]:
    """Each coloured piece of code, by the class it was given."""
    found: dict[str, set[str]] = {}
    for name, content in SPAN.findall(html):
        found.setdefault(name, set()).add(content)
    return found


def fenced(language: str, code: str) -> str:
    return render_markdown(f"```{language}\n{code}\n```\n")


def test_python_keywords_strings_comments_and_names_are_classed():
    html = fenced("python", 'def greet(name):\n    return "<b>" + name  # why')
    assert html.startswith('<pre class="highlight"><code class="language-python">')
    coloured = spans(html)
    assert {"def", "return"} <= coloured["k"]
    assert "greet" in coloured["nf"]
    assert coloured["s2"] == {'"&lt;b&gt;"'}
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert coloured["c1"] == {"# why"}


def test_javascript_is_coloured():
    coloured = spans(fenced("javascript", "const x = 42; // answer\nfunction f() {}"))
    assert "const" in coloured["kd"] and "function" in coloured["kd"]
    assert "42" in coloured["mf"] | coloured.get("mi", set())
    assert "// answer" in coloured["c1"]


@pytest.mark.parametrize("language", ["sh", "bash", "shell", "console"])
def test_shell_is_coloured(language):
    html = fenced(language, '$ echo "hello" | grep h  # greet')
    assert f'class="language-{language}"' in html
    assert set(spans(html)) & {"nb", "s2", "c1", "gp"}


def test_an_unknown_language_is_left_plain_with_its_name():
    html = fenced("klingon", "qapla' <x>")
    assert html == '<pre><code class="language-klingon">qapla\' &lt;x&gt;\n</code></pre>\n'


def test_no_language_is_left_plain():
    assert fenced("", "plain") == "<pre><code>plain\n</code></pre>\n"


@pytest.mark.parametrize(
    "language",
    [
        '"><script>alert(1)</script>',
        'python" onmouseover="alert(1)',
        "x'><img src=x onerror=alert(1)>",
    ],
)
def test_a_hostile_language_name_is_inert(language):
    html = fenced(language, "print(1)")
    assert "<script" not in html and "<img" not in html
    assert not [attr for attr in all_attributes(html) if attr[1].startswith("on")]
    # The class is dropped rather than carried with quotes or brackets in it.
    assert html == "<pre><code>print(1)\n</code></pre>\n"


def test_only_colouring_classes_survive_on_span_pre_and_code():
    html = render_markdown(
        '<span class="k">ok</span> <span class="evil">x</span> <span class="k" id="y">z</span>'
        '\n\n<pre class="big"><code class="language-py thing">q</code></pre>'
    )
    kept = [(tag, attrs) for tag, attrs in parse_tags(html) if attrs]
    assert kept == [("span", {"class": "k"}), ("span", {"class": "k"})]


def test_every_class_pygments_makes_is_allowed():
    html = fenced("python", "@dec\nclass A(B):\n    x: int = 0x1F  # c\n    s = rf'{x}\\n'")
    assert {name for name in spans(html)} <= TOKEN_CLASSES
    assert 'class="nd"' in html and 'class="nc"' in html


def test_the_stylesheet_colours_the_token_families_in_both_schemes():
    css = (Path(__file__).resolve().parent.parent / "static/css/blog.css").read_text()
    for family in ("keyword", "string", "comment", "number", "name", "builtin"):
        assert css.count(f"--code-{family}:") == 2  # light and dark
    assert ".highlight :is(.k," in css


def test_rerender_colours_the_code_of_posts_saved_before(app, runner, make_post):
    make_post("Old code", body="```python\nimport this\n```")
    with app.app_context():  # as stored before syntax colouring existed
        db.session.execute(
            sa.update(Post).values(body_html="<pre><code>import this\n</code></pre>\n")
        )
        db.session.commit()
    result = runner.invoke(args=["rerender"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert '<span class="kn">import</span>' in db.session.scalar(sa.select(Post.body_html))

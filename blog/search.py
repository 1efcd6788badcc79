"""Full-text search of the published posts and pages, on SQLite and on PostgreSQL.

``find`` is the one way in; the two databases hide behind it:

- SQLite: the FTS5 table ``posts_fts`` (external content on ``posts``, kept
  in step by triggers), ranked by ``bm25`` with the title weighing ten times
  the body, snippets by ``snippet()``.
- PostgreSQL: the generated column ``posts.search_vector`` (title weight A,
  body weight B) with a GIN index, ranked by ``ts_rank_cd`` with A ten times
  B, snippets by ``ts_headline``.

Both are made by the migration ``b7e4c2a91f3d`` and are not declared on the
models (``include_object`` keeps autogenerate and the schema test from
seeing them as strays). Equal ranks go the most recently written first.

Languages: each post's ``search_config`` (migration ``bb4b73d9ae77``) names
the PostgreSQL text-search configuration of the site's language when it was
written (blog/i18n.py ``search_config``: ``ru`` → ``russian``; ``simple``
for a language PostgreSQL has none for), and ``search_vector`` is built in
it, so PostgreSQL stems: «комментарии» finds «комментарий», «елка» «Ёлка».
Queries and headlines use the site's configuration; ``reindex`` re-sets
every post's when the language changes (a save in Settings, or the command
``reindex-search``). SQLite's unicode61 tokenizer does not stem: it matches
whole words, folds case in every alphabet («РОССИЯ» finds «россия») and
removes Latin accents, but not «ё» (tests/test_i18n_search.py).

A reader's query is text, never syntax. On SQLite the MATCH expression is
built here from the words alone (each one quoted, all of them required). On
PostgreSQL ``websearch_to_tsquery`` reads it and never fails; it also
understands "a phrase", ``or`` and ``-word``, which SQLite reads as plain
words. SQLite ignores Latin accents (cafe finds café); PostgreSQL's
configurations mostly do not.

The database marks matches in snippets with control characters, which are
turned into ``<mark>`` only after the snippet has been escaped, so no stored
text is ever trusted as HTML.
"""

import math
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.dialects.postgresql import REGCONFIG

from blog.extensions import db
from blog.i18n import site_search_config
from blog.models import Post

MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 30

# Cleaned out of queries, and stripped by every form; highlight() copes if
# a post written some other way contains them.
START, STOP = "\x02", "\x03"

# Control characters, and lone surrogates that no database can store.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# A word, as FTS5's unicode61 tokenizer sees one: letters and digits (no underscore).
_WORD = re.compile(r"[^\W_]+")
_MARKERS = re.compile(f"([{START}{STOP}])")

# Objects the search migration makes by hand, unknown to the models.
SQLITE_TABLES = {"posts_fts", "posts_fts_data", "posts_fts_idx", "posts_fts_docsize",
                 "posts_fts_config", "posts_fts_content"}  # fmt: skip
POSTGRES_COLUMN = ("posts", "search_vector")
POSTGRES_INDEX = "ix_posts_search_vector"

# ts_headline's options: the markers, and about as long as SQLite's snippets.
HEADLINE_OPTIONS = (
    f'StartSel="{START}", StopSel="{STOP}", MaxWords={SNIPPET_WORDS}, '
    f'MinWords={SNIPPET_WORDS // 2}, MaxFragments=2, FragmentDelimiter=" … "'
)


@dataclass(frozen=True)
class SearchResult:
    post: Post
    snippet: Markup  # escaped body text around the matches, which are in <mark>


@dataclass(frozen=True)
class SearchPage:
    query: str  # the query as searched: cleaned and capped
    page: int
    per_page: int
    total: int
    items: list[SearchResult]

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def clean_query(raw: str | None) -> str:
    """The query as text: NFC, no control characters, single spaces, capped."""
    query = unicodedata.normalize("NFC", _UNSAFE.sub(" ", raw or ""))
    return " ".join(query.split())[:MAX_QUERY_LENGTH].strip()


def query_words(query: str) -> list[str]:
    return _WORD.findall(query)


def find(query: str, page: int = 1, per_page: int = 10) -> SearchPage:
    """Published posts matching ``query``, best first, with snippets.

    One query (matches counted, ranked and cut to the page in one pass), a
    second only to count the matches when asked for a page past the last;
    none for a query without words.
    """
    if page < 1 or per_page < 1:
        raise ValueError("page and per_page start at 1")
    query = clean_query(query)
    if not query_words(query):
        return SearchPage(query, page, per_page, 0, [])
    dialect = db.session.get_bind(Post.__mapper__).dialect.name
    if dialect == "sqlite":
        page_select, count_select = _sqlite_selects(query, per_page, (page - 1) * per_page)
    elif dialect == "postgresql":
        page_select, count_select = _postgresql_selects(query, per_page, (page - 1) * per_page)
    else:  # pragma: no cover - the app supports these two databases only
        raise NotImplementedError(f"no full-text search on {dialect}")
    rows = db.session.execute(page_select).all()
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:  # past the last page, or an empty one: how many are there?
        total = db.session.scalar(count_select)
    items = [SearchResult(row.Post, highlight(row.snippet)) for row in rows]
    return SearchPage(query, page, per_page, total, items)


def _sqlite_selects(query: str, limit: int, offset: int) -> tuple[sa.Select, sa.Select]:
    fts = sa.table("posts_fts", sa.column("rowid", sa.Integer))
    fts_table = sa.literal_column("posts_fts")
    match_expression = " ".join(f'"{word}"' for word in query_words(query))
    matches = fts_table.op("MATCH", is_comparison=True)(
        sa.bindparam("match", match_expression, sa.Text)
    )
    # The published ids come from the (status, published_at) index: ten times
    # faster than a join that reads every matching post's long row. The unary
    # + keeps SQLite from handing this IN to FTS5 as one lookup per post.
    published = sa.literal_column("+posts_fts.rowid").in_(
        sa.select(Post.id).where(Post.is_published)
    )
    count_select = sa.select(sa.func.count()).select_from(fts).where(matches, published)
    rank = sa.func.bm25(fts_table, 10.0, 1.0)
    page_ids = (
        sa.select(fts.c.rowid)
        .where(matches, published)
        .order_by(rank, fts.c.rowid.desc())
        .limit(limit)
        .offset(offset)
    )
    # Snippets for this page's posts only, each looked up by rowid (this IN
    # has no +). The total comes along: counting without ranking is cheap
    # here, cheaper than a window over the ranked matches.
    snippet = sa.func.snippet(fts_table, 1, START, STOP, "…", SNIPPET_WORDS)
    page_select = (
        sa.select(
            Post,
            snippet.label("snippet"),
            count_select.scalar_subquery().label("total"),
        )
        .join_from(fts, Post, Post.id == fts.c.rowid)
        .where(matches, fts.c.rowid.in_(page_ids))
        .order_by(rank, fts.c.rowid.desc())
    )
    return page_select, count_select


def _postgresql_selects(query: str, limit: int, offset: int) -> tuple[sa.Select, sa.Select]:
    config = sa.cast(sa.bindparam("config", site_search_config(), sa.Text), REGCONFIG)
    tsquery = sa.func.websearch_to_tsquery(config, sa.bindparam("query", query, sa.Text))
    vector = sa.literal_column("posts.search_vector")
    # A query of exclusions only ("-word") has no part an index can use: no results.
    matches = sa.and_(vector.bool_op("@@")(tsquery), sa.func.querytree(tsquery) != "T")
    published = Post.is_published
    # Weights for D, C, B (body) and A (title): a title match counts ten times
    # a body match, as in SQLite's bm25 (the default, 0.4 for B, lets a body
    # mentioning the words three times outrank a title).
    weights = sa.literal_column("'{0.1, 0.1, 0.1, 1.0}'::float4[]")
    rank = sa.func.ts_rank_cd(weights, vector, tsquery)
    hits = (
        sa.select(Post.id.label("id"), rank.label("rank"), sa.func.count().over().label("total"))
        .where(matches, published)
        .order_by(rank.desc(), Post.id.desc())
        .limit(limit)
        .offset(offset)
        .subquery("hits")
    )
    # Headlines for this page's posts only.
    headline = sa.func.ts_headline(
        config, Post.body_text, tsquery, sa.bindparam("headline", HEADLINE_OPTIONS, sa.Text)
    )
    page_select = (
        sa.select(Post, headline.label("snippet"), hits.c.total)
        .join(hits, Post.id == hits.c.id)
        .order_by(hits.c.rank.desc(), hits.c.id.desc())
    )
    count_select = sa.select(sa.func.count(Post.id)).where(matches, published)
    return page_select, count_select


def reindex() -> int:
    """Index every post in the site's language; how many posts it changed.

    Called when a save in Settings changes the language, and by ``flask --app
    blog reindex-search`` (after a change of LANGUAGE in the environment). On
    PostgreSQL the generated ``search_vector`` follows each row's new
    configuration; an index in the same language is left alone.
    """
    config = site_search_config()
    changed = db.session.execute(
        # Core, and updated_at kept: the posts' words did not change, their feeds neither.
        sa.update(Post.__table__)
        .where(Post.search_config != config)
        .values(search_config=config, updated_at=Post.__table__.c.updated_at)
    ).rowcount
    db.session.commit()
    return changed


def highlight(snippet: str | None) -> Markup:
    """Escape the snippet, then turn the database's markers into balanced <mark> tags."""
    parts: list[str] = []
    open_mark = False
    for part in _MARKERS.split(snippet or ""):
        if part == START:
            if not open_mark:
                parts.append(Markup("<mark>"))
            open_mark = True
        elif part == STOP:
            if open_mark:
                parts.append(Markup("</mark>"))
            open_mark = False
        else:
            parts.append(escape(_UNSAFE.sub(" ", part)))
    if open_mark:
        parts.append(Markup("</mark>"))
    return Markup("").join(parts)


def include_object(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Alembic's filter: leave the search objects, made by hand, out of autogenerate.

    Only objects found in the database and absent from the models are left
    out, so a model that one day declares one of these names is compared.
    """
    if not reflected or compare_to is not None:
        return True
    if type_ == "table":
        return name not in SQLITE_TABLES
    if type_ == "column":
        return (obj.table.name, name) != POSTGRES_COLUMN
    if type_ == "index":
        return name != POSTGRES_INDEX
    return True

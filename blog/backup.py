"""The lossless JSON backup: every row of every table, in a versioned file.

Written generically from the table definitions, so a new column is backed
up without touching this module. Password hashes stay out unless asked for.
"""

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from blog.extensions import db
from blog.models import UTCDateTime, utcnow

FORMAT = "flask-blog-backup"
VERSION = 1
# Rows that are state of the running site, not content worth restoring.
# The outbox is mail in flight (sent mail is deleted within days); the
# readers' addresses and subscriptions (mail_addresses, subscriptions) are kept.
SKIPPED_TABLES = frozenset({"login_attempts", "outbox"})


class BackupError(Exception):
    """The file cannot be restored here; nothing was written."""


def tables() -> list[sa.Table]:
    return [table for table in db.metadata.sorted_tables if table.name not in SKIPPED_TABLES]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def export(path: Path, with_passwords: bool = False) -> dict[str, int]:
    """Write the backup to ``path``; returns the row count of each table."""
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "exported_at": _plain(utcnow())}
    counts = {}
    for table in tables():
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns))
        records = [{key: _plain(value) for key, value in row._mapping.items()} for row in rows]
        if table.name == "users" and not with_passwords:
            for record in records:
                record["password_hash"] = None
        data[table.name] = records
        counts[table.name] = len(records)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return counts


def restore(path: Path) -> dict[str, int]:
    """Load a backup into an empty database, all or nothing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"Cannot read {path}: {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup of this blog.")
    if data.get("version") != VERSION:
        raise BackupError(f"Backup version {data.get('version')} is not supported.")
    if any(db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in tables()):
        raise BackupError("The database is not empty: import restores into an empty blog.")
    counts = {}
    try:
        for table in tables():
            records = [_typed(table, record) for record in data.get(table.name, [])]
            _insert(table, records)
            counts[table.name] = len(records)
        db.session.commit()
    except (sa.exc.SQLAlchemyError, KeyError, TypeError, ValueError) as error:
        db.session.rollback()
        raise BackupError(f"The backup could not be restored: {error}") from error
    _reset_sequences()
    return counts


def _typed(table: sa.Table, record: dict) -> dict:
    typed = {}
    for column in table.columns:
        value = record.get(column.name, _default(column))
        if value is not None and isinstance(column.type, UTCDateTime):
            value = datetime.fromisoformat(value)
        typed[column.name] = value
    return typed


def _default(column: sa.Column) -> Any:
    """What a column added after the backup was written holds in its rows."""
    if "before_it_existed" in column.info:  # what the column's migration gave old rows
        return column.info["before_it_existed"]
    default = column.default
    if default is not None and default.is_callable:  # posts.search_config: the site's language
        return default.arg(None)
    return default.arg if default is not None and default.is_scalar else None


def _insert(table: sa.Table, records: list[dict]) -> None:
    """Insert rows; a table that refers to itself gets those links in a second pass."""
    if not records:
        return
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    first = [{**record, **dict.fromkeys(own)} for record in records]
    db.session.execute(table.insert(), first)
    if own:
        key = table.primary_key.columns.values()[0]
        for record in records:
            links = {name: record[name] for name in own if record[name] is not None}
            if links:
                db.session.execute(table.update().where(key == record[key.name]).values(links))


def _reset_sequences() -> None:
    """PostgreSQL: continue ids after the restored ones."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables():
        if "id" not in table.c or len(table.primary_key.columns) != 1:
            continue
        # Names come from our own table definitions, never from the file.
        statement = (
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        )
        db.session.execute(sa.text(statement))
    db.session.commit()

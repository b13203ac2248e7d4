"""The token of a portal's DYNAMIC lists (the ``list_versions`` table): what lets a
process keep the lists a write follows instead of reading them on every write
(``list_follow_reads``).

Every write of the lists' rows that can change what writes follow (a list created, its
filters, type or processing changed, deleted or restored, lists written by a snapshot
restore or removed by a reset) calls ``renew`` in its own transaction. The token is
random, not a counter: a reset, a restore or a rolled-back change can never bring back a
token a process holds with other lists (a counter restarted or restored could), and equal
tokens always come with the same lists, in a copy of the database too.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Connection

from localspot.store.dialect import dialect_of

TOKEN_BITS = 63
"""A positive BIGINT."""


def renew(conn: Connection, portal_id: int) -> None:
    """The portal's lists changed (or may have): a new token, in the caller's transaction."""
    dialect = dialect_of(conn)
    conn.exec_driver_sql(
        dialect.sql(
            "INSERT INTO list_versions (portal_id, token) VALUES (?, ?)"
            " ON CONFLICT (portal_id) DO UPDATE SET token = excluded.token"
        ),
        (portal_id, secrets.randbits(TOKEN_BITS)),
    )

"""Feed tokens: what a feed reader puts in the URL of a watch's Atom feed (`?token=...`) instead of a
session cookie or an API token.

One token a user at most: making a new one replaces (revokes) the old one, and removing the user or
changing their password revokes it too. Stored as its sha256 like API tokens (index/curation/accounts.py):
the token itself is shown once, when it is made. A feed token reads the feeds of its owner's watches
and nothing else (it is no API token: `user_for_token` does not know it, its prefix differs).
Making one is logged in the audit trail (`user.feed-token`).
"""

from __future__ import annotations

import secrets

from newsfind.index.curation.accounts import User, hash_token, user_from_row
from newsfind.index.curation.changes import ChangeLog, CurationError
from newsfind.index.curation.db import now_text

FEED_TOKEN_PREFIX = "nffeed_"


class FeedTokenStore(ChangeLog):
    def create(self, user_name: str, who: str) -> str:
        """A new feed token for the user (the old one, if any, stops working): returned once."""
        token = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.write() as conn:
            row = conn.execute("SELECT id, name FROM users WHERE name = ?", (user_name,)).fetchone()
            if row is None:
                raise CurationError(f"there is no user {user_name!r}")
            replaced = conn.execute("DELETE FROM feed_tokens WHERE user_id = ?", (row["id"],)).rowcount
            conn.execute("INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)",
                         (row["id"], hash_token(token), now_text()))
            self._log(conn, who, "user.feed-token", row["name"], None,
                      {"feed token": "replaced" if replaced else "new"})
        return token

    def created_at(self, user_name: str) -> str | None:
        """When the user's current feed token was made (None: they have none)."""
        if not self.exists():
            return None
        with self.db.read() as conn:
            row = conn.execute("SELECT f.created_at FROM feed_tokens f JOIN users u ON u.id = f.user_id "
                               "WHERE u.name = ?", (user_name,)).fetchone()
        return row[0] if row else None

    def user_for(self, token: str) -> User | None:
        """The user whose current feed token this is, else None."""
        if not token or not token.startswith(FEED_TOKEN_PREFIX) or len(token) > 200 or not self.exists():
            return None
        with self.db.read() as conn:
            row = conn.execute("SELECT u.* FROM feed_tokens f JOIN users u ON u.id = f.user_id "
                               "WHERE f.token_hash = ?", (hash_token(token),)).fetchone()
        return user_from_row(row)

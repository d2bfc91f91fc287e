"""Accounts: users and their roles, password hashes, API tokens, and the login rate limit.

Every account change is logged like any other change (`user.add`, `user.role`, ...), but none can be
undone: accounts are changed again with `newsfind user` instead.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from newsfind.index.curation.changes import ChangeLog, CurationError
from newsfind.index.curation.db import now_text
from newsfind.index.curation.watches import WatchStore

ROLES = ("reader", "archivist", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
TOKEN_PREFIX = "nf_"
MIN_PASSWORD = 8


@dataclass
class User:
    id: int
    name: str
    role: str
    session_version: int
    created_at: str
    password_hash: str = ""

    def can(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    def public(self) -> dict:
        return {"name": self.name, "role": self.role, "created_at": self.created_at}


def hash_password(password: str) -> str:
    """A salted scrypt hash (n=2**15, r=8, p=1) of a password, as werkzeug writes and checks them."""
    from werkzeug.security import generate_password_hash  # only account commands need it

    if len(password) < MIN_PASSWORD:
        raise CurationError(f"a password has at least {MIN_PASSWORD} characters")
    return generate_password_hash(password, method="scrypt")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_from_row(row) -> User | None:
    """A `users` row (its columns, or more: joined queries) as a User; None for no row."""
    if row is None:
        return None
    return User(row["id"], row["name"], row["role"], row["session_version"], row["created_at"],
                row["password_hash"])


class AccountStore(ChangeLog):
    """Users, API tokens and failed logins; every account change is logged."""

    _user = staticmethod(user_from_row)

    def user(self, name: str) -> User | None:
        with self.db.read() as conn:
            return self._user(conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone())

    def user_by_id(self, user_id: int) -> User | None:
        with self.db.read() as conn:
            return self._user(conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone())

    def users(self) -> list[User]:
        with self.db.read() as conn:
            return [self._user(r) for r in conn.execute("SELECT * FROM users ORDER BY name COLLATE NOCASE")]

    @staticmethod
    def check_user_name(name: str) -> str:
        if not USER_NAME.match(name or ""):
            raise CurationError(f"{name!r} is not a user name: letters, digits and _ . @ - (at most 64)")
        return name

    @staticmethod
    def check_role(role: str) -> str:
        if role not in ROLES:
            raise CurationError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        return role

    def add_user(self, name: str, role: str, password_hash: str, who: str) -> User:
        self.check_user_name(name)
        self.check_role(role)
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise CurationError(f"there is already a user {name!r}")
            conn.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                         (name, role, password_hash, now_text()))
            self._log(conn, who, "user.add", name, None, {"role": role})
            return self._user(conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone())

    def _existing(self, conn, name: str) -> User:
        user = self._user(conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone())
        if user is None:
            raise CurationError(f"there is no user {name!r}")
        return user

    def _last_admin_check(self, conn, user: User, new_role: str | None) -> None:
        if user.role == "admin" and new_role != "admin":
            admins = conn.execute("SELECT COUNT(*) FROM users WHERE role = 'admin'").fetchone()[0]
            if admins <= 1:
                raise CurationError(f"{user.name} is the last admin; make another admin first")

    def remove_user(self, name: str, who: str) -> None:
        with self.db.write() as conn:
            user = self._existing(conn, name)
            self._last_admin_check(conn, user, None)
            conn.execute("DELETE FROM users WHERE id = ?", (user.id,))
            self._log(conn, who, "user.remove", user.name, {"role": user.role}, None)
            WatchStore(self.db.index_dir).remove_owned(conn, user.name, who)  # its feed token goes by cascade

    def set_role(self, name: str, role: str, who: str) -> None:
        self.check_role(role)
        with self.db.write() as conn:
            user = self._existing(conn, name)
            if user.role == role:
                return
            self._last_admin_check(conn, user, role)
            conn.execute("UPDATE users SET role = ?, session_version = session_version + 1 WHERE id = ?",
                         (role, user.id))
            self._log(conn, who, "user.role", user.name, {"role": user.role}, {"role": role})

    def set_password(self, name: str, password_hash: str, who: str) -> None:
        with self.db.write() as conn:
            user = self._existing(conn, name)
            conn.execute("UPDATE users SET password_hash = ?, session_version = session_version + 1 WHERE id = ?",
                         (password_hash, user.id))
            conn.execute("DELETE FROM api_tokens WHERE user_id = ?", (user.id,))
            conn.execute("DELETE FROM feed_tokens WHERE user_id = ?", (user.id,))  # index/curation/feeds.py
            self._log(conn, who, "user.password", user.name, None, {"tokens": "revoked"})

    def create_token(self, name: str, label: str, who: str) -> str:
        """A new API token for the user: returned once, stored only as its hash."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.write() as conn:
            user = self._existing(conn, name)
            conn.execute("INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)",
                         (user.id, hash_token(token), label[:100], now_text()))
            self._log(conn, who, "user.token", user.name, None, {"label": label[:100]})
        return token

    def revoke_tokens(self, name: str, who: str) -> int:
        with self.db.write() as conn:
            user = self._existing(conn, name)
            count = conn.execute("DELETE FROM api_tokens WHERE user_id = ?", (user.id,)).rowcount
            self._log(conn, who, "user.revoke-tokens", user.name, None, {"revoked": count})
        return count

    def user_for_token(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX) or not self.exists():
            return None
        with self.db.write() as conn:
            row = conn.execute("SELECT u.*, t.id AS token_id FROM api_tokens t JOIN users u ON u.id = t.user_id "
                               "WHERE t.token_hash = ?", (hash_token(token),)).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (now_text(), row["token_id"]))
            return self._user(row)

    def token_count(self, name: str) -> int:
        with self.db.read() as conn:
            return conn.execute("SELECT COUNT(*) FROM api_tokens t JOIN users u ON u.id = t.user_id "
                                "WHERE u.name = ?", (name,)).fetchone()[0]

    # -- login rate limit -------------------------------------------------------------------------

    def recent_failures(self, name: str, ip: str, window: float) -> int:
        if not self.exists():
            return 0
        with self.db.read() as conn:
            return conn.execute("SELECT COUNT(*) FROM login_failures WHERE name = ? AND ip = ? AND at > ?",
                                (name.casefold(), ip, time.time() - window)).fetchone()[0]

    def login_failed(self, name: str, ip: str, window: float) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM login_failures WHERE at < ?", (time.time() - window,))
            conn.execute("INSERT INTO login_failures (name, ip, at) VALUES (?, ?, ?)",
                         (name.casefold(), ip, time.time()))

    def login_succeeded(self, name: str, ip: str) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM login_failures WHERE name = ? AND ip = ?", (name.casefold(), ip))

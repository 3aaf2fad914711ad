"""Password hashing for dashboard accounts: Argon2id, never the password itself.

argon2-cffi's defaults (RFC 9106's low-memory profile) are used, and hashes
made with older parameters are re-made on the next successful sign-in.
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 1024

_hasher = PasswordHasher()
# Verified against when the username is unknown, so that a sign-in for a
# missing account takes as long as one for a real account.
_DUMMY_HASH = _hasher.hash("no such account, only here for timing")


def check_strength(password: str) -> None:
    """Refuses passwords too short to resist guessing, or absurdly long."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValueError(f"the password must have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`, with its own random salt."""
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; a missing account costs the same work."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)

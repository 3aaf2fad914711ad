"""Dashboard password hashing: Argon2id, and no way to sign in without a hash."""

import pytest
from argon2 import PasswordHasher

from staff.passwords import check_strength, hash_password, needs_rehash, verify


def test_hash_is_salted_argon2id_and_verifies():
    first, second = (
        hash_password("a long secret pass"),
        hash_password("a long secret pass"),
    )

    assert first.startswith("$argon2id$")
    assert first != second
    assert verify(first, "a long secret pass")
    assert not verify(first, "a long secret pasS")
    assert not needs_rehash(first)


@pytest.mark.parametrize("stored", [None, "", "not a hash", "$argon2id$v=19$broken"])
def test_no_valid_hash_never_verifies(stored):
    assert not verify(stored, "no such account, only here for timing")
    assert not verify(stored, "anything at all")


def test_weaker_parameters_need_a_rehash():
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("x" * 12)
    assert needs_rehash(weak)
    assert verify(weak, "x" * 12)


@pytest.mark.parametrize("password", ["", "short", "x" * 11, "x" * 1025])
def test_strength_refuses_short_and_absurd_passwords(password):
    with pytest.raises(ValueError, match="characters"):
        check_strength(password)


def test_strength_accepts_twelve_characters():
    check_strength("x" * 12)

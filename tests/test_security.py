"""Tests for tinyweb.security: password hashes (format, vectors, fallback) and file names."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb import security
from tinyweb.security import check_password_hash, generate_password_hash, secure_filename

# Vectors computed once with Werkzeug 3 (werkzeug.security._hash_internal), so tinyweb checks
# hashes that Flask applications stored, and vice versa.
WERKZEUG_VECTORS = [
    (
        "scrypt:16384:8:1$saltsalt$5ad2bd3dda47f2f58376750557515204befa64757eb1217fa7ed21b7deba8db4"
        "6cb060cd35492f8a4e28d0d941803fa2b3793f8bb6c2f6bfb5dcf16e1cd47b94",
        "correct horse",
    ),
    (
        "scrypt:32768:8:1$abcdefghijklmnop$d3cceeab34835ad3e2221bd2c3401369d5e66ce8702f44110c4b102f"
        "e5fa5b7ae4d18f2072e865b55f776f95dd7d1436e0ed29789c8be8dc1f6288e21cd7f851",
        "password",
    ),
    (
        "pbkdf2:sha256:1000$NaCl$cba50afb9ece1b6c899d921b4b7139139f7d2258b02086c1764c441575c66253",
        "correct horse",
    ),
    (
        "pbkdf2:sha512:1000$NaCl$c79c0f8201c99a2a8df6a9ed9e9f854772732f37756cbf2106b746f62a385b3f"
        "a394a168b66bf8740a0b661e1acac96a369f27256dd38d3c4b47d35df4db7e5e",
        "pässwörd",
    ),
]


@pytest.mark.parametrize(("pwhash", "password"), WERKZEUG_VECTORS)
def test_werkzeug_vectors_check(pwhash: str, password: str) -> None:
    assert check_password_hash(pwhash, password)
    if not pwhash.startswith("scrypt:32768"):  # the expensive vector is checked once
        assert not check_password_hash(pwhash, password[:-1])


def test_default_method_is_scrypt_with_spelled_out_parameters() -> None:
    stored = generate_password_hash("hunter2")
    method, salt, digest = stored.split("$")
    assert method == "scrypt:32768:8:1"
    assert len(salt) == 16 and salt.isalnum()
    assert len(digest) == 128 and int(digest, 16) >= 0
    assert check_password_hash(stored, "hunter2")
    assert not check_password_hash(stored, "hunter3")


def test_pbkdf2_default_iterations() -> None:
    assert security.PBKDF2_ITERATIONS == 600_000


@pytest.mark.parametrize(
    ("method", "spelled"),
    [
        ("pbkdf2", "pbkdf2:sha256:1000"),
        ("pbkdf2:sha512", "pbkdf2:sha512:1000"),
        ("pbkdf2:sha256:1000", "pbkdf2:sha256:1000"),
        ("scrypt:1024:8:1", "scrypt:1024:8:1"),
    ],
)
def test_methods_are_self_describing(
    method: str, spelled: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(security, "PBKDF2_ITERATIONS", 1000)  # keep the test fast
    stored = generate_password_hash("pw", method=method, salt_length=8)
    assert stored.split("$")[0] == spelled
    assert len(stored.split("$")[1]) == 8
    assert check_password_hash(stored, "pw")


def test_salts_differ_between_calls() -> None:
    first = generate_password_hash("same", "pbkdf2:sha256:1000")
    second = generate_password_hash("same", "pbkdf2:sha256:1000")
    assert first != second


@pytest.mark.parametrize(
    "method", ["md5", "scrypt:1:2", "pbkdf2:sha256:0", "pbkdf2:sha256:+10", "pbkdf2:nope:10"]
)
def test_bad_methods_are_refused(method: str) -> None:
    with pytest.raises(ValueError):
        generate_password_hash("pw", method=method)


def test_bad_salt_length_is_refused() -> None:
    with pytest.raises(ValueError):
        generate_password_hash("pw", salt_length=0)


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "plaintext",
        "pbkdf2:sha256:1000$salt",
        "pbkdf2:sha256:1000$$abcd",
        "pbkdf2:sha256:1000$salt$",
        "md5$salt$abcd",
        "pbkdf2:sha256:x$salt$abcd",
        "pbkdf2:whirlpool9:10$salt$abcd",
    ],
)
def test_malformed_stored_hashes_never_match(malformed: str) -> None:
    assert check_password_hash(malformed, "anything") is False


def test_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def spy(left: str, right: str) -> bool:
        calls.append((left, right))
        return left == right

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    assert check_password_hash(WERKZEUG_VECTORS[2][0], "correct horse")
    assert len(calls) == 1


def test_without_scrypt_the_default_falls_back_to_pbkdf2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(hashlib, "scrypt", raising=False)
    monkeypatch.setattr(security, "PBKDF2_ITERATIONS", 1000)  # keep the test fast
    assert not security.scrypt_available()
    stored = generate_password_hash("pw")
    assert stored.startswith("pbkdf2:sha256:1000$")
    assert check_password_hash(stored, "pw")
    with pytest.raises(ValueError, match="scrypt"):
        check_password_hash(WERKZEUG_VECTORS[0][0], "correct horse")


@given(st.text(max_size=20))
def test_round_trip_property(password: str) -> None:
    stored = generate_password_hash(password, method="pbkdf2:sha256:1")
    assert check_password_hash(stored, password)
    assert not check_password_hash(stored, password + "!")


# secure_filename ------------------------------------------------------------------------

SECURE_FILENAME_CASES = [
    # Werkzeug's documented examples
    ("My cool movie.mov", "My_cool_movie.mov"),
    ("../../../etc/passwd", "etc_passwd"),
    ("i contain cool \xfcml\xe4uts.txt", "i_contain_cool_umlauts.txt"),
    # non-ASCII is reduced or dropped
    ("ＡＢＣ.txt", "ABC.txt"),
    ("\u2603.txt", "txt"),
    ("日本語", ""),
    # no path separators of any operating system
    ("a/b\\c", "a_b_c"),
    ("C:\\Windows\\system32\\cmd.exe", "C_Windows_system32_cmd.exe"),
    ("/etc/passwd", "etc_passwd"),
    # no leading dots (hidden files, "..") and nothing left of pure dots
    ("...", ""),
    (".", ""),
    ("..", ""),
    ("  .hidden", "hidden"),
    (".bashrc", "bashrc"),
    ("com1.txt.", "_com1.txt"),
    # control characters and NUL are dropped
    ("x\x00y", "xy"),
    ("a\r\nb.txt", "a_b.txt"),
    # Windows device names get an underscore, whatever the OS
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("Lpt9.tar.gz", "_Lpt9.tar.gz"),
    ("aux", "_aux"),
    ("coma.txt", "coma.txt"),
    ("console.txt", "console.txt"),
    ("_", ""),
]


@pytest.mark.parametrize(("filename", "expected"), SECURE_FILENAME_CASES)
def test_secure_filename_table(filename: str, expected: str) -> None:
    assert secure_filename(filename) == expected


@given(st.text())
def test_secure_filename_is_always_a_safe_base_name(filename: str) -> None:
    safe = secure_filename(filename)
    assert safe.isascii()
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".")
    assert safe.split(".")[0].upper() not in security.WINDOWS_DEVICE_NAMES
    assert secure_filename(safe) == safe  # idempotent

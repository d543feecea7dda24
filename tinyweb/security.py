"""Password hashing and safe upload file names.

Where it fits: application code calls these helpers directly (the blog example hashes
passwords at registration and checks them at login; upload views pass
``FileStorage.filename`` through :func:`secure_filename` before saving). The module imports
nothing from tinyweb and nothing outside the standard library.

Rules:

1. A stored hash describes itself: ``method$salt$hex``, where ``method`` carries every
   parameter needed to recompute it (``scrypt:32768:8:1``, ``pbkdf2:sha256:600000``). The
   format is Werkzeug's, so hashes move between tinyweb and Flask applications both ways.
2. Comparisons of secrets are constant-time (:func:`hmac.compare_digest`), so response
   timing does not reveal how many leading characters of a guess were right.
3. scrypt (RFC 7914) is the default. Some OpenSSL builds of Python lack
   :func:`hashlib.scrypt`; there the default falls back to PBKDF2-HMAC-SHA256 (RFC 8018),
   and checking an existing scrypt hash raises a clear error rather than failing silently.
4. :func:`secure_filename` never returns a name that leaves the upload folder, hides
   itself, or names a Windows device, whatever operating system tinyweb runs on.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import unicodedata

__all__ = ["check_password_hash", "generate_password_hash", "secure_filename"]

SALT_CHARACTERS = string.ascii_letters + string.digits

# scrypt defaults (the parameters recommended for interactive logins; Werkzeug's too).
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_KEY_LENGTH = 64
# scrypt needs 128 * n * r * p bytes (32 MiB for the defaults); OpenSSL's default ceiling is
# exactly 32 MiB and refuses the defaults, so the ceiling is raised explicitly.
SCRYPT_MAX_MEMORY = 132 * 1024 * 1024

PBKDF2_DIGEST = "sha256"
PBKDF2_ITERATIONS = 600_000


def generate_password_hash(password: str, method: str = "scrypt", salt_length: int = 16) -> str:
    """Hash ``password`` with a random salt; return ``"method$salt$hex"``.

    ``method`` is ``"scrypt"`` or ``"scrypt:n:r:p"``, or ``"pbkdf2"``,
    ``"pbkdf2:digest"`` or ``"pbkdf2:digest:iterations"``. Where :func:`hashlib.scrypt` is
    missing, ``"scrypt"`` falls back to ``"pbkdf2:sha256"``.

    >>> stored = generate_password_hash("correct horse")
    >>> stored.startswith("scrypt:32768:8:1$")
    True
    >>> check_password_hash(stored, "correct horse")
    True
    """
    if salt_length < 1:
        raise ValueError("salt_length must be at least 1")
    if method.split(":", 1)[0] == "scrypt" and not scrypt_available():
        method = "pbkdf2:" + PBKDF2_DIGEST
    salt = "".join(secrets.choice(SALT_CHARACTERS) for _ in range(salt_length))
    digest, full_method = _hash_password(method, salt, password)
    return f"{full_method}${salt}${digest}"


def check_password_hash(pwhash: str, password: str) -> bool:
    """True when ``password`` matches ``pwhash`` (made by :func:`generate_password_hash`).

    A malformed or unknown stored hash gives ``False``; a scrypt hash checked on a Python
    without scrypt raises :class:`ValueError` (a broken deployment should be loud).

    >>> check_password_hash(generate_password_hash("s3cret", "pbkdf2:sha256:1000"), "guess")
    False
    """
    method, _, rest = pwhash.partition("$")
    salt, separator, expected = rest.partition("$")
    if not separator or not salt or not expected:
        return False
    if method.split(":", 1)[0] == "scrypt" and not scrypt_available():
        raise ValueError("this Python's hashlib has no scrypt (an OpenSSL build without it)")
    try:
        digest, _ = _hash_password(method, salt, password)
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected)


def scrypt_available() -> bool:
    """True when this Python's :mod:`hashlib` offers scrypt (OpenSSL 1.1+ builds)."""
    return getattr(hashlib, "scrypt", None) is not None


def _hash_password(method: str, salt: str, password: str) -> tuple[str, str]:
    """Compute the hex digest for ``method``; return it with the fully spelled method."""
    name, *parameters = method.split(":")
    if name == "scrypt":
        return _scrypt(salt, password, parameters)
    if name == "pbkdf2":
        return _pbkdf2(salt, password, parameters)
    raise ValueError(f"unknown password hash method {name!r}")


def _scrypt(salt: str, password: str, parameters: list[str]) -> tuple[str, str]:
    """scrypt (RFC 7914) with ``parameters`` = [] or [n, r, p]."""
    if parameters and len(parameters) != 3:
        raise ValueError("scrypt takes three parameters: scrypt:n:r:p")
    if parameters:
        n, r, p = (_positive(text) for text in parameters)
    else:
        n, r, p = SCRYPT_N, SCRYPT_R, SCRYPT_P
    key = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt.encode("utf-8"),
        n=n,
        r=r,
        p=p,
        maxmem=SCRYPT_MAX_MEMORY,
        dklen=SCRYPT_KEY_LENGTH,
    )
    return key.hex(), f"scrypt:{n}:{r}:{p}"


def _pbkdf2(salt: str, password: str, parameters: list[str]) -> tuple[str, str]:
    """PBKDF2-HMAC (RFC 8018 §5.2) with ``parameters`` = [], [digest] or [digest, rounds]."""
    if len(parameters) > 2:
        raise ValueError("pbkdf2 takes at most two parameters: pbkdf2:digest:iterations")
    digest_name = parameters[0] if parameters else PBKDF2_DIGEST
    iterations = _positive(parameters[1]) if len(parameters) == 2 else PBKDF2_ITERATIONS
    key = hashlib.pbkdf2_hmac(
        digest_name, password.encode("utf-8"), salt.encode("utf-8"), iterations
    )
    return key.hex(), f"pbkdf2:{digest_name}:{iterations}"


def _positive(text: str) -> int:
    """Parse a positive decimal integer of ASCII digits (``int()`` would accept ``+1_0``)."""
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise ValueError(f"invalid hash parameter {text!r}")
    return int(text)


# Secure file names ----------------------------------------------------------------------

_UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]")

# Names Windows resolves to devices in any folder, with or without an extension
# ("con.txt" opens the console): https://learn.microsoft.com/windows/win32/fileio/naming-a-file
WINDOWS_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"COM{digit}" for digit in range(10)]
    + [f"LPT{digit}" for digit in range(10)]
)


def secure_filename(filename: str) -> str:
    """Turn a client-supplied file name into a safe, ASCII-only base name.

    Non-ASCII letters are reduced to their ASCII base (``ü`` → ``u``) or dropped, path
    separators become ``_`` (so nothing escapes the upload folder), every character outside
    ``A-Z a-z 0-9 _ . -`` is dropped, whitespace runs become ``_``, leading and trailing
    dots and underscores are stripped (no hidden files, no ``..``), and a Windows device
    name gets a ``_`` prefix. The result may be ``""``: choose a name of your own then.

    >>> secure_filename("../../../etc/passwd")
    'etc_passwd'
    >>> secure_filename("My cool movie.mov")
    'My_cool_movie.mov'
    >>> secure_filename("con.txt")
    '_con.txt'
    """
    normalized = unicodedata.normalize("NFKD", filename)
    ascii_name = normalized.encode("ascii", "ignore").decode("ascii")
    for separator in ("/", "\\"):
        ascii_name = ascii_name.replace(separator, " ")
    words = ascii_name.split()  # any ASCII whitespace run is one separator
    safe = _UNSAFE_FILENAME_CHARACTERS.sub("", "_".join(words)).strip("._")
    if safe and safe.split(".")[0].upper() in WINDOWS_DEVICE_NAMES:
        safe = "_" + safe
    return safe

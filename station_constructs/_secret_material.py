"""Recognise secret material where only plain settings belong (ConfigMaps, annotations).

Two checks: a variable *name* whose words say it holds a secret (``SENTRY_DSN``,
``GITHUB_PAT``, ``SLACK_WEBHOOK_URL``), matched word by word so that ``PATH`` is not
``PAT``; and a *value* shaped like a credential (a URL with ``user:password@``, well-known
token prefixes, a PEM block). Messages never repeat the value.
"""

from __future__ import annotations

import re

__all__ = ["secret_name_word", "secret_value_kind"]

# Substrings that mark a secret anywhere in a name (the library's long-standing rule).
_SECRET_SUBSTRINGS = ("KEY", "SECRET", "TOKEN", "PASS", "CREDENTIAL", "AUTH", "PRIVATE")
# Whole words (between '_', digits or the ends) that mark a secret: short ones would
# match inside harmless names as substrings (PAT in PATH, DSN in ...).
_SECRET_WORDS = frozenset({"PAT", "PATS", "WEBHOOK", "WEBHOOKS", "DSN", "PWD", "CREDS", "COOKIE"})
# PWD is the shell's working directory when it is the whole name.
_HARMLESS_NAMES = frozenset({"PWD", "OLDPWD"})

_VALUE_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a URL with a user name and password",
        re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s@:]*:[^/\s@]+@"),
    ),
    ("a PEM private key or certificate block", re.compile(r"-----BEGIN [A-Z0-9 ]+-----")),
    (
        "an OpenAI/Anthropic-style API key (sk-...)",
        re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,}"),
    ),
    (
        "a GitHub token",
        re.compile(r"(?<![A-Za-z0-9])(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    ),
    ("a Slack token", re.compile(r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}")),
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])")),
    ("a GitLab token", re.compile(r"(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}")),
    ("a Google API key", re.compile(r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}")),
)


# ``?api_key=...`` / ``&token=...`` in a URL (the parameter's name is checked, not the value).
_QUERY_PARAMETER = re.compile(r"[?&]([A-Za-z0-9_.-]+)=[^&#\s]+")
_QUERY_WORDS = frozenset({"SIG", "SIGNATURE", "APIKEY", "PASSWORD", "PWD"})


def secret_name_word(name: str) -> str | None:
    """The part of ``name`` that marks it as a secret (``"PAT"``, ``"KEY"``), or ``None``."""
    upper = name.upper()
    if upper in _HARMLESS_NAMES:
        return None
    for word in _SECRET_SUBSTRINGS:
        if word in upper:
            return word
    for word in re.split(r"[^A-Z]+", upper):
        if word in _SECRET_WORDS:
            return word
    return None


def secret_value_kind(value: object) -> str | None:
    """What secret ``value`` looks like (e.g. ``"a GitHub token"``), or ``None``."""
    if not isinstance(value, str):
        return None
    for kind, pattern in _VALUE_SHAPES:
        if pattern.search(value):
            return kind
    for match in _QUERY_PARAMETER.finditer(value):
        if _query_name_is_secret(match.group(1)):
            return f"a URL with a secret query parameter ({match.group(1)}=)"
    return None


def _query_name_is_secret(name: str) -> bool:
    upper = name.upper()
    words = set(re.split(r"[^A-Z]+", upper))
    return secret_name_word(name) is not None or bool(words & _QUERY_WORDS) or upper in _QUERY_WORDS

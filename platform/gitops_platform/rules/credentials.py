"""Which keys hold credentials, and the literal-value check built on that definition.

One definition, owned here: the constructs refuse a literal credential in a values map when a
component is built (:func:`check_no_secret_literals`), and the ``no-inline-secrets`` policy
receives the same definition as its constraint's ``parameters``
(:meth:`CredentialKeys.parameters`, rendered by ``gitops_platform.policy.library``), so that
CI and the cluster decide as construction does.

The rules, applied to a tree of values (mappings, lists, scalars):

* a **credential name** matches :attr:`CredentialKeys.pattern` (``password``, ``secret``,
  ``token``, ``apiKey``...), unless its normalised form (lower case, only letters and digits)
  starts with a reference prefix (``existingSecret``) or ends with a reference suffix: a
  reference to a Secret (``secretName``, ``passwordSecretRef``, ``adminPasswordKey``), a file,
  or a setting about a credential that is not one (``tokenUrl``, ``secretType``,
  ``tokenTTL``: a URL, a type name, a duration), or is on the reviewed allow-list
  (:class:`AllowedKey`);
* a **literal** is a string that is not a reference (not blank, not ``${VAR}``, ``$(VAR)`` or
  ``{{ template }}``) or a number (``password: 12345`` is a PIN-like credential, and YAML
  reads an unquoted digit string as a number). Booleans are switches, never a credential;
* a literal credential is a literal under a credential name, directly or as an item of a list
  under one (``password: [hunter2]``); the ``value`` or ``data`` of a mapping under a
  credential name, or of a mapping in a list under one (``password: {value: hunter2}``); or
  the ``value`` of a ``{name, value}`` pair whose name (its last ``.``-separated segment) is a
  credential name (an env entry ``{name: DB_PASSWORD, value: hunter2}``, a Helm parameter).

The patterns are RE2-compatible regular expressions, so that Rego's ``regex.match`` (the policy)
and Python's :mod:`re` read them alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gitops_platform.errors import InvalidValueError, SecretLiteralError, raise_all

__all__ = [
    "CREDENTIAL_KEYS",
    "MIN_REASON_LENGTH",
    "AllowedKey",
    "CredentialKeys",
    "check_no_secret_literals",
    "secret_literals",
]

#: The shortest reason an allow-list entry may give (as for policy exemptions).
MIN_REASON_LENGTH = 20

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


def normalized(name: str) -> str:
    """Lower case, letters and digits only: ``DB_PASSWORD_FILE`` -> ``dbpasswordfile``."""
    return _NOT_ALNUM.sub("", name).lower()


@dataclass(frozen=True)
class AllowedKey:
    """A reviewed allow-list entry: a key that looks like a credential name but is not one.

    Attributes:
        key: the key (or env/parameter name); compared normalised, so ``tokenCount`` also
            covers ``token_count`` and ``TOKEN-COUNT``.
        reason: why the value under it is not a credential; at least 20 characters, reviewed
            with the change.

    Raises:
        InvalidValueError: an empty key, or a missing or too short reason.

    """

    key: str
    reason: str

    def __post_init__(self) -> None:
        where = f"AllowedKey({self.key!r})"
        if not isinstance(self.key, str) or not normalized(self.key):
            raise InvalidValueError(where, "key", self.key, "a key with letters or digits")
        if not isinstance(self.reason, str) or len(self.reason.strip()) < MIN_REASON_LENGTH:
            raise InvalidValueError(
                where,
                "reason",
                self.reason,
                f"a reason of at least {MIN_REASON_LENGTH} characters saying why the value "
                "under this key is not a credential",
            )


@dataclass(frozen=True)
class CredentialKeys:
    """The credential-key definition (see the module docstring for how it is applied).

    Attributes:
        pattern: a regular expression (RE2 and Python) a credential name contains.
        reference_prefixes: normalised prefixes of names that refer to a Secret.
        reference_suffixes: normalised suffixes of names that refer to a Secret, a file, or
            describe a credential without holding one.
        reference_values: regular expressions of string values that are references, not
            literals (blank, ``${VAR}``, ``$(VAR)``, ``{{ template }}``).
        allowed: the reviewed allow-list.

    Raises:
        InvalidValueError: a pattern that does not compile, a prefix or suffix that is not
            normalised (lower-case letters and digits), or an allow-list entry twice.

    """

    pattern: str = (
        r"(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials?|"
        r"access[_-]?key)"
    )
    reference_prefixes: tuple[str, ...] = ("existing",)
    reference_suffixes: tuple[str, ...] = (
        "ref",
        "refs",
        "name",
        "names",
        "secrets",
        "passwordkey",
        "tokenkey",
        "usernamekey",
        "file",
        "files",
        "path",
        "paths",
        "dir",
        "url",
        "uri",
        "endpoint",
        "header",
        "prefix",
        "type",
        "ttl",
        "duration",
        "timeout",
        "expiry",
        "expiration",
        "length",
        "enabled",
    )
    # Blanks are spelt out: "\s" differs between RE2 and Python (vertical tab, Unicode).
    reference_values: tuple[str, ...] = (
        r"^[ \t\n\f\r]*$",
        r"^[ \t\n\f\r]*\$\{[^}]+\}[ \t\n\f\r]*$",
        r"^[ \t\n\f\r]*\$\([A-Za-z_][A-Za-z0-9_]*\)[ \t\n\f\r]*$",
        r"^[ \t\n\f\r]*\{\{.*\}\}[ \t\n\f\r]*$",
    )
    allowed: tuple[AllowedKey, ...] = field(default=())

    def __post_init__(self) -> None:
        for attr in ("reference_prefixes", "reference_suffixes", "reference_values", "allowed"):
            object.__setattr__(self, attr, tuple(getattr(self, attr)))
        for attr in ("pattern", *self.reference_values):
            source = self.pattern if attr == "pattern" else attr
            try:
                re.compile(source)
            except re.error as error:
                raise InvalidValueError(
                    "CredentialKeys", "pattern", source, f"a regular expression ({error})"
                ) from None
        for attr in ("reference_prefixes", "reference_suffixes"):
            for affix in getattr(self, attr):
                if not isinstance(affix, str) or not affix or normalized(affix) != affix:
                    raise InvalidValueError(
                        "CredentialKeys", attr, affix, "lower-case letters and digits"
                    )
        seen: set[str] = set()
        for entry in self.allowed:
            if not isinstance(entry, AllowedKey):
                raise InvalidValueError("CredentialKeys", "allowed", entry, "an AllowedKey")
            if normalized(entry.key) in seen:
                raise InvalidValueError(
                    "CredentialKeys", "allowed", entry.key, "each key once (compared normalised)"
                )
            seen.add(normalized(entry.key))

    def allowing(self, *entries: AllowedKey) -> CredentialKeys:
        """Return this definition with ``entries`` added to the allow-list."""
        return CredentialKeys(
            self.pattern,
            self.reference_prefixes,
            self.reference_suffixes,
            self.reference_values,
            (*self.allowed, *entries),
        )

    def is_credential_name(self, name: object) -> bool:
        """Whether ``name`` (a key, an env or parameter name) names a credential."""
        if not isinstance(name, str) or not _compiled(self.pattern).search(name):
            return False
        flat = normalized(name)
        if flat.startswith(self.reference_prefixes) or flat.endswith(self.reference_suffixes):
            return False
        return all(normalized(entry.key) != flat for entry in self.allowed)

    def is_literal(self, value: object) -> bool:
        """Whether ``value`` is a literal: a number, or a string that is not a reference.

        A reference string is blank, a placeholder or a template (:attr:`reference_values`);
        a boolean is never a literal.
        """
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            return True
        return isinstance(value, str) and not any(
            _compiled(p).search(value) for p in self.reference_values
        )

    def parameters(self) -> dict[str, Any]:
        """The definition as the ``no-inline-secrets`` constraint's ``parameters``."""
        return {
            "credentialPattern": self.pattern,
            "referencePrefixes": list(self.reference_prefixes),
            "referenceSuffixes": list(self.reference_suffixes),
            "referenceValues": list(self.reference_values),
            "allowedKeys": [
                {"key": normalized(e.key), "reason": e.reason}
                for e in sorted(self.allowed, key=lambda e: normalized(e.key))
            ],
        }

    @staticmethod
    def parameters_schema() -> dict[str, Any]:
        """The OpenAPI schema of :meth:`parameters` (for the ConstraintTemplate)."""
        strings = {"type": "array", "items": {"type": "string"}}
        return {
            "credentialPattern": {"type": "string"},
            "referencePrefixes": strings,
            "referenceSuffixes": strings,
            "referenceValues": strings,
            "allowedKeys": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"key": {"type": "string"}, "reason": {"type": "string"}},
                },
            },
        }


_COMPILED: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    found = _COMPILED.get(pattern)
    if found is None:
        found = _COMPILED[pattern] = re.compile(pattern)
    return found


#: The platform's credential-key definition.
CREDENTIAL_KEYS = CredentialKeys()


def _join(prefix: str, segment: str | int) -> str:
    if isinstance(segment, int):
        return f"{prefix}[{segment}]"
    return f"{prefix}.{segment}" if prefix else segment


def _last_segment(name: str) -> str:
    return name.split(".")[-1]


def secret_literals(data: Any, keys: CredentialKeys = CREDENTIAL_KEYS) -> Iterator[str]:
    """Yield the paths of the literal credentials in ``data`` (``a.b[0].c``), each once.

    Args:
        data: a tree of values (mappings with string keys, lists, scalars).
        keys: the credential-key definition.

    """
    seen: set[str] = set()
    for path in _walk(data, "", keys):
        if path not in seen:
            seen.add(path)
            yield path


def _walk(data: Any, prefix: str, keys: CredentialKeys) -> Iterator[str]:
    if isinstance(data, Mapping):
        name = data.get("name")
        if (
            isinstance(name, str)
            and "value" in data
            and keys.is_credential_name(_last_segment(name))
            and keys.is_literal(data["value"])
        ):
            yield _join(prefix, "value")
        for key, value in data.items():
            path = _join(prefix, str(key))
            credential = isinstance(key, str) and keys.is_credential_name(key)
            if credential and keys.is_literal(value):
                yield path
            elif credential and isinstance(value, Sequence) and not isinstance(value, str):
                for i, item in enumerate(value):
                    if keys.is_literal(item):
                        yield _join(path, i)
                    yield from _held(item, _join(path, i), keys)
            elif credential:
                yield from _held(value, path, keys)
            yield from _walk(value, path, keys)
    elif isinstance(data, Sequence) and not isinstance(data, str | bytes):
        for i, item in enumerate(data):
            yield from _walk(item, _join(prefix, i), keys)


#: Keys of a mapping under a credential name that hold the credential itself.
_HOLDERS = ("value", "data")


def _held(data: Any, prefix: str, keys: CredentialKeys) -> Iterator[str]:
    """The ``value``/``data`` literals of a mapping found under a credential name."""
    if isinstance(data, Mapping):
        for holder in _HOLDERS:
            if holder in data and keys.is_literal(data[holder]):
                yield _join(prefix, holder)


def check_no_secret_literals(
    where: str, field: str, data: Any, keys: CredentialKeys = CREDENTIAL_KEYS
) -> None:
    """Refuse every literal credential of ``data`` at once.

    Args:
        where: the construct path, for the message.
        field: the field ``data`` is (``values``, ``values[dev]``...), prefixed to each path.
        data: a values map (or any tree of values).
        keys: the credential-key definition (with its reviewed allow-list).

    Raises:
        SecretLiteralError: one literal credential was found.
        InvalidObjectError: several were found (one :class:`SecretLiteralError` each).

    """
    allowed = (
        "a reference to a Kubernetes Secret (for example existingSecret or secretKeyRef) "
        "materialised by an ExternalSecret, or a ${VAR} placeholder; never the value itself "
        "(a key that is not a credential goes on the reviewed allow-list: AllowedKey)"
    )
    problems: list[InvalidValueError] = [
        SecretLiteralError(where, f"{field}.{path}", "<literal value>", allowed)
        for path in secret_literals(data, keys)
    ]
    raise_all(where, problems)

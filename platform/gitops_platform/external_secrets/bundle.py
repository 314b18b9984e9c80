"""ExternalSecretBundle: a typed set of ``ExternalSecret`` objects read through one store.

Usable on its own in any cdk8s chart (:meth:`ExternalSecretBundle.add_to`) or inside a
component's ``manifests`` hook. Each :class:`SecretSpec` becomes one
``external-secrets.io/v1`` ``ExternalSecret`` whose target Secret is owned by it
(``creationPolicy: Owner``): deleting the ExternalSecret deletes the Secret.

Remote keys may name the environment with ``{env}`` (``{env}/backstage/database`` reads
``dev/backstage/database`` in dev); the store itself is the secrets component's typed
:class:`~gitops_platform.component.SecretStoreRef`, never a name typed twice.

Upstream facts: the ``ExternalSecret`` v1 schema (``spec.secretStoreRef``, ``spec.target``
with ``creationPolicy`` and ``template.engineVersion: v2``, ``spec.data[].remoteRef.{key,
property}``) is the CRD of external-secrets v2.9.0 (``crds/external-secrets/v2.9.0``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gitops_platform.core.naming import check_dns_label
from gitops_platform.core.objects import standard_labels
from gitops_platform.errors import (
    DuplicateError,
    InvalidValueError,
    SecretLiteralError,
    raise_all,
)
from gitops_platform.rules.credentials import CREDENTIAL_KEYS

if TYPE_CHECKING:
    from constructs import Construct

    from gitops_platform.external_secrets.operator import ExternalSecrets

__all__ = ["ExternalSecretBundle", "RemoteValue", "SecretSpec"]

#: A Secret data key (Kubernetes: ``[-._a-zA-Z0-9]+``, at most 253 characters).
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")
#: A remote key: a path of segments, optionally holding the ``{env}`` placeholder.
_REMOTE_KEY = re.compile(r"^[A-Za-z0-9_{}][A-Za-z0-9_.{}/-]*$")
#: A property name inside a remote key (a JSON field of the Vault KV entry).
_PROPERTY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
#: A refresh interval as Go's ``time.ParseDuration`` reads it (``1h``, ``15m``, ``1h30m``).
_DURATION = re.compile(r"^([0-9]+(h|m|s))+$")
#: A Go template reference (``{{ .password }}``); what template values may hold besides literals.
_TEMPLATE_REF = re.compile(r"\{\{.*?\}\}")


@dataclass(frozen=True)
class RemoteValue:
    """One value read from the secret backend: a key and one property of it.

    Attributes:
        key: the remote key (a Vault KV path below the store's mount), ``{env}`` standing for
            the environment name, e.g. ``{env}/backstage/database``.
        property: the field of that key (``password``).

    Raises:
        InvalidValueError: a key that is not a path (blank, spaces, a value pasted in) or a
            property that is not a field name.
    """

    key: str
    property: str

    def __post_init__(self) -> None:
        path_like = isinstance(self.key, str) and bool(_REMOTE_KEY.fullmatch(self.key))
        # a key that is not a path may be a pasted value: never repeat it in the message
        where = f"RemoteValue({self.key!r})" if path_like else "RemoteValue"
        problems: list[InvalidValueError] = []
        if not path_like:
            problems.append(
                InvalidValueError(
                    where,
                    "key",
                    "<not a path>",
                    "a remote key path such as {env}/backstage/database (letters, digits, "
                    "_ . - / and {env}); never a secret value",
                )
            )
        elif set(re.findall(r"\{[^}]*\}", self.key)) - {"{env}"}:
            problems.append(
                InvalidValueError(where, "key", self.key, "no placeholder other than {env}")
            )
        if not isinstance(self.property, str) or not _PROPERTY.fullmatch(self.property):
            problems.append(
                InvalidValueError(where, "property", self.property, "a field name of the key")
            )
        raise_all(where, problems)

    def resolved(self, env: str | None) -> str:
        """The remote key for ``env`` (``{env}`` replaced).

        Raises:
            InvalidValueError: the key names ``{env}`` and no environment is given.
        """
        if "{env}" in self.key and env is None:
            raise InvalidValueError(
                f"RemoteValue({self.key!r})", "key", self.key, "an environment to fill {env}"
            )
        return self.key.replace("{env}", env or "")


@dataclass(frozen=True)
class SecretSpec:
    """One Kubernetes Secret materialised by one ``ExternalSecret``.

    Attributes:
        name: the target Secret's (and the ExternalSecret's) name, a DNS label.
        namespace: the namespace of both.
        data: Secret key -> the remote value it holds.
        template: for structured secrets, Secret key -> a Go template (engine v2) rendered
            by the operator; non-secret parts (host, port, database name) are literals, the
            secret parts reference the data keys (``{{ .password }}``). With a template,
            only the template's keys are written to the Secret.
        refresh_interval: how often the operator re-reads the backend (Go duration,
            default ``1h``).

    Raises:
        InvalidValueError | InvalidObjectError: a bad name or data key, a template value
            that is a literal credential (:class:`SecretLiteralError`), a bad interval.
    """

    name: str
    namespace: str
    data: Mapping[str, RemoteValue]
    template: Mapping[str, str] = field(default_factory=dict)
    refresh_interval: str = "1h"

    def __post_init__(self) -> None:
        where = f"SecretSpec({self.namespace}/{self.name})"
        problems: list[InvalidValueError] = []
        for attr in ("name", "namespace"):
            try:
                check_dns_label(where, attr, getattr(self, attr))
            except InvalidValueError as error:
                problems.append(error)
        if not isinstance(self.data, Mapping) or not self.data:
            problems.append(
                InvalidValueError(where, "data", self.data, "a non-empty mapping of RemoteValue")
            )
        else:
            for key, value in self.data.items():
                if not isinstance(key, str) or not _SECRET_KEY.fullmatch(key):
                    problems.append(
                        InvalidValueError(
                            where, "data", key, "a Secret key: letters, digits, - _ . only"
                        )
                    )
                if not isinstance(value, RemoteValue):
                    problems.append(
                        InvalidValueError(where, f"data[{key}]", value, "a RemoteValue")
                    )
        if not isinstance(self.template, Mapping):
            problems.append(InvalidValueError(where, "template", self.template, "a mapping"))
        else:
            for key, text in self.template.items():
                if not isinstance(key, str) or not _SECRET_KEY.fullmatch(key):
                    problems.append(
                        InvalidValueError(
                            where, "template", key, "a Secret key: letters, digits, - _ . only"
                        )
                    )
                if not isinstance(text, str):
                    problems.append(
                        InvalidValueError(where, f"template[{key}]", text, "a template string")
                    )
                elif (
                    isinstance(key, str)
                    and CREDENTIAL_KEYS.is_credential_name(key)
                    and text.strip()
                    and not _TEMPLATE_REF.search(text)
                ):
                    problems.append(
                        SecretLiteralError(
                            where,
                            f"template[{key}]",
                            "<literal value>",
                            "a template referencing a data key ({{ .password }}); "
                            "credentials come from the secret backend, never from Git",
                        )
                    )
        if not isinstance(self.refresh_interval, str) or not _DURATION.fullmatch(
            self.refresh_interval
        ):
            problems.append(
                InvalidValueError(
                    where, "refresh_interval", self.refresh_interval, "a duration such as 1h or 15m"
                )
            )
        raise_all(where, problems)
        object.__setattr__(self, "data", dict(sorted(self.data.items())))
        object.__setattr__(self, "template", dict(sorted(self.template.items())))

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys the target Secret has (the template's, else the data's), sorted."""
        return tuple(sorted(self.template or self.data))

    def spec(self, store: Mapping[str, str], env: str | None) -> dict[str, Any]:
        """The ``ExternalSecret.spec`` for ``env`` (``{env}`` filled in the remote keys)."""
        target: dict[str, Any] = {"name": self.name, "creationPolicy": "Owner"}
        if self.template:
            target["template"] = {"engineVersion": "v2", "data": dict(self.template)}
        return {
            "refreshInterval": self.refresh_interval,
            "secretStoreRef": dict(store),
            "target": target,
            "data": [
                {
                    "secretKey": key,
                    "remoteRef": {"key": value.resolved(env), "property": value.property},
                }
                for key, value in self.data.items()
            ],
        }


@dataclass(frozen=True)
class ExternalSecretBundle:
    """A set of ExternalSecrets read through the secrets component's store.

    Attributes:
        secrets: the External Secrets component; its :attr:`store` is the ``secretStoreRef``.
        specs: the Secrets to materialise; each ``(namespace, name)`` once.
        part_of: the ``app.kubernetes.io/part-of`` label of the objects.

    Raises:
        DuplicateError: two specs target the same Secret.
        InvalidValueError: ``secrets`` is not an External Secrets component, or a spec is not
            a :class:`SecretSpec`.

    Example:
        >>> bundle = ExternalSecretBundle(secrets, (
        ...     SecretSpec("backstage-postgres", "backstage",
        ...                {"password": RemoteValue("{env}/backstage/database", "password")},
        ...                template={"POSTGRES_PASSWORD": "{{ .password }}"}),
        ... ))
        >>> bundle.add_to(chart, env="dev")
    """

    secrets: ExternalSecrets
    specs: tuple[SecretSpec, ...]
    part_of: str = "gitops-platform"

    def __post_init__(self) -> None:
        from gitops_platform.external_secrets.operator import ExternalSecrets

        where = "ExternalSecretBundle"
        problems: list[InvalidValueError] = []
        if not isinstance(self.secrets, ExternalSecrets):
            problems.append(
                InvalidValueError(
                    where, "secrets", self.secrets, "the ExternalSecrets component (not a name)"
                )
            )
        if not isinstance(self.specs, tuple) or not all(
            isinstance(s, SecretSpec) for s in self.specs
        ):
            problems.append(InvalidValueError(where, "specs", self.specs, "a tuple of SecretSpec"))
        else:
            seen: set[tuple[str, str]] = set()
            for spec in self.specs:
                target = (spec.namespace, spec.name)
                if target in seen:
                    problems.append(
                        DuplicateError(
                            where,
                            "specs",
                            f"{spec.namespace}/{spec.name}",
                            "one ExternalSecret per target Secret",
                        )
                    )
                seen.add(target)
        raise_all(where, problems)

    def secret_keys(self) -> dict[str, tuple[str, ...]]:
        """``<namespace>/<name>`` -> the keys that Secret will have."""
        return {f"{s.namespace}/{s.name}": s.keys for s in self.specs}

    def spec_for(self, name: str) -> SecretSpec:
        """The spec whose target Secret is ``name``.

        Raises:
            InvalidValueError: no spec targets that Secret.
        """
        for spec in self.specs:
            if spec.name == name:
                return spec
        raise InvalidValueError(
            "ExternalSecretBundle", "specs", name, f"one of {[s.name for s in self.specs]}"
        )

    def add_to(self, scope: Construct, env: str | None) -> None:
        """Add one ``ExternalSecret`` per spec under ``scope`` (remote keys for ``env``).

        Raises:
            InvalidValueError: ``env`` is no environment the External Secrets component has a
                store for.
        """
        from gitops_platform.core.objects import api_object

        if env is not None and env not in self.secrets.stores:
            raise InvalidValueError(
                f"ExternalSecretBundle({scope.node.path})",
                "env",
                env,
                f"an environment with a secret store: {', '.join(sorted(self.secrets.stores))}",
            )

        store = self.secrets.store.as_dict()
        for spec in self.specs:
            api_object(
                scope,
                f"external-secret-{spec.namespace}-{spec.name}",
                api_version="external-secrets.io/v1",
                kind="ExternalSecret",
                name=spec.name,
                namespace=spec.namespace,
                labels=standard_labels(spec.name, self.part_of, component="secrets"),
                body={"spec": spec.spec(store, env)},
            )

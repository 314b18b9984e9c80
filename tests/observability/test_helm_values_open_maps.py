"""Label maps, security contexts and schema-open maps take any key; real typos are still found."""

from __future__ import annotations

from typing import Any

from gitops_platform.validation.helm_values import ChartFiles, unknown_keys


def chart(schema: dict[str, Any] | None = None) -> ChartFiles:
    return ChartFiles(
        name="demo",
        version="1.0.0",
        path="demo",
        defaults={
            # Vector's chart: a non-empty label map
            "podLabels": {"vector.dev/exclude": "true"},
            "commonLabels": {"team": "x"},
            "containerSecurityContext": {"readOnlyRootFilesystem": True},
            "limits_config": {"volume_enabled": True},
            "service": {"type": "ClusterIP", "ports": []},
        },
        schema=schema,
    )


def test_keys_under_open_maps_are_not_unknown() -> None:
    values = {
        "podLabels": {"app.kubernetes.io/part-of": "platform"},
        "commonLabels": {"owner": "y"},
        "containerSecurityContext": {"allowPrivilegeEscalation": False},
    }
    assert unknown_keys(chart(), values) == []


def test_a_schema_declaring_additional_properties_opens_the_map() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "limits_config": {"type": "object", "additionalProperties": True},
        },
    }
    values = {"limits_config": {"allow_structured_metadata": True}}
    assert unknown_keys(chart(), values) == [
        (("limits_config", "allow_structured_metadata"), "demo 1.0.0")
    ]
    assert unknown_keys(chart(schema), values) == []


def test_a_typo_in_an_option_map_is_still_found() -> None:
    found = unknown_keys(chart(), {"service": {"tpye": "NodePort"}, "podLabelz": {"a": "b"}})
    assert sorted(path for path, _ in found) == [("podLabelz",), ("service", "tpye")]


def test_yaml_value_key_reads_as_a_string() -> None:
    # prometheus-operator's CRDs list `=` among matcher operators; PyYAML alone cannot load it
    from gitops_platform.validation.tree import parse_documents

    documents, problem = parse_documents("kind: X\nenum:\n  - =\n  - '!='\n", "crd.yaml")
    assert problem is None
    assert documents[0].obj["enum"] == ["=", "!="]

# Shared helpers of the gitops-platform policy set (Rego v1), loaded by every template as a lib.
#
# Conventions of the policy set:
# - every violation carries details.check (the check id, which exemptions refer to) and
#   details.field (the field path inside the object, e.g. spec.template.spec.containers[0]);
# - input.parameters.exemptions lists reviewed exemptions: kind, namespace and name globs
#   (OPA glob.match, no delimiters) and optionally the checks they waive (all when empty).
package lib.gitops_platform

review_object := input.review.object

metadata := object.get(review_object, "metadata", {})

object_name := object.get(metadata, "name", "")

object_kind := object.get(review_object, "kind", "")

object_namespace := ns if {
	ns := metadata.namespace
	is_string(ns)
	ns != ""
} else := ns if {
	ns := input.review.namespace
	is_string(ns)
} else := ""

# A label value, defined only when the label is present and not empty.
label_value(meta, key) := value if {
	value := meta.labels[key]
	is_string(value)
	value != ""
}

# ---------------------------------------------------------------------------------------------
# Exemptions. An exemption matches the object itself or the workload that controls it, so an
# exemption for a DaemonSet also covers its Pods (owner reference), one for a Deployment also
# covers its ReplicaSets and their Pods (pod-template-hash), and one for a CronJob its Jobs and
# their Pods.

exempt(check) if {
	some exemption in object.get(input.parameters, "exemptions", [])
	covers_check(exemption, check)
	some id in workload_ids
	glob.match(exemption.kind, null, id.kind)
	glob.match(exemption.namespace, null, id.namespace)
	glob.match(exemption.name, null, id.name)
}

covers_check(exemption, _) if count(object.get(exemption, "checks", [])) == 0

covers_check(exemption, check) if check in object.get(exemption, "checks", [])

controller_owners contains owner if {
	some owner in object.get(metadata, "ownerReferences", [])
	owner.controller == true
}

workload_ids contains {"kind": object_kind, "namespace": object_namespace, "name": object_name}

workload_ids contains {"kind": owner.kind, "namespace": object_namespace, "name": owner.name} if {
	some owner in controller_owners
}

# Pod -> ReplicaSet <deployment>-<pod-template-hash> -> Deployment
workload_ids contains {"kind": "Deployment", "namespace": object_namespace, "name": deployment} if {
	some owner in controller_owners
	owner.kind == "ReplicaSet"
	suffix := concat("", ["-", metadata.labels["pod-template-hash"]])
	endswith(owner.name, suffix)
	deployment := trim_suffix(owner.name, suffix)
}

# Pod -> Job <cronjob>-<scheduled time> -> CronJob
workload_ids contains {"kind": "CronJob", "namespace": object_namespace, "name": cronjob} if {
	some owner in controller_owners
	owner.kind == "Job"
	match := regex.find_all_string_submatch_n(`^(.+)-[0-9]+$`, owner.name, 1)
	cronjob := match[0][1]
}

# ---------------------------------------------------------------------------------------------
# Pod specs, pod template metadata and containers of Pods and workloads.

pod_template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

pod_specs contains {"path": "spec", "spec": review_object.spec} if {
	object_kind == "Pod"
	is_object(review_object.spec)
}

pod_specs contains {"path": "spec.template.spec", "spec": review_object.spec.template.spec} if {
	object_kind in pod_template_kinds
	is_object(review_object.spec.template.spec)
}

pod_specs contains {
	"path": "spec.jobTemplate.spec.template.spec",
	"spec": review_object.spec.jobTemplate.spec.template.spec,
} if {
	object_kind == "CronJob"
	is_object(review_object.spec.jobTemplate.spec.template.spec)
}

pod_templates contains {"path": "spec.template.metadata", "metadata": meta} if {
	object_kind in pod_template_kinds
	meta := object.get(review_object.spec.template, "metadata", {})
}

pod_templates contains {"path": "spec.jobTemplate.spec.template.metadata", "metadata": meta} if {
	object_kind == "CronJob"
	meta := object.get(review_object.spec.jobTemplate.spec.template, "metadata", {})
}

container_fields := ["containers", "initContainers", "ephemeralContainers"]

containers contains {
	"path": sprintf("%s.%s[%d]", [pod.path, field, i]),
	"field": field,
	"name": object.get(container, "name", sprintf("#%d", [i])),
	"container": container,
	"pod": pod.spec,
} if {
	some pod in pod_specs
	some field in container_fields
	some i, container in object.get(pod.spec, field, [])
}

# ---------------------------------------------------------------------------------------------
# Credential-like names and literal values (no-inline-secrets).

# The definition comes from the constraint's parameters, rendered from the Python definition
# (gitops_platform.rules.credentials.CredentialKeys.parameters): the pattern a credential name
# contains, the normalised prefixes and suffixes of names that refer to a credential (a Secret,
# a key in one, a file, a URL, a type, a duration) without holding it, the reviewed allow-list,
# and the patterns of values that are references (blank, ${VAR}, $(VAR), {{ template }}).
credential_parameters := object.get(input, "parameters", {})

normalized(name) := lower(regex.replace(name, `[^A-Za-z0-9]`, ""))

reference_name(name) if {
	some prefix in object.get(credential_parameters, "referencePrefixes", [])
	startswith(normalized(name), prefix)
}

reference_name(name) if {
	some suffix in object.get(credential_parameters, "referenceSuffixes", [])
	endswith(normalized(name), suffix)
}

reference_name(name) if {
	some allowed in object.get(credential_parameters, "allowedKeys", [])
	normalized(name) == allowed.key
}

credential_name(name) if {
	is_string(name)
	regex.match(credential_parameters.credentialPattern, name)
	not reference_name(name)
}

reference_value(value) if {
	some pattern in object.get(credential_parameters, "referenceValues", [])
	regex.match(pattern, value)
}

literal_value(value) if {
	is_string(value)
	not reference_value(value)
}

# A number under a credential name is a literal (a PIN, or digits YAML read as a number); a
# boolean is a switch, never a credential.
literal_value(value) if is_number(value)

last_segment(name) := segment if {
	parts := split(name, ".")
	segment := parts[count(parts) - 1]
}

credential_key(path) if {
	key := path[count(path) - 1]
	credential_name(key)
}

credential_key(path) if {
	count(path) >= 2
	is_number(path[count(path) - 1])
	credential_name(path[count(path) - 2])
}

# Keys of a mapping under a credential-like key that hold the credential itself.
credential_holders := {"value", "data"}

# Paths (arrays of keys and indices) of credential-like literals in a tree of values: a literal
# under a credential-like key (or in a list under one); the value or data of a mapping under one
# (or of a mapping in a list under one); or a {name, value} pair (an env entry, a Helm
# parameter) whose name is credential-like and whose value is a literal.
credential_literals(values) := {path |
	walk(values, [path, value])
	literal_value(value)
	credential_key(path)
} | {path |
	walk(values, [path, value])
	literal_value(value)
	count(path) >= 2
	credential_holders[path[count(path) - 1]]
	credential_key(array.slice(path, 0, count(path) - 1))
} | {path |
	walk(values, [parent, pair])
	is_object(pair)
	is_string(pair.name)
	credential_name(last_segment(pair.name))
	literal_value(pair.value)
	path := array.concat(parent, ["value"])
}

# ---------------------------------------------------------------------------------------------
# Rendering field paths: ["a", 0, "b"] -> "a[0].b", joined to a prefix.

path_segment(_, p) := sprintf("[%d]", [p]) if is_number(p)

path_segment(0, p) := p if is_string(p)

path_segment(i, p) := concat("", [".", p]) if {
	is_string(p)
	i > 0
}

render_path(path) := concat("", [s | some i, p in path; s := path_segment(i, p)])

join_path(prefix, path) := render_path(path) if prefix == ""

join_path(prefix, path) := prefix if {
	prefix != ""
	count(path) == 0
}

join_path(prefix, path) := concat("", [prefix, render_path(path)]) if {
	prefix != ""
	count(path) > 0
	is_number(path[0])
}

join_path(prefix, path) := concat(".", [prefix, render_path(path)]) if {
	prefix != ""
	count(path) > 0
	is_string(path[0])
}

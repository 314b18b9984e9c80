# no-inline-secrets: secrets come from External Secrets; the tree only names them.
package platformnoinlinesecrets

import data.lib.gitops_platform as lib

violation contains {"msg": msg, "details": {"check": p.check, "field": p.field}} if {
	some p in problems
	not lib.exempt(p.check)
	msg := sprintf("[%s] %s", [p.check, p.msg])
}

obj := input.review.object

problems contains {
	"check": "secret-data",
	"field": key,
	"msg": sprintf("a Secret must not carry %s in Git: deliver it with an ExternalSecret", [key]),
} if {
	lib.object_kind == "Secret"
	some key in ["data", "stringData"]
	count(object.get(obj, key, {})) > 0
}

problems contains {
	"check": "env-literal",
	"field": sprintf("%s.env[%d].value", [c.path, i]),
	"msg": sprintf(
		"container %q sets %q to a literal value: use valueFrom.secretKeyRef",
		[c.name, entry.name]
	),
} if {
	some c in lib.containers
	some i, entry in object.get(c.container, "env", [])
	lib.credential_name(entry.name)
	lib.literal_value(entry.value)
}

# Argo CD Applications: helm.values (a YAML string), helm.valuesObject and helm.parameters of
# spec.source and of every spec.sources[].
sources contains {"path": "spec.source", "source": obj.spec.source} if {
	lib.object_kind == "Application"
	is_object(obj.spec.source)
}

sources contains {"path": sprintf("spec.sources[%d]", [i]), "source": source} if {
	lib.object_kind == "Application"
	some i, source in obj.spec.sources
}

problems contains {
	"check": "helm-values-unparsable",
	"field": concat("", [s.path, ".helm.values"]),
	"msg": "helm.values is not valid YAML, so it cannot be checked for credentials",
} if {
	some s in sources
	is_string(s.source.helm.values)
	not yaml.is_valid(s.source.helm.values)
}

problems contains {
	"check": "helm-values-literal",
	"field": lib.join_path(concat("", [s.path, ".helm.values"]), path),
	"msg": sprintf(
		"Helm value %q is a literal credential: reference a Secret instead (e.g. existingSecret)",
		[lib.render_path(path)]
	),
} if {
	some s in sources
	is_string(s.source.helm.values)
	yaml.is_valid(s.source.helm.values)
	some path in lib.credential_literals(yaml.unmarshal(s.source.helm.values))
}

problems contains {
	"check": "helm-values-literal",
	"field": lib.join_path(concat("", [s.path, ".helm.valuesObject"]), path),
	"msg": sprintf(
		"Helm value %q is a literal credential: reference a Secret instead (e.g. existingSecret)",
		[lib.render_path(path)]
	),
} if {
	some s in sources
	some path in lib.credential_literals(s.source.helm.valuesObject)
}

problems contains {
	"check": "helm-parameter-literal",
	"field": sprintf("%s.helm.parameters[%d].value", [s.path, i]),
	"msg": sprintf(
		"Helm parameter %q is a literal credential: reference a Secret instead",
		[parameter.name]
	),
} if {
	some s in sources
	some i, parameter in s.source.helm.parameters
	lib.credential_name(lib.last_segment(parameter.name))
	lib.literal_value(parameter.value)
}

# CI only: a Helm values file of the tree, wrapped as validation.gitops-platform.io/v1 HelmValues
# (never applied to a cluster). The field is the path inside the values file.
problems contains {
	"check": "values-file-literal",
	"field": lib.render_path(path),
	"msg": sprintf(
		"Helm value %q is a literal credential: reference a Secret instead (e.g. existingSecret)",
		[lib.render_path(path)]
	),
} if {
	lib.object_kind == "HelmValues"
	some path in lib.credential_literals(object.get(object.get(obj, "spec", {}), "values", {}))
	count(path) > 0
}

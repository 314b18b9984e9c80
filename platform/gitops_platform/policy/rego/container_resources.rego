# container-resources: requests (and limits) on every container and initContainer.
# Ephemeral containers cannot set resources in Kubernetes and are not checked.
package platformcontainerresources

import data.lib.gitops_platform as lib

violation contains {"msg": msg, "details": {"check": p.check, "field": p.field}} if {
	some p in problems
	not lib.exempt(p.check)
	msg := sprintf("[%s] %s", [p.check, p.msg])
}

kinds := {"requests": "missing-request", "limits": "missing-limit"}

problems contains {
	"check": check,
	"field": sprintf("%s.resources.%s.%s", [c.path, kind, resource]),
	"msg": sprintf(
		"container %q has no %s %s (resources.%s.%s)",
		[c.name, resource, trim_suffix(kind, "s"), kind, resource]
	),
} if {
	some c in lib.containers
	c.field != "ephemeralContainers"
	some kind, check in kinds
	some resource in object.get(input.parameters, kind, [])
	not has_resource(c.container, kind, resource)
}

has_resource(container, kind, resource) if {
	value := container.resources[kind][resource]
	value != null
	value != ""
}

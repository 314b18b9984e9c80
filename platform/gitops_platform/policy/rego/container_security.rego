# container-security: the Pod Security "restricted" essentials for every container,
# initContainer and ephemeralContainer of Pods and pod templates.
package platformcontainersecurity

import data.lib.gitops_platform as lib

violation contains {"msg": msg, "details": {"check": p.check, "field": p.field}} if {
	some p in problems
	not lib.exempt(p.check)
	msg := sprintf("[%s] %s", [p.check, p.msg])
}

host_namespaces := {"hostNetwork": "host-network", "hostPID": "host-pid", "hostIPC": "host-ipc"}

problems contains {
	"check": check,
	"field": concat(".", [pod.path, key]),
	"msg": sprintf("the pod shares the node's namespace: %s must not be true", [key]),
} if {
	some pod in lib.pod_specs
	some key, check in host_namespaces
	pod.spec[key] == true
}

# The container's own securityContext wins over the pod's, as in Kubernetes.
effective(c, key) := value if {
	value := c.container.securityContext[key]
} else := value if {
	value := c.pod.securityContext[key]
} else := null

seccomp_type(c) := value if {
	value := c.container.securityContext.seccompProfile.type
} else := value if {
	value := c.pod.securityContext.seccompProfile.type
} else := null

problems contains {
	"check": "privileged",
	"field": concat("", [c.path, ".securityContext.privileged"]),
	"msg": sprintf("container %q must not be privileged", [c.name]),
} if {
	some c in lib.containers
	c.container.securityContext.privileged == true
}

problems contains {
	"check": "allow-privilege-escalation",
	"field": concat("", [c.path, ".securityContext.allowPrivilegeEscalation"]),
	"msg": sprintf("container %q must set securityContext.allowPrivilegeEscalation to false", [c.name]),
} if {
	some c in lib.containers
	object.get(object.get(c.container, "securityContext", {}), "allowPrivilegeEscalation", null) != false
}

problems contains {
	"check": "capabilities-drop-all",
	"field": concat("", [c.path, ".securityContext.capabilities.drop"]),
	"msg": sprintf(
		"container %q must drop all capabilities (securityContext.capabilities.drop: [ALL])",
		[c.name]
	),
} if {
	some c in lib.containers
	security_context := object.get(c.container, "securityContext", {})
	drop := object.get(object.get(security_context, "capabilities", {}), "drop", [])
	not "ALL" in drop
}

problems contains {
	"check": "run-as-non-root",
	"field": concat("", [c.path, ".securityContext.runAsNonRoot"]),
	"msg": sprintf(
		"container %q must run as non-root (runAsNonRoot: true on the container or the pod)",
		[c.name]
	),
} if {
	some c in lib.containers
	effective(c, "runAsNonRoot") != true
}

problems contains {
	"check": "seccomp-runtime-default",
	"field": concat("", [c.path, ".securityContext.seccompProfile.type"]),
	"msg": sprintf(
		"container %q must use the RuntimeDefault seccomp profile (on the container or the pod), not %v",
		[c.name, seccomp_type(c)]
	),
} if {
	some c in lib.containers
	seccomp_type(c) != "RuntimeDefault"
}

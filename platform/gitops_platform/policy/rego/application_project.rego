# application-project: every Argo CD Application refers to an AppProject that exists.
# Referential: reads AppProjects from data.inventory (gator: every object it is given; in the
# cluster: the objects Gatekeeper's Config syncs, see the policy set's sync Config).
package platformapplicationproject

import data.lib.gitops_platform as lib

violation contains {"msg": msg, "details": {"check": p.check, "field": p.field}} if {
	some p in problems
	not lib.exempt(p.check)
	msg := sprintf("[%s] %s", [p.check, p.msg])
}

project := object.get(object.get(input.review.object, "spec", {}), "project", "")

# Where the project must live: the Argo CD namespace when configured, else the Application's
# own namespace; anywhere when neither is known.
project_namespace := ns if {
	ns := object.get(input.parameters, "projectNamespace", "")
	ns != ""
} else := lib.object_namespace

app_project(ns, name) if {
	some group_version, kinds in data.inventory.namespace[ns]
	startswith(group_version, "argoproj.io/")
	kinds.AppProject[name]
}

project_exists if app_project(project_namespace, project)

project_exists if {
	project_namespace == ""
	some ns, _ in data.inventory.namespace
	app_project(ns, project)
}

# An AppProject rendered without a namespace (applied into the Argo CD namespace).
project_exists if {
	some group_version, kinds in data.inventory.cluster
	startswith(group_version, "argoproj.io/")
	kinds.AppProject[project]
}

where := sprintf(" in namespace %q", [project_namespace]) if {
	project_namespace != ""
} else := ""

problems contains {
	"check": "unknown-project",
	"field": "spec.project",
	"msg": sprintf("project %q is not an AppProject%s", [project, where]),
} if {
	lib.object_kind == "Application"
	not project_exists
}

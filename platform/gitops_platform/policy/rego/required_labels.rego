# required-labels: the platform's labels on every object (and on the pod templates of workloads,
# whose Pods are objects too), and the Backstage catalog label on workloads that belong to a
# catalog entity.
package platformrequiredlabels

import data.lib.gitops_platform as lib

violation contains {"msg": msg, "details": {"check": p.check, "field": p.field}} if {
	some p in problems
	not lib.exempt(p.check)
	msg := sprintf("[%s] %s", [p.check, p.msg])
}

required := object.get(input.parameters, "labels", [])

catalog_label := object.get(input.parameters, "catalogLabel", "backstage.io/kubernetes-id")

catalog_kinds := {"Deployment", "StatefulSet", "DaemonSet"}

problems contains {
	"check": "missing-label",
	"field": sprintf("metadata.labels[%q]", [key]),
	"msg": sprintf("%s has no label %q", [lib.object_kind, key]),
} if {
	some key in required
	not lib.label_value(lib.metadata, key)
}

problems contains {
	"check": "missing-pod-template-label",
	"field": sprintf("%s.labels[%q]", [template.path, key]),
	"msg": sprintf("the pod template has no label %q (its Pods would not carry it)", [key]),
} if {
	object.get(input.parameters, "podTemplates", false) == true
	some template in lib.pod_templates
	some key in required
	not lib.label_value(template.metadata, key)
}

# A workload belongs to a catalog entity when it or its pod template carries the catalog label,
# or when it lives in one of the catalog namespaces.
belongs_to_catalog if lib.label_value(lib.metadata, catalog_label)

belongs_to_catalog if {
	some template in lib.pod_templates
	lib.label_value(template.metadata, catalog_label)
}

belongs_to_catalog if lib.object_namespace in object.get(input.parameters, "catalogNamespaces", [])

problems contains {
	"check": "missing-catalog-label",
	"field": sprintf("metadata.labels[%q]", [catalog_label]),
	"msg": sprintf("%s belongs to a catalog entity but has no label %q", [lib.object_kind, catalog_label]),
} if {
	lib.object_kind in catalog_kinds
	belongs_to_catalog
	not lib.label_value(lib.metadata, catalog_label)
}

problems contains {
	"check": "missing-catalog-label",
	"field": sprintf("%s.labels[%q]", [template.path, catalog_label]),
	"msg": sprintf(
		"%s belongs to a catalog entity but its pod template has no label %q",
		[lib.object_kind, catalog_label]
	),
} if {
	lib.object_kind in catalog_kinds
	belongs_to_catalog
	some template in lib.pod_templates
	not lib.label_value(template.metadata, catalog_label)
}

problems contains {
	"check": "catalog-label-mismatch",
	"field": sprintf("%s.labels[%q]", [template.path, catalog_label]),
	"msg": sprintf(
		"label %q is %q on the pod template but %q on the %s",
		[catalog_label, inner, outer, lib.object_kind]
	),
} if {
	lib.object_kind in catalog_kinds
	outer := lib.label_value(lib.metadata, catalog_label)
	some template in lib.pod_templates
	inner := lib.label_value(template.metadata, catalog_label)
	inner != outer
}

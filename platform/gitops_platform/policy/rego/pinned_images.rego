# pinned-images: every container image names a tag other than latest, or a digest.
package platformpinnedimages

import data.lib.gitops_platform as lib

violation contains {"msg": msg, "details": {"check": p.check, "field": p.field}} if {
	some p in problems
	not lib.exempt(p.check)
	msg := sprintf("[%s] %s", [p.check, p.msg])
}

digest_pattern := `@sha(256|384|512):[a-f0-9]{32,}$`

# The tag is after the last ":" of the last path segment (a ":" before it is a registry port).
tag(image) := t if {
	not contains(image, "@")
	segments := split(image, "/")
	last := segments[count(segments) - 1]
	contains(last, ":")
	parts := split(last, ":")
	t := parts[count(parts) - 1]
	t != ""
}

problems contains {
	"check": "missing-tag",
	"field": concat("", [c.path, ".image"]),
	"msg": sprintf("container %q image %q has no tag and no digest: pin a version", [c.name, image]),
} if {
	some c in lib.containers
	image := object.get(c.container, "image", "")
	not regex.match(digest_pattern, image)
	not tag(image)
}

problems contains {
	"check": "latest-tag",
	"field": concat("", [c.path, ".image"]),
	"msg": sprintf(
		"container %q image %q uses the moving tag latest: pin a version or a digest",
		[c.name, image]
	),
} if {
	some c in lib.containers
	image := object.get(c.container, "image", "")
	not regex.match(digest_pattern, image)
	lower(tag(image)) == "latest"
}

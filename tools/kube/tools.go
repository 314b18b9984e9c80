//go:build tools

// Package tools pins the commands built from this module, so that `go mod tidy` keeps their
// dependencies in go.mod and go.sum.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)

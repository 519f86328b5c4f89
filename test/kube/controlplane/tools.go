//go:build tools

// Package controlplane pins the commands the test bed builds, so that `go mod tidy` keeps their modules.
package controlplane

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)

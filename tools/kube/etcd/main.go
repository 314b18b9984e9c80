// Command etcd is the etcd server of go.etcd.io/etcd/server/v3, at the version the Kubernetes
// module requires, for the throwaway API server of the validation pipeline.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}

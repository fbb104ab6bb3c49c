// Command kube is one multi-call binary (hyperkube-style) holding the upstream Kubernetes
// components Pier's Magnum nodes run. It dispatches on the name it was called by (a symlink
// named kubelet, kubectl, …) or, failing that, on its first argument (`kube kubelet --help`).
// etcd (go.etcd.io/etcd/server at the release k8s.io/kubernetes pins its client to) is in it
// too: kube-apiserver 1.31+ needs etcd's /readyz and /livez, which Debian's etcd 3.4.23 lacks.
// Besides upstream's commands it has one of Pier's: pier-node, a node server's init (node_*.go).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	_ "time/tzdata" // CronJob time zones (kube-apiserver, kube-controller-manager)

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // --logging-format=json
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric
	"k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"

	_ "k8s.io/client-go/plugin/pkg/client/auth" // kubectl's client auth plugins
	"k8s.io/component-base/logs"
)

// server components: each returns its cobra command, run as upstream's main does.
var servers = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kube-proxy":              proxy.NewProxyCommand,
	"kubelet":                 func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
}

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args
	if !known(name) && len(os.Args) > 1 && known(os.Args[1]) {
		// `kube kubelet --flag`: drop our own name so the component sees its usual argv.
		name, args = os.Args[1], os.Args[1:]
	}
	os.Args = args
	switch {
	case name == "etcd":
		etcdmain.Main(os.Args) // exits on its own when etcd stops
	case name == "kubectl":
		os.Exit(runKubectl())
	case name == "pier-node":
		os.Exit(pierNode())
	case servers[name] != nil:
		os.Exit(cli.Run(servers[name]()))
	default:
		fmt.Fprintf(os.Stderr, "usage: %s COMMAND [flags] (or call it through a symlink named COMMAND)\ncommands: %v\n", filepath.Base(os.Args[0]), commands())
		os.Exit(2)
	}
}

// runKubectl mirrors cmd/kubectl/kubectl.go: verbosity is set before the command is built,
// because building it already logs (plugins, .kuberc).
func runKubectl() int {
	logs.GlogSetter(cmd.GetLogVerbosity(os.Args)) // nolint:errcheck
	if err := cli.RunNoErrOutput(cmd.NewDefaultKubectlCommand()); err != nil {
		kubectlutil.CheckErr(err) // prints and exits non-zero
	}
	return 0
}

func known(name string) bool {
	return name == "kubectl" || name == "etcd" || name == "pier-node" || servers[name] != nil
}

func commands() []string {
	names := []string{"etcd", "kubectl", "pier-node"}
	for n := range servers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

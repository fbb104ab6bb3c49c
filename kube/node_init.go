// pier-node: what a node server does at boot, as the image's PID 1 — shows kubelet the global
// sysctls it checks, reads its role from the config drive, writes certificates, kubeconfigs and
// per-node settings, then runs containerd and (master) etcd + the control plane, kubelet and
// kube-proxy, and keeps the pod network (node_net.go). The static configuration files are baked
// into the image by Pier (src/clusters/drivers/kubernetes/node-image.ts); kube/README.md says why
// each setting is what it is.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	pkiDir         = "/etc/kubernetes/pki"
	kubeletDir     = "/var/lib/kubelet"
	nodeKubecfg    = kubeletDir + "/kubeconfig"
	nodeClientPEM  = kubeletDir + "/pki/kubelet-client-current.pem"
	containerdSock = "/run/containerd/containerd.sock"
)

func pierNode() int {
	signal.Ignore(syscall.SIGPIPE)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		say("stopping") // PID 1 exits: the kernel ends every process of the node's PID namespace
		os.Exit(0)
	}()
	if err := bootNode(); err != nil {
		say("boot failed: %v", err)
		return 1
	}
	select {}
}

func bootNode() error {
	t0 := time.Now()
	if err := maskSysctls("/etc/pier-node/proc-sys"); err != nil {
		return err
	}
	cfg, md, err := readNodeConfig(configDrive)
	if err != nil {
		return err
	}
	addr, mtu, err := nodeAddress("eth0", 30*time.Second)
	if err != nil {
		return err
	}
	ip := addr.IP
	if cfg.NetworkDriver == "kuryr" {
		// Pods take addresses of the node's own subnet: that is the cluster's pod range (kube-proxy's clusterCIDR).
		cfg.PodCIDR = (&net.IPNet{IP: ip.Mask(addr.Mask), Mask: addr.Mask}).String()
	}
	name := md.Hostname
	if id := strings.ReplaceAll(md.UUID, "-", ""); len(id) == 32 {
		_ = os.WriteFile("/etc/machine-id", []byte(id+"\n"), 0o444) // kubelet's systemUUID and machine ID: the server's
	}
	say("node %s (%s) of cluster %s, %s", name, ip, cfg.ClusterUUID, cfg.Role)
	api := fmt.Sprintf("https://%s", net.JoinHostPort(cfg.APIAddresses[0], strconv.Itoa(cfg.APIPort)))
	if cfg.Role == "master" {
		api = fmt.Sprintf("https://%s", net.JoinHostPort(ip.String(), strconv.Itoa(cfg.APIPort)))
	}
	for _, d := range []string{pkiDir, kubeletDir + "/pki", "/var/lib/etcd", "/etc/cni/net.d", logDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(pkiDir+"/ca.crt", []byte(cfg.CACert), 0o644); err != nil {
		return err
	}
	if cfg.Role == "master" {
		if err := masterFiles(cfg, name, ip, api); err != nil {
			return err
		}
	} else if err := writeKubeconfig("/etc/kubernetes/bootstrap.kubeconfig", api, "kubelet-bootstrap", fmt.Sprintf("token: %s", cfg.BootstrapToken)); err != nil {
		return err
	}
	if err := perNodeConfigs(cfg, name); err != nil {
		return err
	}

	if cfg.StorageVolume != "" {
		if err := storageOnVolume(cfg.StorageVolume, "/var/lib/containerd", 60*time.Second); err != nil {
			return err
		}
		say("containerd's images and snapshots on the storage volume at %s", cfg.StorageVolume)
	}
	if cfg.NetworkDriver == "kuryr" {
		if err := writeKuryrCNIConfig(cfg); err != nil {
			return err
		}
		say("pod network: kuryr, each pod a Neutron port on %s", cfg.PodCIDR)
	}
	s := newSupervisor()
	s.daemon("containerd", "containerd", "--config", "/etc/containerd/config.toml")
	if !waitUntil(30*time.Second, func() bool { return exists(containerdSock) }) {
		return fmt.Errorf("containerd did not open %s (log: %s/containerd.log)", containerdSock, logDir)
	}
	// No registry: the pod sandbox and the busybox image are imported before kubelet asks for them.
	if !s.run("ctr-import", "ctr", "--address", containerdSock, "-n", "k8s.io", "images", "import", "/opt/pier/images.tar") {
		return fmt.Errorf("importing the node's images failed (log: %s/ctr-import.log)", logDir)
	}
	if cfg.Role == "master" {
		startControlPlane(s, cfg, name, ip, t0)
	}
	kubelet := []string{"kubelet", "--config", kubeletDir + "/config.yaml", "--kubeconfig", nodeKubecfg, "--cert-dir", kubeletDir + "/pki",
		"--root-dir", kubeletDir, "--hostname-override", name, "--node-ip", ip.String(), "--v", "1"}
	if cfg.Role == "master" {
		kubelet = append(kubelet, "--register-with-taints", "node-role.kubernetes.io/control-plane=:NoSchedule")
	} else {
		kubelet = append(kubelet, "--bootstrap-kubeconfig", "/etc/kubernetes/bootstrap.kubeconfig")
	}
	s.daemon("kubelet", kubelet...)
	go func() {
		// A worker has node credentials once its TLS bootstrap is done; kube-proxy and the pod
		// network use them (system:nodes may read nodes, services and endpoint slices).
		waitUntil(time.Hour, func() bool { return exists(nodeKubecfg) && exists(nodeClientPEM) })
		s.daemon("kube-proxy", "kube-proxy", "--config", "/var/lib/kube-proxy/config.yaml", "--hostname-override", name)
		if cfg.NetworkDriver == "pier-bridge" {
			podNetwork(s, cfg, name, api, mtu, t0)
		}
	}()
	return nil
}

// maskSysctls bind-mounts each file under dir over the same path under /proc/sys: kubelet only
// checks these global settings (protectKernelDefaults) and the host keeps its own.
func maskSysctls(dir string) error {
	return filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		target := "/proc/sys/" + strings.TrimPrefix(path, dir+"/")
		if err := syscall.Mount(path, target, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("showing %s to kubelet: %w", target, err)
		}
		return nil
	})
}

// storageOnVolume bind-mounts a directory of the volume mounted at mnt (once it is: the
// server's volumes may appear just after it starts) over dir.
func storageOnVolume(mnt, dir string, wait time.Duration) error {
	mounted := func() bool {
		var a, b syscall.Stat_t
		return syscall.Stat(mnt, &a) == nil && syscall.Stat(filepath.Dir(mnt), &b) == nil && a.Dev != b.Dev
	}
	if !waitUntil(wait, mounted) {
		return fmt.Errorf("no volume mounted at %s after %s", mnt, wait)
	}
	src := filepath.Join(mnt, filepath.Base(dir))
	for _, d := range []string{src, dir} {
		if err := os.MkdirAll(d, 0o711); err != nil {
			return err
		}
	}
	if err := syscall.Mount(src, dir, "", syscall.MS_BIND, ""); err != nil {
		return fmt.Errorf("putting %s on the storage volume: %w", dir, err)
	}
	return nil
}

// nodeAddress is the first IPv4 address (with its prefix) on ifname (the server's port, plugged before it starts).
func nodeAddress(ifname string, wait time.Duration) (*net.IPNet, int, error) {
	var found *net.IPNet
	var mtu int
	ok := waitUntil(wait, func() bool {
		ifc, err := net.InterfaceByName(ifname)
		if err != nil {
			return false
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
				found, mtu = &net.IPNet{IP: n.IP.To4(), Mask: n.Mask[len(n.Mask)-4:]}, ifc.MTU
				return true
			}
		}
		return false
	})
	if !ok {
		return nil, 0, fmt.Errorf("no IPv4 address on %s", ifname)
	}
	return found, mtu, nil
}

func masterFiles(cfg *nodeConfig, name string, ip net.IP, api string) error {
	ca, err := loadAuthority(cfg.CACert, cfg.CAKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(pkiDir+"/ca.key", []byte(cfg.CAKey), 0o600); err != nil {
		return err
	}
	domain := cfg.ClusterDomain
	ips := []net.IP{net.ParseIP("127.0.0.1"), ip, firstServiceIP(cfg.ServiceCIDR)}
	for _, a := range cfg.APIAddresses {
		ips = append(ips, net.ParseIP(a))
	}
	client := func(file, cn string, groups ...string) certRequest {
		return certRequest{name: file, cn: cn, groups: groups}
	}
	reqs := []certRequest{
		{name: "apiserver", cn: "kube-apiserver", server: true, ips: ips,
			dns: []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc." + domain, "localhost", name}},
		client("apiserver-kubelet-client", "kube-apiserver-kubelet-client", "system:masters"),
		client("admin", "admin", "system:masters"),
		client("controller-manager", "system:kube-controller-manager"),
		client("scheduler", "system:kube-scheduler"),
		client("kubelet-client", "system:node:"+name, "system:nodes"),
	}
	for _, r := range reqs {
		if err := ca.issue(pkiDir, r); err != nil {
			return err
		}
	}
	if err := serviceAccountKeys(pkiDir); err != nil {
		return err
	}
	local := fmt.Sprintf("https://127.0.0.1:%d", cfg.APIPort)
	for _, u := range []string{"admin", "controller-manager", "scheduler"} {
		if err := writeKubeconfig("/etc/kubernetes/"+u+".kubeconfig", local, u,
			fmt.Sprintf("client-certificate: %s/%s.crt\n    client-key: %s/%s.key", pkiDir, u, pkiDir, u)); err != nil {
			return err
		}
	}
	// The master's kubelet starts with its certificate made here (no TLS bootstrap), in the
	// combined file a bootstrapped kubelet writes, so both roles look the same from here on.
	crt, _ := os.ReadFile(pkiDir + "/kubelet-client.crt")
	key, _ := os.ReadFile(pkiDir + "/kubelet-client.key")
	if err := os.WriteFile(nodeClientPEM, append(crt, key...), 0o600); err != nil {
		return err
	}
	return writeKubeconfig(nodeKubecfg, api, "system:node:"+name, fmt.Sprintf("client-certificate: %s\n    client-key: %s", nodeClientPEM, nodeClientPEM))
}

func writeKubeconfig(file, server, user, credentials string) error {
	return os.WriteFile(file, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: pier
  cluster: {server: "%s", certificate-authority: %s/ca.crt}
users:
- name: "%s"
  user:
    %s
contexts:
- name: pier
  context: {cluster: pier, user: "%s"}
current-context: pier
`, server, pkiDir, user, credentials, user)), 0o600)
}

// perNodeConfigs appends this node's values to the configurations the image carries.
func perNodeConfigs(cfg *nodeConfig, name string) error {
	var lim syscall.Rlimit
	_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	oom, _ := os.ReadFile("/proc/self/oom_score_adj")
	score := strings.TrimSpace(string(oom))
	kubelet := fmt.Sprintf(`
# Per node (pier-node): its own cgroup as the host names it (pods nest under the server's limits);
# the current hard RLIMIT_NOFILE and oom_score_adj (no CAP_SYS_RESOURCE to raise or lower them).
cgroupRoot: %s
maxOpenFiles: %d
oomScoreAdj: %s
clusterDomain: %s
`, ownCgroup(), lim.Max, score, cfg.ClusterDomain)
	if cfg.DNSServiceIP != "" {
		kubelet += fmt.Sprintf("clusterDNS: [%s]\n", cfg.DNSServiceIP)
	}
	if err := appendTo("/etc/kubernetes/kubelet.yaml", kubeletDir+"/config.yaml", kubelet); err != nil {
		return err
	}
	_ = os.MkdirAll("/var/lib/kube-proxy", 0o755)
	return appendTo("/etc/kubernetes/kube-proxy.yaml", "/var/lib/kube-proxy/config.yaml",
		fmt.Sprintf("\n# Per node (pier-node)\nclusterCIDR: %s\noomScoreAdj: %s\nhostnameOverride: %s\n", cfg.PodCIDR, score, name))
}

func appendTo(from, to, extra string) error {
	base, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, append(base, extra...), 0o644)
}

// ownCgroup is this container's cgroup as the host names it (no cgroup namespace): the memory
// hierarchy's path, which the runtime made the same in every hierarchy.
func ownCgroup() string {
	b, _ := os.ReadFile("/proc/self/cgroup")
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.SplitN(l, ":", 3); len(f) == 3 && f[1] == "memory" {
			return f[2]
		}
	}
	return "/"
}

// startControlPlane starts etcd and kube-apiserver, and once the API answers the bootstrap
// objects, kube-controller-manager and kube-scheduler (earlier, they exit until the API server's
// own RBAC roles exist).
func startControlPlane(s *supervisor, cfg *nodeConfig, name string, ip net.IP, t0 time.Time) {
	p := func(f string) string { return pkiDir + "/" + f }
	s.daemon("etcd", "etcd", "--name", name, "--data-dir", "/var/lib/etcd",
		"--listen-client-urls", "http://127.0.0.1:2379", "--advertise-client-urls", "http://127.0.0.1:2379",
		"--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
		"--initial-cluster", name+"=http://127.0.0.1:2380", "--listen-metrics-urls", "http://127.0.0.1:2381")
	s.daemon("kube-apiserver", "kube-apiserver", "--etcd-servers", "http://127.0.0.1:2379",
		"--bind-address", "0.0.0.0", "--advertise-address", ip.String(), "--secure-port", strconv.Itoa(cfg.APIPort),
		"--tls-cert-file", p("apiserver.crt"), "--tls-private-key-file", p("apiserver.key"), "--client-ca-file", p("ca.crt"),
		"--kubelet-client-certificate", p("apiserver-kubelet-client.crt"), "--kubelet-client-key", p("apiserver-kubelet-client.key"),
		"--kubelet-preferred-address-types", "InternalIP",
		"--service-account-issuer", "https://kubernetes.default.svc", "--service-account-key-file", p("sa.pub"),
		"--service-account-signing-key-file", p("sa.key"), "--service-cluster-ip-range", cfg.ServiceCIDR,
		"--authorization-mode", "Node,RBAC", "--enable-admission-plugins", "NodeRestriction", "--enable-bootstrap-token-auth",
		"--allow-privileged", "--profiling=false")
	go func() {
		waitUntil(10*time.Minute, func() bool { return apiReady(cfg.APIPort) })
		say("kube-apiserver ready after %.1f s", time.Since(t0).Seconds())
		startControllers(s, cfg)
		applyBootstrapObjects(s, cfg)
	}()
}

func startControllers(s *supervisor, cfg *nodeConfig) {
	p := func(f string) string { return pkiDir + "/" + f }
	cm := "/etc/kubernetes/controller-manager.kubeconfig"
	cmArgs := []string{"kube-controller-manager", "--kubeconfig", cm,
		"--authentication-kubeconfig", cm, "--authorization-kubeconfig", cm, "--bind-address", "127.0.0.1", "--leader-elect=false",
		"--use-service-account-credentials", "--service-account-private-key-file", p("sa.key"), "--root-ca-file", p("ca.crt"),
		// Signs the workers' TLS-bootstrap CSRs (approved by csrapproving through the RBAC below).
		"--cluster-signing-cert-file", p("ca.crt"), "--cluster-signing-key-file", p("ca.key"),
		"--controllers", "*,bootstrapsigner,tokencleaner",
		"--service-cluster-ip-range", cfg.ServiceCIDR, "--flex-volume-plugin-dir", "/var/lib/kubelet/volume-plugins"}
	if cfg.NetworkDriver == "pier-bridge" {
		// Each node's podCIDR, which the pod network (node_net.go) uses; Kuryr's pods take Neutron's addresses.
		cmArgs = append(cmArgs, "--allocate-node-cidrs", "--cluster-cidr", cfg.PodCIDR, "--node-cidr-mask-size", "24")
	}
	s.daemon("kube-controller-manager", cmArgs...)
	sc := "/etc/kubernetes/scheduler.kubeconfig"
	s.daemon("kube-scheduler", "kube-scheduler", "--kubeconfig", sc, "--authentication-kubeconfig", sc,
		"--authorization-kubeconfig", sc, "--bind-address", "127.0.0.1", "--leader-elect=false")
}

// applyBootstrapObjects makes the bootstrap token and the RBAC the workers' TLS bootstrap needs
// (create a CSR, have it auto-approved, renew it) and lets nodes run kube-proxy.
func applyBootstrapObjects(s *supervisor, cfg *nodeConfig) {
	m := tokenRe.FindStringSubmatch(cfg.BootstrapToken)
	crb := func(name, role, group string) map[string]any {
		return map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": map[string]any{"name": name},
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
			"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}}}
	}
	list := map[string]any{"apiVersion": "v1", "kind": "List", "items": []any{
		map[string]any{"apiVersion": "v1", "kind": "Secret", "type": "bootstrap.kubernetes.io/token",
			"metadata": map[string]any{"name": "bootstrap-token-" + m[1], "namespace": "kube-system"},
			"stringData": map[string]any{"token-id": m[1], "token-secret": m[2], "usage-bootstrap-authentication": "true",
				"usage-bootstrap-signing": "true", "auth-extra-groups": "system:bootstrappers:pier"}},
		crb("pier:kubelet-bootstrap", "system:node-bootstrapper", "system:bootstrappers"),
		crb("pier:node-autoapprove-bootstrap", "system:certificates.k8s.io:certificatesigningrequests:nodeclient", "system:bootstrappers"),
		crb("pier:node-autoapprove-renewal", "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", "system:nodes"),
		crb("pier:node-proxier", "system:node-proxier", "system:nodes"),
	}}
	b, _ := json.Marshal(list)
	_ = os.WriteFile("/etc/kubernetes/bootstrap-objects.json", b, 0o600)
	for !s.run("bootstrap-objects", "kubectl", "--kubeconfig", "/etc/kubernetes/admin.kubeconfig", "apply", "-f", "/etc/kubernetes/bootstrap-objects.json") {
		time.Sleep(time.Second)
	}
	say("bootstrap token and node RBAC applied")
}

// apiReady asks the local kube-apiserver's /readyz, as admin.
func apiReady(port int) bool {
	c, err := apiClient("/etc/kubernetes/pki/admin.crt", "/etc/kubernetes/pki/admin.key")
	if err != nil {
		return false
	}
	r, err := c.Get(fmt.Sprintf("https://127.0.0.1:%d/readyz", port))
	if err != nil {
		return false
	}
	defer r.Body.Close()
	return r.StatusCode == http.StatusOK
}

func waitUntil(d time.Duration, ok func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return false
}

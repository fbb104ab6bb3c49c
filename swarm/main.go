// Command pier-swarm-node is the init (PID 1) of a Pier Docker Swarm node server (the swarm node
// image, src/clusters/drivers/swarm-mode/node-image.ts): it reads its role from the config drive,
// makes dockerd's TLS certificate from the cluster CA, runs dockerd (TLS on api_port, the
// engine's own containerd), loads the image's container images, and then either initialises
// the swarm (the first master, which also runs the join service) or joins it — and joins again
// whenever it finds itself out of it. Pier drains and removes the nodes a resize deletes
// (src/clusters/drivers/swarm-mode/nodes.ts).
package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	pkiDir      = "/etc/docker/pki"
	overlayPool = "10.200.0.0/16"
)

func main() {
	signal.Ignore(syscall.SIGPIPE)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		say("stopping") // PID 1 exits: the kernel ends every process of the node's PID namespace
		os.Exit(0)
	}()
	if err := boot(); err != nil {
		say("boot failed: %v", err)
		os.Exit(1)
	}
	select {}
}

func boot() error {
	t0 := time.Now()
	cfg, md, err := readNodeConfig(configDrive)
	if err != nil {
		return err
	}
	ip, mtu, err := nodeAddress("eth0", 30*time.Second)
	if err != nil {
		return err
	}
	name := md.Hostname
	if id := strings.ReplaceAll(md.UUID, "-", ""); len(id) == 32 {
		_ = os.WriteFile("/etc/machine-id", []byte(id+"\n"), 0o444)
	}
	say("node %s (%s) of cluster %s, %s %d", name, ip, cfg.ClusterUUID, cfg.Role, cfg.Index)
	if err := os.MkdirAll(pkiDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(pkiDir+"/ca.pem", []byte(cfg.CACert), 0o644); err != nil {
		return err
	}
	var ca *authority
	var joined *joinAnswer
	key, csr, err := nodeKey(pkiDir+"/key.pem", name)
	if err != nil {
		return err
	}
	if cfg.Role == "master" {
		if ca, err = loadAuthority(cfg.CACert, cfg.CAKey); err != nil {
			return err
		}
		ips := []net.IP{net.ParseIP("127.0.0.1"), ip}
		if cfg.initialises() { // the API address is the first master's (its floating IP too)
			for _, a := range cfg.ManagerAddresses {
				ips = append(ips, net.ParseIP(a))
			}
		}
		der, err := ca.sign(&key.PublicKey, name, []string{name, "localhost"}, ips)
		if err != nil {
			return err
		}
		if err := writePEM(pkiDir+"/cert.pem", "CERTIFICATE", der, 0o644); err != nil {
			return err
		}
	} else {
		joined = askToJoin(cfg, joinRequest{Role: "worker", Name: name, CSR: string(csr)})
		if err := os.WriteFile(pkiDir+"/cert.pem", []byte(joined.Cert), 0o644); err != nil {
			return err
		}
	}

	s := newSupervisor()
	startDockerd(s, cfg, mtu)
	if !waitUntil(60*time.Second, func() bool { _, err := info(); return err == nil }) {
		return fmt.Errorf("dockerd did not answer on %s (log: %s/dockerd.log)", dockerSock, logDir)
	}
	say("dockerd ready after %.1f s", time.Since(t0).Seconds())
	if err := loadImages("/opt/pier/images.tar"); err != nil {
		return err
	}
	if cfg.initialises() {
		if err := initSwarm(ip); err != nil {
			return err
		}
		say("swarm initialised after %.1f s", time.Since(t0).Seconds())
		go serveJoins(cfg, ca, ip)
		return nil
	}
	go stayJoined(cfg, name, ip, joined, t0)
	return nil
}

func startDockerd(s *supervisor, cfg *nodeConfig, mtu int) {
	oom, _ := os.ReadFile("/proc/self/oom_score_adj")
	p := func(f string) string { return pkiDir + "/" + f }
	// No registry is reachable: tasks use the images loaded at boot, never a pull.
	env := []string{"DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1"}
	s.daemon("dockerd", env, "dockerd",
		"--host", "unix://"+dockerSock, "--host", "tcp://0.0.0.0:"+strconv.Itoa(cfg.APIPort),
		"--tlsverify", "--tlscacert", p("ca.pem"), "--tlscert", p("cert.pem"), "--tlskey", p("key.pem"),
		"--data-root", "/var/lib/docker", "--exec-root", "/run/docker", "--pidfile", "/run/docker.pid",
		// Containers' cgroups below the server's own (the host's hierarchy, no cgroup namespace).
		"--cgroup-parent", ownCgroup()+"/docker",
		// The current score: lowering it needs CAP_SYS_RESOURCE, which this host does not have.
		"--oom-score-adjust", strings.TrimSpace(string(oom)),
		"--mtu", strconv.Itoa(mtu), "--userland-proxy=false", "--storage-driver", "overlay2")
}

// loadImages loads a `docker save` archive (no registry: the node's images come with it).
func loadImages(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	req, _ := newRequest("POST", "/images/load?quiet=1", f)
	req.Header.Set("Content-Type", "application/x-tar")
	r, err := engine.Do(req)
	if err != nil {
		return fmt.Errorf("loading %s: %w", path, err)
	}
	defer r.Body.Close()
	if r.StatusCode != 200 {
		return fmt.Errorf("loading %s: %d", path, r.StatusCode)
	}
	return nil
}

func initSwarm(ip net.IP) error {
	i, err := info()
	if err != nil {
		return err
	}
	if i.Swarm.LocalNodeState == "active" {
		return nil // a restarted master keeps its swarm
	}
	// Overlay networks (ingress too) from a pool of their own: Docker's default, 10.0.0.0/8 in
	// /24s starting at 10.0.0.0/24, would overlap Magnum's cluster network 10.0.0.0/24.
	return call("POST", "/swarm/init", map[string]any{
		"ListenAddr": "0.0.0.0:2377", "AdvertiseAddr": net.JoinHostPort(ip.String(), "2377"),
		"DefaultAddrPool": []string{overlayPool}, "SubnetSize": 24,
	}, nil)
}

// stayJoined joins the swarm, and again whenever this node finds itself out of it (a manager
// removed it while it was away).
func stayJoined(cfg *nodeConfig, name string, ip net.IP, joined *joinAnswer, t0 time.Time) {
	for first := true; ; time.Sleep(5 * time.Second) {
		i, err := info()
		if err != nil || i.Swarm.LocalNodeState == "active" || i.Swarm.LocalNodeState == "pending" {
			continue
		}
		if joined == nil {
			joined = askToJoin(cfg, joinRequest{Role: cfg.Role, Name: name})
		}
		err = call("POST", "/swarm/join", map[string]any{
			"ListenAddr": "0.0.0.0:2377", "AdvertiseAddr": net.JoinHostPort(ip.String(), "2377"),
			"RemoteAddrs": []string{joined.Manager}, "JoinToken": joined.Token,
		}, nil)
		if err != nil {
			say("joining the swarm at %s: %v", joined.Manager, err)
			joined = nil
			continue
		}
		if first {
			say("joined the swarm at %s after %.1f s", joined.Manager, time.Since(t0).Seconds())
			first = false
		} else {
			say("joined the swarm again at %s", joined.Manager)
		}
		joined = nil
	}
}

// nodeAddress is the first IPv4 address on ifname (the server's port, plugged before it starts).
func nodeAddress(ifname string, wait time.Duration) (net.IP, int, error) {
	var found net.IP
	var mtu int
	ok := waitUntil(wait, func() bool {
		ifc, err := net.InterfaceByName(ifname)
		if err != nil {
			return false
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
				found, mtu = n.IP.To4(), ifc.MTU
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

// ownCgroup is this container's cgroup as the host names it (no cgroup namespace): the memory
// hierarchy's path, which the runtime made the same in every hierarchy.
func ownCgroup() string {
	b, _ := os.ReadFile("/proc/self/cgroup")
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.SplitN(l, ":", 3); len(f) == 3 && f[1] == "memory" {
			return strings.TrimSuffix(f[2], "/")
		}
	}
	return ""
}

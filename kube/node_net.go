// pier-node: the pod networks. "kuryr": each pod a Neutron port of its own on the node's network,
// nested on the node's port, made by Pier's `pier` CNI plugin (in the image) through the socket
// Pier serves inside this node; nothing to keep here. "pier-bridge", cluster-internal: each
// node's pods on a bridge with host-local addresses from the podCIDR the controller-manager gave
// the node, a route to every other node's podCIDR via that node's address (the nodes share one
// Neutron network, whose ports let the pod range through as allowed address pairs), and pods'
// traffic that leaves the pod range masqueraded to the node's address. Kept current by polling
// the nodes as this node.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

func apiClient(cert, key string) (*http.Client, error) {
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	ca, err := os.ReadFile(pkiDir + "/ca.crt")
	if err != nil {
		return nil, err
	}
	pool.AppendCertsFromPEM(ca)
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}}}, nil
}

type nodeList struct {
	Items []struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Spec struct {
			PodCIDR string `json:"podCIDR"`
		} `json:"spec"`
		Status struct {
			Addresses []struct {
				Type    string `json:"type"`
				Address string `json:"address"`
			} `json:"addresses"`
		} `json:"status"`
	} `json:"items"`
}

func podNetwork(s *supervisor, cfg *nodeConfig, name, api string, mtu int, t0 time.Time) {
	routes := map[string]string{} // podCIDR → via, as installed
	written := ""
	for ; ; time.Sleep(time.Second) {
		c, err := apiClient(nodeClientPEM, nodeClientPEM) // re-read: kubelet rotates it
		if err != nil {
			continue
		}
		r, err := c.Get(api + "/api/v1/nodes")
		if err != nil {
			continue
		}
		var nodes nodeList
		err = json.NewDecoder(r.Body).Decode(&nodes)
		r.Body.Close()
		if err != nil || r.StatusCode != http.StatusOK {
			continue
		}
		seen := map[string]bool{}
		for _, n := range nodes.Items {
			cidr := n.Spec.PodCIDR
			if cidr == "" {
				continue
			}
			if n.Metadata.Name == name {
				if cidr != written && writeCNIConfig(s, cfg, cidr, mtu) {
					written = cidr
					say("pod network: this node's pods on %s (%.1f s after boot)", cidr, time.Since(t0).Seconds())
				}
				continue
			}
			via := ""
			for _, a := range n.Status.Addresses {
				if a.Type == "InternalIP" && !strings.Contains(a.Address, ":") {
					via = a.Address
				}
			}
			if via == "" {
				continue
			}
			seen[cidr] = true
			if routes[cidr] != via && s.run("ip-route", "ip", "route", "replace", cidr, "via", via, "dev", "eth0") {
				routes[cidr] = via
			}
		}
		for cidr := range routes {
			if !seen[cidr] && s.run("ip-route", "ip", "route", "del", cidr) {
				delete(routes, cidr)
			}
		}
	}
}

// writeCNIConfig writes the bridge network for this node's podCIDR (containerd's CRI reads it
// and kubelet reports the node Ready) and masquerades what pods send beyond the pod range.
func writeCNIConfig(s *supervisor, cfg *nodeConfig, podCIDR string, mtu int) bool {
	nat := fmt.Sprintf(`table ip pier-node
delete table ip pier-node
table ip pier-node {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr %s ip daddr != %s oifname "eth0" masquerade
  }
}
`, podCIDR, cfg.PodCIDR)
	if err := os.WriteFile("/run/pier-node-nat.nft", []byte(nat), 0o644); err != nil || !s.run("nft", "nft", "-f", "/run/pier-node-nat.nft") {
		say("pod network: the masquerade rule failed (log: %s/nft.log)", logDir)
		return false
	}
	conf := map[string]any{"cniVersion": "0.4.0", "name": "pier-bridge", "plugins": []any{
		map[string]any{"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true, "mtu": mtu,
			"ipam": map[string]any{"type": "host-local", "ranges": []any{[]any{map[string]any{"subnet": podCIDR}}},
				"routes": []any{map[string]any{"dst": "0.0.0.0/0"}}}},
	}}
	b, _ := json.MarshalIndent(conf, "", " ")
	tmp := "/etc/cni/net.d/.10-pier-bridge.conflist"
	if os.WriteFile(tmp, b, 0o644) != nil || os.Rename(tmp, "/etc/cni/net.d/10-pier-bridge.conflist") != nil {
		return false
	}
	return true
}

// writeKuryrCNIConfig names Pier's plugin as the pod network: it needs no more than the groups
// the pods' ports join (the network is the node's port's, the socket the plugin's default).
func writeKuryrCNIConfig(cfg *nodeConfig) error {
	plugin := map[string]any{"type": "pier"}
	if len(cfg.PodSecurityGroups) > 0 {
		plugin["securityGroups"] = cfg.PodSecurityGroups
	}
	b, _ := json.MarshalIndent(map[string]any{"cniVersion": "1.0.0", "name": "kuryr", "plugins": []any{plugin}}, "", " ")
	return os.WriteFile("/etc/cni/net.d/10-kuryr.conflist", b, 0o644)
}

// pier-node: the init of a Pier Kubernetes node server (the node image's PID 1). This file reads
// what the node is told: the config drive's user_data ({"pier_node": {...}}, the contract written
// down in src/clusters/drivers/kubernetes/user-data.ts — keep the two in step) and meta_data.json.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"strings"
)

const configDrive = "/mnt/config/openstack/latest"

// nodeConfig is user_data's "pier_node" object.
type nodeConfig struct {
	Version        int      `json:"version"`
	Role           string   `json:"role"`
	ClusterUUID    string   `json:"cluster_uuid"`
	APIAddresses   []string `json:"api_addresses"`
	APIPort        int      `json:"api_port"`
	CACert         string   `json:"ca_cert"`
	CAKey          string   `json:"ca_key"`
	BootstrapToken string   `json:"bootstrap_token"`
	ServiceCIDR    string   `json:"service_cidr"`
	PodCIDR        string   `json:"pod_cidr"`
	ClusterDomain  string   `json:"cluster_domain"`
	DNSServiceIP   string   `json:"dns_service_ip"`
	NetworkDriver  string   `json:"network_driver"`
	// kuryr: the security groups each pod's port joins (the node's own, by id).
	PodSecurityGroups []string `json:"pod_security_groups"`
	// docker_volume_size: where the node's storage volume is mounted; containerd's root goes there.
	StorageVolume string `json:"storage_volume"`
}

// The pod networks this image has (src/clusters/drivers/kubernetes/user-data.ts lists the same):
// the first is the default.
var networkDrivers = []string{"pier-bridge", "kuryr"}

type metaData struct {
	UUID     string `json:"uuid"`
	Name     string `json:"name"`
	Hostname string `json:"hostname"`
}

var tokenRe = regexp.MustCompile(`^([a-z0-9]{6})\.([a-z0-9]{16})$`)

func readNodeConfig(dir string) (*nodeConfig, *metaData, error) {
	raw, err := os.ReadFile(dir + "/user_data")
	if err != nil {
		return nil, nil, fmt.Errorf("no user_data on the config drive: %w", err)
	}
	var doc struct {
		PierNode *nodeConfig `json:"pier_node"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.PierNode == nil {
		return nil, nil, fmt.Errorf(`user_data is not {"pier_node": {...}} JSON: %v`, err)
	}
	c := doc.PierNode
	if c.APIPort == 0 {
		c.APIPort = 6443
	}
	if c.ClusterDomain == "" {
		c.ClusterDomain = "cluster.local"
	}
	if err := c.check(); err != nil {
		return nil, nil, err
	}
	var md metaData
	if b, err := os.ReadFile(dir + "/meta_data.json"); err == nil {
		_ = json.Unmarshal(b, &md)
	}
	if md.Hostname == "" {
		md.Hostname, _ = os.Hostname()
	}
	md.Hostname = strings.ToLower(strings.SplitN(md.Hostname, ".", 2)[0])
	return c, &md, nil
}

func (c *nodeConfig) check() error {
	if c.Version != 1 {
		return fmt.Errorf("pier_node.version %d: this node image speaks version 1", c.Version)
	}
	if c.Role != "master" && c.Role != "worker" {
		return fmt.Errorf("pier_node.role must be master or worker, not %q", c.Role)
	}
	if len(c.APIAddresses) == 0 {
		return fmt.Errorf("pier_node.api_addresses is empty")
	}
	for _, a := range c.APIAddresses {
		if net.ParseIP(a) == nil {
			return fmt.Errorf("pier_node.api_addresses: %q is not an IP address", a)
		}
	}
	if c.CACert == "" {
		return fmt.Errorf("pier_node.ca_cert is missing")
	}
	if c.Role == "master" && c.CAKey == "" {
		return fmt.Errorf("pier_node.ca_key is missing (a master signs the cluster's certificates)")
	}
	if !tokenRe.MatchString(c.BootstrapToken) {
		return fmt.Errorf("pier_node.bootstrap_token must look like abcdef.0123456789abcdef")
	}
	for name, cidr := range map[string]string{"service_cidr": c.ServiceCIDR, "pod_cidr": c.PodCIDR} {
		if _, _, err := net.ParseCIDR(cidr); err != nil {
			return fmt.Errorf("pier_node.%s: %q is not a CIDR", name, cidr)
		}
	}
	if c.StorageVolume != "" && !strings.HasPrefix(c.StorageVolume, "/") {
		return fmt.Errorf("pier_node.storage_volume %q is not an absolute path", c.StorageVolume)
	}
	if c.NetworkDriver == "" {
		c.NetworkDriver = networkDrivers[0]
	}
	if !slices.Contains(networkDrivers, c.NetworkDriver) {
		return fmt.Errorf("pier_node.network_driver %q: this node image has %s", c.NetworkDriver, strings.Join(networkDrivers, ", "))
	}
	return nil
}

// firstServiceIP is the kubernetes Service's ClusterIP: the service range's first address.
func firstServiceIP(cidr string) net.IP {
	_, n, _ := net.ParseCIDR(cidr)
	ip := n.IP.To4()
	out := make(net.IP, len(ip))
	copy(out, ip)
	out[len(out)-1]++
	return out
}

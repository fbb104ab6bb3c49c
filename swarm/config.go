// pier-swarm-node: what a node is told — the config drive's user_data ({"pier_swarm_node": {...}},
// the contract written down in src/clusters/drivers/swarm-mode/user-data.ts: keep the two in
// step) and meta_data.json.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
)

const configDrive = "/mnt/config/openstack/latest"

// nodeConfig is user_data's "pier_swarm_node" object.
type nodeConfig struct {
	Version int    `json:"version"`
	Role    string `json:"role"`
	// Index in the node's group: master 0 initialises the swarm, every other node joins it.
	Index       int    `json:"index"`
	ClusterUUID string `json:"cluster_uuid"`
	// The first master's fixed address (where nodes join), then its public one (in its certificate).
	ManagerAddresses []string `json:"manager_addresses"`
	APIPort          int      `json:"api_port"`
	JoinPort         int      `json:"join_port"`
	CACert           string   `json:"ca_cert"`
	CAKey            string   `json:"ca_key"`
	// The shared secret a node shows the first master to be given a certificate and a join token.
	JoinSecret string `json:"join_secret"`
}

type metaData struct {
	UUID     string `json:"uuid"`
	Name     string `json:"name"`
	Hostname string `json:"hostname"`
}

func readNodeConfig(dir string) (*nodeConfig, *metaData, error) {
	raw, err := os.ReadFile(dir + "/user_data")
	if err != nil {
		return nil, nil, fmt.Errorf("no user_data on the config drive: %w", err)
	}
	var doc struct {
		Node *nodeConfig `json:"pier_swarm_node"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Node == nil {
		return nil, nil, fmt.Errorf(`user_data is not {"pier_swarm_node": {...}} JSON: %v`, err)
	}
	c := doc.Node
	if c.APIPort == 0 {
		c.APIPort = 2376
	}
	if c.JoinPort == 0 {
		c.JoinPort = 2378
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
	md.Hostname = strings.SplitN(md.Hostname, ".", 2)[0]
	return c, &md, nil
}

func (c *nodeConfig) check() error {
	switch {
	case c.Version != 1:
		return fmt.Errorf("pier_swarm_node.version must be 1, not %d", c.Version)
	case c.Role != "master" && c.Role != "worker":
		return fmt.Errorf("pier_swarm_node.role must be master or worker, not %q", c.Role)
	case len(c.ManagerAddresses) == 0:
		return fmt.Errorf("pier_swarm_node.manager_addresses is empty")
	case !strings.Contains(c.CACert, "BEGIN CERTIFICATE"):
		return fmt.Errorf("pier_swarm_node.ca_cert is not a PEM certificate")
	case c.Role == "master" && !strings.Contains(c.CAKey, "PRIVATE KEY"):
		return fmt.Errorf("pier_swarm_node.ca_key is missing (a master signs the cluster's certificates)")
	case len(c.JoinSecret) < 16:
		return fmt.Errorf("pier_swarm_node.join_secret is too short")
	}
	for _, a := range c.ManagerAddresses {
		if net.ParseIP(a) == nil {
			return fmt.Errorf("pier_swarm_node.manager_addresses: %q is not an IP address", a)
		}
	}
	return nil
}

// initialises says whether this node makes the swarm (the first master) rather than joining it.
func (c *nodeConfig) initialises() bool { return c.Role == "master" && c.Index == 0 }

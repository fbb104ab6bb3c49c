package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testCA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

func writeDrive(t *testing.T, userData string) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "user_data"), []byte(userData), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, "meta_data.json"), []byte(`{"uuid":"0b8c8f0e-1111-2222-3333-444455556666","hostname":"c-master-0.novalocal"}`), 0o644)
	return dir
}

func TestReadsWhatPierWrites(t *testing.T) {
	dir := writeDrive(t, `{"pier_swarm_node":{"version":1,"role":"worker","index":2,"cluster_uuid":"c1","manager_addresses":["10.0.0.5","172.24.4.20"],"api_port":2376,"join_port":2378,"ca_cert":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n","join_secret":"abcdef.0123456789abcdef","coe":"swarm-mode","labels":{}}}`)
	c, md, err := readNodeConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Role != "worker" || c.Index != 2 || c.ManagerAddresses[0] != "10.0.0.5" || c.initialises() {
		t.Fatalf("read %+v", c)
	}
	if md.Hostname != "c-master-0" {
		t.Fatalf("hostname %q", md.Hostname)
	}
}

func TestRefusesWhatANodeCannotBootFrom(t *testing.T) {
	base := nodeConfig{Version: 1, Role: "master", ManagerAddresses: []string{"10.0.0.5"}, CACert: testCA, CAKey: "-----BEGIN RSA PRIVATE KEY-----", JoinSecret: "abcdef.0123456789abcdef"}
	cases := map[string]func(c *nodeConfig){
		"version must be 1":          func(c *nodeConfig) { c.Version = 2 },
		"role must be":               func(c *nodeConfig) { c.Role = "minion" },
		"manager_addresses is empty": func(c *nodeConfig) { c.ManagerAddresses = nil },
		"not an IP address":          func(c *nodeConfig) { c.ManagerAddresses = []string{"master.example"} },
		"ca_cert is not":             func(c *nodeConfig) { c.CACert = "nope" },
		"ca_key is missing":          func(c *nodeConfig) { c.CAKey = "" },
		"join_secret is too short":   func(c *nodeConfig) { c.JoinSecret = "short" },
	}
	for want, change := range cases {
		c := base
		change(&c)
		if err := c.check(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
	if err := base.check(); err != nil {
		t.Fatal(err)
	}
	w := base
	w.Role, w.CAKey = "worker", ""
	if err := w.check(); err != nil {
		t.Fatalf("a worker needs no CA key: %v", err)
	}
}

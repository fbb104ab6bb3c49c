// Tests of pier-node's pure parts: reading user_data (the contract of
// src/clusters/drivers/kubernetes/user-data.ts) and signing from the cluster CA.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A CA made with Go, as Magnum's would be handed to a master: the node signs from it.
func testCA(t *testing.T, dir string) (string, string) {
	t.Helper()
	if err := selfSignedCA(dir); err != nil {
		t.Fatal(err)
	}
	crt, _ := os.ReadFile(filepath.Join(dir, "ca.crt"))
	key, _ := os.ReadFile(filepath.Join(dir, "ca.key"))
	return string(crt), string(key)
}

func writeDrive(t *testing.T, userData string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "user_data"), []byte(userData), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, "meta_data.json"), []byte(`{"uuid":"u1","hostname":"K8s-Node-0.novalocal"}`), 0o644)
	return dir
}

const worker = `{"pier_node": {"version": 1, "role": "worker", "cluster_uuid": "c", "api_addresses": ["10.0.0.5"],
  "ca_cert": "-----BEGIN CERTIFICATE-----", "bootstrap_token": "abcdef.0123456789abcdef",
  "service_cidr": "10.254.0.0/16", "pod_cidr": "10.100.0.0/16"}}`

func TestReadNodeConfig(t *testing.T) {
	c, md, err := readNodeConfig(writeDrive(t, worker))
	if err != nil {
		t.Fatal(err)
	}
	if c.APIPort != 6443 || c.ClusterDomain != "cluster.local" || md.Hostname != "k8s-node-0" {
		t.Fatalf("defaults and node name: %+v %+v", c, md)
	}
	if c.NetworkDriver != "pier-bridge" {
		t.Fatalf("default network driver %q", c.NetworkDriver)
	}
	if ip := firstServiceIP(c.ServiceCIDR).String(); ip != "10.254.0.1" {
		t.Fatalf("kubernetes service IP %s", ip)
	}
	for change, want := range map[string]string{
		`"role": "worker"`: `"role": "master"`, // a master without ca_key
		`"bootstrap_token": "abcdef.0123456789abcdef"`: `"bootstrap_token": "nope"`,
		`"pod_cidr": "10.100.0.0/16"`:                  `"pod_cidr": "10.100.0.0"`,
		`"api_addresses": ["10.0.0.5"]`:                `"api_addresses": ["master"]`,
		`"version": 1`:                                 `"version": 2`,
		`"role": "worker",`:                            `"role": "worker", "network_driver": "flannel",`,
		`"version": 1,`:                                `"version": 1, "storage_volume": "mnt/vdb",`,
	} {
		if _, _, err := readNodeConfig(writeDrive(t, strings.Replace(worker, change, want, 1))); err == nil {
			t.Errorf("accepted %s", want)
		}
	}
	if _, _, err := readNodeConfig(writeDrive(t, "#!/bin/sh")); err == nil {
		t.Error("accepted a shell script")
	}
}

func TestIssueFromCA(t *testing.T) {
	dir := t.TempDir()
	crt, key := testCA(t, dir)
	ca, err := loadAuthority(crt, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := ca.issue(dir, certRequest{name: "admin", cn: "admin", groups: []string{"system:masters"}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "admin.crt"))
	p, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(p.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "admin" || cert.Subject.Organization[0] != "system:masters" {
		t.Fatalf("subject %v", cert.Subject)
	}
}

// selfSignedCA writes ca.crt and ca.key into dir: a test's stand-in for the cluster CA.
func selfSignedCA(dir string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key) // openssl genpkey's format
	if err := writePEM(filepath.Join(dir, "ca.key"), "PRIVATE KEY", kder, 0o600); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, "ca.crt"), "CERTIFICATE", der, 0o644)
}

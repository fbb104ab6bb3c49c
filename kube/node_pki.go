// pier-node: the certificates a node makes from the cluster CA (Go's x509, so the image needs no
// openssl). A master signs its serving and client certificates with the CA key from user_data;
// files that exist already are kept, so a restarted node keeps its identity.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

type certRequest struct {
	name   string // file stem under the PKI dir
	cn     string
	groups []string
	server bool
	dns    []string
	ips    []net.IP
}

type authority struct {
	cert *x509.Certificate
	key  any
}

func loadAuthority(certPEM, keyPEM string) (*authority, error) {
	cb, _ := pem.Decode([]byte(certPEM))
	if cb == nil {
		return nil, fmt.Errorf("ca_cert is not PEM")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("ca_cert: %w", err)
	}
	kb, _ := pem.Decode([]byte(keyPEM))
	if kb == nil {
		return nil, fmt.Errorf("ca_key is not PEM")
	}
	var key any
	switch kb.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(kb.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(kb.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(kb.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("ca_key: %w", err)
	}
	return &authority{cert, key}, nil
}

func writePEM(path, kind string, der []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), mode)
}

// issue writes <dir>/<name>.crt and .key signed by the CA, unless both exist.
func (a *authority) issue(dir string, r certRequest) error {
	crt, keyFile := filepath.Join(dir, r.name+".crt"), filepath.Join(dir, r.name+".key")
	if exists(crt) && exists(keyFile) {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader) // milliseconds, unlike RSA
	if err != nil {
		return err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	usage := x509.ExtKeyUsageClientAuth
	if r.server {
		usage = x509.ExtKeyUsageServerAuth
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: r.cn, Organization: r.groups},
		NotBefore:    time.Now().Add(-time.Hour), // a little clock skew between nodes
		NotAfter:     a.cert.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		DNSNames:     r.dns,
		IPAddresses:  r.ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		return fmt.Errorf("signing %s: %w", r.name, err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	if err := writePEM(keyFile, "EC PRIVATE KEY", kder, 0o600); err != nil {
		return err
	}
	return writePEM(crt, "CERTIFICATE", der, 0o644)
}

// serviceAccountKeys writes the token signing key pair once.
func serviceAccountKeys(dir string) error {
	if exists(filepath.Join(dir, "sa.key")) {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err := writePEM(filepath.Join(dir, "sa.pub"), "PUBLIC KEY", pub, 0o644); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, "sa.key"), "EC PRIVATE KEY", kder, 0o600)
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

// pier-swarm-node: certificates from the cluster CA (Go's x509, so the image needs no openssl).
// A master signs its own dockerd certificate with the CA key from user_data; a worker sends a
// CSR to the first master's join service, which signs it for the address the request came from.
// Files that exist already are kept, so a restarted node keeps its identity.
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

// sign makes a certificate for pub good for serving (dockerd's TLS port, the join service) and
// as a client (docker CLI on the node), for the given names and addresses.
func (a *authority) sign(pub any, cn string, dns []string, ips []net.IP) ([]byte, error) {
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour), // a little clock skew between nodes
		NotAfter:     a.cert.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	return x509.CreateCertificate(rand.Reader, tmpl, a.cert, pub, a.key)
}

func writePEM(path, kind string, der []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), mode)
}

// nodeKey is the node's key (made once) and a CSR of it for cn.
func nodeKey(keyFile, cn string) (*ecdsa.PrivateKey, []byte, error) {
	var key *ecdsa.PrivateKey
	if b, err := os.ReadFile(keyFile); err == nil {
		if blk, _ := pem.Decode(b); blk != nil {
			key, _ = x509.ParseECPrivateKey(blk.Bytes)
		}
	}
	if key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader) // milliseconds, unlike RSA
		if err != nil {
			return nil, nil, err
		}
		der, _ := x509.MarshalECPrivateKey(k)
		if err := writePEM(keyFile, "EC PRIVATE KEY", der, 0o600); err != nil {
			return nil, nil, err
		}
		key = k
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, key)
	if err != nil {
		return nil, nil, err
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr}), nil
}

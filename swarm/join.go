// pier-swarm-node: how a node comes into the swarm. The first master runs a small HTTPS service
// (join_port, its dockerd certificate) that answers a node showing the cluster's join secret
// with the swarm's join token and the manager's address and, for a worker's CSR, a certificate
// signed for the address the request came from. Nodes check the service against the cluster CA.
package main

import (
	"bytes"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

type joinRequest struct {
	Role string `json:"role"` // worker or master
	Name string `json:"name"`
	CSR  string `json:"csr,omitempty"`
}

type joinAnswer struct {
	Token   string `json:"token"`
	Manager string `json:"manager"` // host:2377
	Cert    string `json:"cert,omitempty"`
}

// serveJoins runs the join service of the first master (never returns).
func serveJoins(cfg *nodeConfig, ca *authority, ip net.IP) {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/join", func(w http.ResponseWriter, r *http.Request) {
		secret := []byte("Bearer " + cfg.JoinSecret)
		if r.Method != http.MethodPost || subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), secret) != 1 {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		var req joinRequest
		if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		t, err := tokens()
		if err != nil || t.Worker == "" {
			http.Error(w, fmt.Sprintf("the swarm is not ready: %v", err), http.StatusServiceUnavailable)
			return
		}
		ans := joinAnswer{Token: t.Worker, Manager: net.JoinHostPort(ip.String(), "2377")}
		if req.Role == "master" {
			ans.Token = t.Manager
		}
		if req.CSR != "" {
			cert, err := signRequest(ca, req, r.RemoteAddr)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			ans.Cert = cert
		}
		say("join service: %s (%s) from %s", req.Name, req.Role, r.RemoteAddr)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ans)
	})
	srv := &http.Server{Addr: ":" + strconv.Itoa(cfg.JoinPort), Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	for {
		err := srv.ListenAndServeTLS(pkiDir+"/cert.pem", pkiDir+"/key.pem")
		say("join service: %v; again in a second", err)
		time.Sleep(time.Second)
	}
}

// signRequest signs a node's CSR for its name and the address it connected from (not one it claims).
func signRequest(ca *authority, req joinRequest, remote string) (string, error) {
	blk, _ := pem.Decode([]byte(req.CSR))
	if blk == nil {
		return "", fmt.Errorf("csr is not PEM")
	}
	csr, err := x509.ParseCertificateRequest(blk.Bytes)
	if err != nil || csr.CheckSignature() != nil {
		return "", fmt.Errorf("csr: bad request or signature")
	}
	host, _, _ := net.SplitHostPort(remote)
	der, err := ca.sign(csr.PublicKey, req.Name, []string{req.Name, "localhost"}, []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP(host)})
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}

// askToJoin asks the first master's join service until it answers.
func askToJoin(cfg *nodeConfig, req joinRequest) *joinAnswer {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(cfg.CACert))
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	url := fmt.Sprintf("https://%s/v1/join", net.JoinHostPort(cfg.ManagerAddresses[0], strconv.Itoa(cfg.JoinPort)))
	body, _ := json.Marshal(req)
	for n := 0; ; n++ {
		hr, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		hr.Header.Set("Authorization", "Bearer "+cfg.JoinSecret)
		r, err := c.Do(hr)
		if err == nil {
			b, _ := io.ReadAll(r.Body)
			r.Body.Close()
			var ans joinAnswer
			if r.StatusCode == http.StatusOK && json.Unmarshal(b, &ans) == nil && ans.Token != "" {
				return &ans
			}
			err = fmt.Errorf("%d %s", r.StatusCode, bytes.TrimSpace(b))
		}
		if n%10 == 0 {
			say("waiting for the join service at %s: %v", url, err)
		}
		time.Sleep(time.Second)
	}
}

// pier-swarm-node: the few Docker Engine API calls the node makes on dockerd's unix socket
// (the API rather than the CLI: answers are JSON, errors carry their message).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

const dockerSock = "/run/docker.sock"

var engine = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
	DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", dockerSock)
	},
}}

// call makes one API call; a status of 300 or more is an error with the engine's message.
func call(method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, "http://docker"+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	r, err := engine.Do(req)
	if err != nil {
		return err
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode >= 300 {
		var e struct{ Message string }
		_ = json.Unmarshal(b, &e)
		return fmt.Errorf("%s %s: %d %s", method, path, r.StatusCode, e.Message)
	}
	if out != nil && len(b) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}

type swarmInfo struct {
	Swarm struct {
		NodeID           string
		LocalNodeState   string // inactive, pending, active, error, locked
		ControlAvailable bool
		Error            string
	}
}

func info() (*swarmInfo, error) {
	var i swarmInfo
	return &i, call("GET", "/info", nil, &i)
}

type swarmNode struct {
	ID          string
	Description struct{ Hostname string }
	Spec        struct{ Role string }
	Status      struct{ State, Addr string }
}

func nodes() ([]swarmNode, error) {
	var n []swarmNode
	return n, call("GET", "/nodes", nil, &n)
}

type joinTokens struct{ Worker, Manager string }

func tokens() (*joinTokens, error) {
	var s struct{ JoinTokens joinTokens }
	return &s.JoinTokens, call("GET", "/swarm", nil, &s)
}

func newRequest(method, path string, body io.Reader) (*http.Request, error) {
	return http.NewRequest(method, "http://docker"+path, body)
}

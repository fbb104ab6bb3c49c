// The `pier` CNI plugin: a thin, stateless client of the local Pier. It forwards the command, the
// CNI_* environment and the network config (stdin) over Pier's CNI socket and prints Pier's
// answer. It answers only VERSION, and its own failures (no config, no Pier), by itself.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// Where Pier listens unless the network config says otherwise ("socket").
const defaultSocket = "/run/pier/cni.sock"

// What Pier's CNI endpoint implements; src/kuryr/cni/versions.ts holds the same list.
var supportedVersions = []string{"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}

// The spec's error codes this client can give by itself.
const (
	errInvalidEnvironment = 4
	errIOFailure          = 5
	errDecodingFailure    = 6
	errTryAgainLater      = 11
	errNotAvailable       = 50
)

// Long enough for a busy host; runtimes time out plugins on their own.
const timeout = 2 * time.Minute

// request is what goes to Pier: one JSON document per connection.
type request struct {
	Command string            `json:"command"`
	Env     map[string]string `json:"env"`
	Config  string            `json:"config"`
}

// reply is Pier's answer: what to print, and whether it is an error.
type reply struct {
	Error  bool            `json:"error"`
	Output json.RawMessage `json:"output,omitempty"`
}

type cniError struct {
	CNIVersion string `json:"cniVersion"`
	Code       int    `json:"code"`
	Msg        string `json:"msg"`
	Details    string `json:"details,omitempty"`
}

func main() { os.Exit(run()) }

func run() int {
	command := os.Getenv("CNI_COMMAND")
	stdin, err := readStdin()
	if err != nil {
		return fail("", errIOFailure, "error reading from stdin", err.Error())
	}
	var conf struct {
		CNIVersion string `json:"cniVersion"`
		Socket     string `json:"socket"`
	}
	decodeErr := error(nil)
	if len(stdin) > 0 {
		decodeErr = json.Unmarshal(stdin, &conf)
	}
	switch command {
	case "VERSION":
		version := conf.CNIVersion
		if version == "" {
			version = supportedVersions[len(supportedVersions)-1]
		}
		return emit(map[string]any{"cniVersion": version, "supportedVersions": supportedVersions})
	case "":
		fmt.Fprintf(os.Stderr, "pier: the CNI plugin of Pier (Neutron networks for containers)\nCNI protocol versions supported: %v\n", supportedVersions)
		return fail(conf.CNIVersion, errInvalidEnvironment, "required env variables [CNI_COMMAND] missing", "")
	}
	if decodeErr != nil {
		return fail("", errDecodingFailure, "error decoding the network config", decodeErr.Error())
	}
	socket := conf.Socket
	if socket == "" {
		socket = defaultSocket
	}
	env := map[string]string{}
	for _, k := range []string{"CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH"} {
		if v, ok := os.LookupEnv(k); ok {
			env[k] = v
		}
	}
	answer, err := exchange(socket, request{Command: command, Env: env, Config: string(stdin)})
	if err != nil {
		code := errTryAgainLater
		if command == "STATUS" {
			code = errNotAvailable
		}
		return fail(conf.CNIVersion, code, "Pier is not reachable", fmt.Sprintf("%s: %v", socket, err))
	}
	if len(answer.Output) > 0 {
		os.Stdout.Write(append(answer.Output, '\n'))
	}
	if answer.Error {
		return 1
	}
	return 0
}

// readStdin reads the network config; a terminal (someone running the plugin by hand) has none.
func readStdin() ([]byte, error) {
	if st, err := os.Stdin.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		return nil, nil
	}
	return io.ReadAll(os.Stdin)
}

// exchange sends one request and reads the one reply Pier writes before closing.
func exchange(socket string, req request) (*reply, error) {
	conn, err := net.DialTimeout("unix", socket, timeout)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return nil, err
	}
	conn.(*net.UnixConn).CloseWrite()
	body, err := io.ReadAll(conn)
	if err != nil {
		return nil, err
	}
	var answer reply
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, fmt.Errorf("unreadable answer %q: %v", body, err)
	}
	return &answer, nil
}

func emit(v any) int {
	out, _ := json.Marshal(v)
	os.Stdout.Write(append(out, '\n'))
	return 0
}

// fail prints the spec's error object on stdout, where runtimes read it.
func fail(version string, code int, msg, details string) int {
	if version == "" {
		version = supportedVersions[len(supportedVersions)-1]
	}
	emit(cniError{CNIVersion: version, Code: code, Msg: msg, Details: details})
	return 1
}

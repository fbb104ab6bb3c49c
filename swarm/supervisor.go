// pier-swarm-node: a small PID 1 — starts the node's daemons with their output in
// /var/log/pier-node, restarts any that exits, and reaps every child (orphaned containerd shims
// included), which is why it waits with wait4(-1) itself rather than through os/exec. (The same
// shape as kube/node_supervisor.go; this program stays standard-library only and builds alone.)
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

const logDir = "/var/log/pier-node"

type supervisor struct {
	mu      sync.Mutex
	waiters map[int]chan syscall.WaitStatus
}

func newSupervisor() *supervisor {
	s := &supervisor{waiters: map[int]chan syscall.WaitStatus{}}
	go s.reap()
	return s
}

func (s *supervisor) reap() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err != nil {
			time.Sleep(100 * time.Millisecond) // ECHILD: nothing to wait for yet
			continue
		}
		s.mu.Lock() // held by spawn until the waiter is registered: no exit is missed
		if ch := s.waiters[pid]; ch != nil {
			ch <- ws
			delete(s.waiters, pid)
		}
		s.mu.Unlock()
	}
}

// spawn starts argv with stdout and stderr appended to <logDir>/<name>.log; the channel gets its exit status.
func (s *supervisor) spawn(name string, env []string, argv []string) (<-chan syscall.WaitStatus, error) {
	_ = os.MkdirAll(logDir, 0o755)
	log, err := os.OpenFile(filepath.Join(logDir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer log.Close()
	null, _ := os.Open(os.DevNull)
	defer null.Close()
	path, err := lookPath(argv[0])
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := os.StartProcess(path, argv, &os.ProcAttr{Files: []*os.File{null, log, log}, Env: append(os.Environ(), env...)})
	if err != nil {
		return nil, err
	}
	ch := make(chan syscall.WaitStatus, 1)
	s.waiters[p.Pid] = ch
	return ch, nil
}

// daemon keeps argv running: restarted a second after each exit.
func (s *supervisor) daemon(name string, env []string, argv ...string) {
	go func() {
		for n := 0; ; n++ {
			ch, err := s.spawn(name, env, argv)
			if err != nil {
				say("%s: cannot start: %v", name, err)
			} else {
				if n == 0 {
					say("%s started", name)
				}
				ws := <-ch
				how := fmt.Sprintf("status %d", ws.ExitStatus())
				if ws.Signaled() {
					how = ws.Signal().String()
				}
				say("%s exited (%s); restarting (log: %s/%s.log)", name, how, logDir, name)
			}
			time.Sleep(time.Second)
		}
	}()
}

func lookPath(file string) (string, error) {
	if filepath.IsAbs(file) {
		return file, nil
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, file)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH", file)
}

// say writes a line to the console (the server's console log in Nova).
func say(format string, a ...any) {
	fmt.Fprintf(os.Stdout, "pier-swarm-node: "+format+"\n", a...)
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

func waitUntil(d time.Duration, ok func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return false
}

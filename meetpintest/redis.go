package meetpintest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RedisServer is a redis-server process of one test's own, on a loopback
// port that stays the same across restarts, without persistence (a restart
// empties it). Fault tests stop and start it; tests that must not share
// keys with others use it instead of the shared test server.
type RedisServer struct {
	t    testing.TB
	bin  string
	port int
	dir  string
	args []string // more redis-server options, e.g. --requirepass

	mu     sync.Mutex
	cmd    *exec.Cmd
	out    *syncBuf
	exited chan struct{} // closed when cmd has exited
}

// syncBuf is the server's output, written by the process's copier and read
// by the test.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// StartRedisServer starts a redis-server of the test's own and waits until
// it answers. It follows RequireRedis (a test that needs Redis is skipped
// without MEETPIN_TEST_REDIS_URL, and fails under CI), and also needs the
// redis-server program in PATH. The process is killed when the test ends.
func StartRedisServer(t testing.TB, args ...string) *RedisServer {
	t.Helper()
	s := NewRedisServer(t, args...)
	s.Start()
	return s
}

// NewRedisServer is StartRedisServer without the start: the port is picked
// and stays free until Start.
func NewRedisServer(t testing.TB, args ...string) *RedisServer {
	t.Helper()
	RequireRedis(t)
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if InCI() {
			t.Fatal("redis-server is required under CI: install it")
		}
		t.Skip("needs the redis-server program in PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &RedisServer{t: t, bin: bin, port: port, dir: t.TempDir(), args: args}
	t.Cleanup(func() {
		if s.Running() {
			s.cmd.Process.Kill()
			<-s.exited
		}
	})
	return s
}

// Addr is the server's host:port.
func (s *RedisServer) Addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

// Signal sends sig to the running server (SIGSTOP makes it hang, SIGCONT
// wakes it), for fault tests.
func (s *RedisServer) Signal(sig os.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd.Process.Signal(sig)
}

// URL is the server's redis:// URL.
func (s *RedisServer) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port) }

// Running reports whether the process runs.
func (s *RedisServer) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return false
	}
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// Start starts the server (again) on its port and waits until it answers
// PING, failing the test after 10s.
func (s *RedisServer) Start() {
	s.t.Helper()
	cmd := exec.Command(s.bin, append([]string{"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir}, s.args...)...)
	out := new(syncBuf)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.cmd, s.out, s.exited = cmd, out, exited
	s.mu.Unlock()
	for range 200 {
		if s.ping() {
			return
		}
		select {
		case <-exited:
			s.t.Fatalf("redis-server exited: %s", out)
		case <-time.After(50 * time.Millisecond):
		}
	}
	s.t.Fatal("redis-server does not answer after 10s")
}

// Stop sends SIGTERM to the server and waits until it has exited.
func (s *RedisServer) Stop() {
	s.t.Helper()
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.mu.Unlock()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
		s.t.Fatal("redis-server ignored SIGTERM for 10s")
	}
}

// ping reports whether the server answers PING.
func (s *RedisServer) ping() bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.port), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	// -NOAUTH from a server with a password is an answer too.
	return err == nil && (strings.HasPrefix(line, "+PONG") || strings.HasPrefix(line, "-NOAUTH"))
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestDrainOnSIGTERM: after SIGTERM (the run context ends), readiness
// answers 503 for MEETPIN_DRAIN_DELAY while a request in flight completes
// and new requests are still served; then the server stops with exit 0.
func TestDrainOnSIGTERM(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{"MEETPIN_ADDR": addr, "MEETPIN_DATA_DIR": t.TempDir(), "MEETPIN_RATELIMIT": "off", "MEETPIN_DRAIN_DELAY": "4s"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"meetpin", "serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	}()
	base := "http://" + addr
	waitFor(t, base+"/api/readyz", done, &errb)

	// A request in flight: its headers and half of its body are sent.
	body := `{"email":"drain@example.com","password":"correct horse","nickname":"drainer"}`
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/auth/signup HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body[:20])

	cancel() // SIGTERM
	deadline := time.Now().Add(3 * time.Second)
	for {
		res, err := http.Get(base + "/api/readyz")
		if err != nil {
			t.Fatalf("readyz during the drain: %v", err)
		}
		res.Body.Close()
		if res.StatusCode == 503 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("readyz never turned 503 after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// New requests are still served, on connections that close after.
	res, err := http.Get(base + "/api/rooms?bbox=37.4,126.8,37.7,127.2")
	if err != nil || res.StatusCode != 200 || !res.Close {
		t.Fatalf("a new request during the drain: %v %v", res, err)
	}
	res.Body.Close()
	select {
	case code := <-done:
		t.Fatalf("the server stopped during the drain delay (exit %d)", code)
	default:
	}
	// The request in flight completes.
	if _, err := conn.Write([]byte(body[20:])); err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request: %v", err)
	}
	r.Body.Close()
	if r.StatusCode != 201 {
		t.Fatalf("the in-flight signup: HTTP %d", r.StatusCode)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop after the drain")
	}
	log := out.String()
	if i, j := strings.Index(log, "draining: readiness answers 503"), strings.Index(log, `"msg":"shutting down"`); i < 0 || j < i {
		t.Fatalf("the log lacks the drain before the shutdown:\n%s", log)
	}
}

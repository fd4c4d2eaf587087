package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"meetpin.app/meetpintest"
	"meetpin.app/postgres/postgrestest"
)

// replica is one `meetpin serve` process (in-process here) of a deployment.
type replica struct {
	base string
	stop func()
	out  *syncBuffer // its log
}

// startReplica starts `meetpin serve` with env. Rate limits are off
// unless env sets MEETPIN_RATELIMIT ("" for the default, on): tests sign
// up many users from 127.0.0.1, and replicas on the shared test Redis
// would count each other's requests.
func startReplica(t *testing.T, env map[string]string) replica {
	t.Helper()
	return startReplicaAt(t, freeAddr(t), env)
}

// startReplicaAt is startReplica on a given address.
func startReplicaAt(t *testing.T, addr string, env map[string]string) replica {
	t.Helper()
	e := map[string]string{"MEETPIN_ADDR": addr, "MEETPIN_DATA_DIR": t.TempDir(), "MEETPIN_RATELIMIT": "off", "MEETPIN_DRAIN_DELAY": "0s"}
	for k, v := range env {
		e[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	out := &syncBuffer{}
	var errb syncBuffer
	go func() {
		done <- run(ctx, []string{"meetpin", "serve"}, func(k string) string { return e[k] }, strings.NewReader(""), out, &errb)
	}()
	waitFor(t, "http://"+addr+"/api/readyz", done, &errb)
	stop := sync.OnceFunc(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Errorf("replica %s did not stop", addr)
		}
	})
	t.Cleanup(stop)
	return replica{base: "http://" + addr, stop: stop, out: out}
}

// api calls a replica and decodes data into v (when not nil).
func api(t *testing.T, base, method, path, token string, body any, want int, v any) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	json.NewDecoder(res.Body).Decode(&env)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, env.Data)
	}
	if v != nil {
		if err := json.Unmarshal(env.Data, v); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTwoReplicaFanOut: two servers on one PostgreSQL and one Redis. A
// message posted through replica 1 reaches a chat stream open on replica 2,
// and so does the notification it causes.
func TestTwoReplicaFanOut(t *testing.T) {
	env := map[string]string{"DATABASE_URL": postgrestest.URL(t), "REDIS_URL": meetpintest.RequireRedis(t)}
	r1 := startReplica(t, env)
	r2 := startReplica(t, env)

	type auth struct {
		User  struct{ ID string } `json:"user"`
		Token string              `json:"token"`
	}
	var a, b auth
	api(t, r1.base, "POST", "/api/auth/signup", "", map[string]any{"email": "a@example.com", "password": "correct horse", "nickname": "replicaA"}, 201, &a)
	api(t, r2.base, "POST", "/api/auth/signup", "", map[string]any{"email": "b@example.com", "password": "correct horse", "nickname": "replicaB"}, 201, &b)
	var room struct{ Room struct{ ID string } }
	api(t, r1.base, "POST", "/api/rooms", a.Token, map[string]any{"title": "replicas", "category": "other", "lat": 37.5, "lng": 127.0,
		"place_text": "Seoul", "start_at": time.Now().Add(3 * time.Hour).Format(time.RFC3339)}, 201, &room)
	var req struct{ Request struct{ ID string } }
	api(t, r2.base, "POST", "/api/requests", b.Token, map[string]any{"room_id": room.Room.ID}, 201, &req)
	var dec struct{ Match struct{ ID string } }
	api(t, r1.base, "PATCH", "/api/requests/"+req.Request.ID, a.Token, map[string]any{"status": "accepted"}, 200, &dec)

	chat := openSSE(t, r2.base+"/api/matches/"+dec.Match.ID+"/events", b.Token)
	notes := openSSE(t, r2.base+"/api/notifications/stream", b.Token)
	api(t, r1.base, "POST", "/api/matches/"+dec.Match.ID+"/messages", a.Token, map[string]any{"text": "across replicas"}, 201, nil)

	// The heartbeat poll (15 s) would also deliver; within 5 s only the
	// Redis wake-up can have done it.
	for name, ch := range map[string]<-chan string{"chat": chat, "notifications": notes} {
		select {
		case data := <-ch:
			if name == "chat" && !strings.Contains(data, "across replicas") {
				t.Fatalf("chat event: %s", data)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s stream on replica 2 got nothing from replica 1", name)
		}
	}
}

// openSSE opens a stream and returns a channel of its data lines.
func openSSE(t *testing.T, url, token string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("stream %s: %v %v", url, res, err)
	}
	ch := make(chan string, 16)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "data: ") && line != "data: {}" {
				ch <- line[6:]
			}
		}
	}()
	return ch
}

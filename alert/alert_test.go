package alert_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"meetpin.app"
	"meetpin.app/alert"
	"meetpin.app/meetpintest"
	"meetpin.app/metrics"
	"meetpin.app/postgres"
	"meetpin.app/postgres/postgrestest"
	"meetpin.app/redis"
	"meetpin.app/sqlite/sqlitetest"
)

// received is one notice as the webhook receiver decoded it.
type received struct {
	Text      string `json:"text"`
	Alert     string `json:"alert"`
	State     string `json:"state"`
	Escalated bool   `json:"escalated"`
	Severity  string `json:"severity"`
}

// receiver is a local Slack-compatible webhook endpoint.
type receiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []received
	fail atomic.Bool // answer 500
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b received
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil || b.Text == "" {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		if rc.fail.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		rc.mu.Lock()
		rc.got = append(rc.got, b)
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// webhook is the notifier of rc. Keep-alives are off so that no connection
// goroutine outlives a request inside a synctest bubble.
func (rc *receiver) webhook() *alert.Webhook {
	return &alert.Webhook{URL: rc.srv.URL, Client: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}}
}

func (rc *receiver) notices() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// count counts the notices of alert name in state (escalated or not).
func (rc *receiver) count(name, state string, escalated bool) int {
	n := 0
	for _, g := range rc.notices() {
		if g.Alert == name && g.State == state && g.Escalated == escalated {
			n++
		}
	}
	return n
}

// toggle is a database ping that fails while down is set.
type toggle struct{ down atomic.Bool }

func (p *toggle) ping(context.Context) error {
	if p.down.Load() {
		return errors.New("connection refused")
	}
	return nil
}

func TestDatabaseAlertFiresWithinIntervalAndResolves(t *testing.T) {
	rc := newReceiver(t)
	synctest.Test(t, func(t *testing.T) {
		db := &toggle{}
		m := alert.New(alert.Options{Rules: []alert.Rule{alert.Database(db.ping)}, Notifier: rc.webhook(), Interval: 30 * time.Second})
		stop := m.Start(t.Context())
		defer stop()

		time.Sleep(45 * time.Second) // two quiet checks… one at 30 s
		if n := len(rc.notices()); n != 0 {
			t.Fatalf("healthy: %d notices, want 0", n)
		}
		db.down.Store(true)
		time.Sleep(30 * time.Second) // the check at 60 s sees it
		synctest.Wait()
		if got := rc.count(metrics.AlertDatabaseDown, alert.StateFiring, false); got != 1 {
			t.Fatalf("within one interval of the database going away: %d firing notices, want 1 (%v)", got, rc.notices())
		}
		time.Sleep(5 * time.Minute) // still down, not yet escalated: no repeat
		if got := len(rc.notices()); got != 1 {
			t.Fatalf("still down after 5 min: %d notices, want 1 (deduplicated)", got)
		}
		if a := m.Active(); len(a) != 1 || a[0].Name != metrics.AlertDatabaseDown {
			t.Fatalf("Active = %v", a)
		}
		db.down.Store(false)
		time.Sleep(30 * time.Second)
		synctest.Wait()
		if got := rc.count(metrics.AlertDatabaseDown, alert.StateResolved, false); got != 1 {
			t.Fatalf("after the database returned: %d resolved notices, want 1 (%v)", got, rc.notices())
		}
		time.Sleep(10 * time.Minute)
		if got := len(rc.notices()); got != 2 {
			t.Fatalf("after resolving: %d notices in all, want 2", got)
		}
		if a := m.Active(); len(a) != 0 {
			t.Fatalf("Active after resolving = %v", a)
		}
	})
}

func TestAlertEscalatesAfterDelay(t *testing.T) {
	rc := newReceiver(t)
	synctest.Test(t, func(t *testing.T) {
		db := &toggle{}
		db.down.Store(true)
		m := alert.New(alert.Options{Rules: []alert.Rule{alert.Database(db.ping)}, Notifier: rc.webhook(),
			Interval: 10 * time.Second, EscalateAfter: time.Minute})
		stop := m.Start(t.Context())
		defer stop()

		time.Sleep(15 * time.Second) // first check at 10 s: firing
		synctest.Wait()
		if rc.count(metrics.AlertDatabaseDown, alert.StateFiring, false) != 1 {
			t.Fatalf("notices %v, want one firing", rc.notices())
		}
		time.Sleep(50 * time.Second) // 65 s: 55 s since the notice, not yet
		if n := rc.count(metrics.AlertDatabaseDown, alert.StateFiring, true); n != 0 {
			t.Fatalf("escalated after 55 s: %d", n)
		}
		time.Sleep(10 * time.Second) // check at 70 s: one minute unresolved
		synctest.Wait()
		if n := rc.count(metrics.AlertDatabaseDown, alert.StateFiring, true); n != 1 {
			t.Fatalf("escalated notices after 1 min = %d, want 1 (%v)", n, rc.notices())
		}
		time.Sleep(time.Minute) // and again a minute later
		synctest.Wait()
		if n := rc.count(metrics.AlertDatabaseDown, alert.StateFiring, true); n != 2 {
			t.Fatalf("escalated notices after 2 min = %d, want 2", n)
		}
		for _, g := range rc.notices() {
			if g.Escalated && (g.Severity != metrics.SeverityCritical || g.Text == "" || g.Text[:10] != "[ESCALATED") {
				t.Fatalf("escalated notice %+v is not marked", g)
			}
		}
	})
}

func TestUndeliveredNoticeIsRetried(t *testing.T) {
	rc := newReceiver(t)
	synctest.Test(t, func(t *testing.T) {
		m := alert.New(alert.Options{Notifier: rc.webhook(), Interval: 10 * time.Second})
		stop := m.Start(t.Context())
		defer stop()
		rc.fail.Store(true)
		m.Raise(alert.Emergency("r1"))
		time.Sleep(25 * time.Second) // two checks, both refused by the receiver
		rc.fail.Store(false)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if n := rc.count(alert.EmergencyReport+"r1", alert.StateFiring, false); n != 1 {
			t.Fatalf("after the receiver recovered: %d firing notices, want 1 (%v)", n, rc.notices())
		}
		m.Resolve(alert.EmergencyReport + "r1")
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if n := rc.count(alert.EmergencyReport+"r1", alert.StateResolved, false); n != 1 {
			t.Fatalf("resolved notices = %d, want 1", n)
		}
	})
}

// engines runs fn per engine; open returns a new store on one migrated
// database each time (another replica).
func engines(t *testing.T, fn func(t *testing.T, open func() meetpin.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "meetpin.db")
		mg, err := sqlitetest.Open(t, path).Migrator()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mg.Up(t.Context()); err != nil {
			t.Fatal(err)
		}
		fn(t, func() meetpin.Store { return sqlitetest.Open(t, path) })
	})
	t.Run("postgres", func(t *testing.T) {
		url := postgrestest.URL(t)
		first := true
		fn(t, func() meetpin.Store {
			s, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if first {
				first = false
				mg, err := s.Migrator()
				if err != nil {
					t.Fatal(err)
				}
				if _, err := mg.Up(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			return s
		})
	})
}

func TestTwoReplicasSendOnce(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		rc := newReceiver(t)
		name := "test_alert_" + rand.Text()[:8]
		var ms []*alert.Manager
		for i, s := range []meetpin.Store{open(), open()} {
			ms = append(ms, alert.New(alert.Options{Notifier: rc.webhook(),
				Claimers: []alert.Claimer{alert.StoreClaimer{Store: s, Runner: "replica-" + string(rune('a'+i))}}}))
		}
		both := func() {
			var wg sync.WaitGroup
			for _, m := range ms {
				wg.Go(func() { m.Check(t.Context()) })
			}
			wg.Wait()
		}
		for _, m := range ms {
			m.Raise(alert.Alert{Name: name, Severity: metrics.SeverityWarning, Message: "test"})
		}
		both()
		both()
		if n := rc.count(name, alert.StateFiring, false); n != 1 {
			t.Fatalf("two replicas, one alert: %d firing notices, want 1 (%v)", n, rc.notices())
		}
		for _, m := range ms {
			m.Resolve(name)
		}
		both()
		if n := rc.count(name, alert.StateResolved, false); n != 1 {
			t.Fatalf("two replicas: %d resolved notices, want 1", n)
		}
		if n := len(rc.notices()); n != 2 {
			t.Fatalf("%d notices in all, want 2", n)
		}
	})
}

func TestDatabaseGoneOneReplica(t *testing.T) {
	// The store itself is closed: the ping fails, the store's claim fails,
	// and the notice is sent anyway.
	rc := newReceiver(t)
	db := sqlitetest.New(t)
	m := alert.New(alert.Options{Rules: []alert.Rule{alert.Database(db.Ping)}, Notifier: rc.webhook(),
		Claimers: []alert.Claimer{alert.StoreClaimer{Store: db, Runner: "one"}}})
	m.Check(t.Context())
	if n := len(rc.notices()); n != 0 {
		t.Fatalf("database up: %d notices", n)
	}
	db.Close()
	m.Check(t.Context())
	if n := rc.count(metrics.AlertDatabaseDown, alert.StateFiring, false); n != 1 {
		t.Fatalf("database closed: %d firing notices, want 1 (%v)", n, rc.notices())
	}
}

func TestDatabaseGoneTwoReplicasRedisDecides(t *testing.T) {
	// Two replicas on one PostgreSQL that has gone away: the store's claim
	// fails on both, and Redis lets only one send.
	client, err := redis.NewClient(meetpintest.RequireRedis(t))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	url := postgrestest.URL(t)
	rc := newReceiver(t)
	// A slot no earlier run used, so that old claims in the shared Redis
	// do not count.
	at := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(time.Now().UnixNano()%1e6) * time.Hour)
	var ms []*alert.Manager
	var stores []*postgres.DB
	for i := range 2 {
		pg, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, pg)
		ms = append(ms, alert.New(alert.Options{Rules: []alert.Rule{alert.Database(pg.Ping)}, Notifier: rc.webhook(),
			Claimers: []alert.Claimer{alert.StoreClaimer{Store: pg, Runner: string(rune('a' + i))}, redis.NewClaimer(client)},
			Now:      func() time.Time { return at }}))
	}
	both := func() {
		var wg sync.WaitGroup
		for _, m := range ms {
			wg.Go(func() { m.Check(t.Context()) })
		}
		wg.Wait()
	}
	both()
	if n := len(rc.notices()); n != 0 {
		t.Fatalf("database up: %d notices", n)
	}
	for _, s := range stores {
		s.Close()
	}
	both()
	both()
	if n := rc.count(metrics.AlertDatabaseDown, alert.StateFiring, false); n != 1 {
		t.Fatalf("database gone, two replicas: %d firing notices, want 1 (%v)", n, rc.notices())
	}
}

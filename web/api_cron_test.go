package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/cron"
	"meetpin.app/dispatch"
	"meetpin.app/web"
)

const cronSecret = "cron-secret-0123456789abcdef"

// newCronServer is newServer with CRON_SECRET set to secret (empty: not
// configured) and a scheduler of jobs (nil: none at all).
func newCronServer(t *testing.T, store meetpin.Store, secret string, jobs []cron.Job) *testServer {
	t.Helper()
	var sched *cron.Scheduler
	if jobs != nil {
		var err error
		log := slog.New(slog.NewJSONHandler(io.Discard, nil))
		if sched, err = cron.New(cron.Options{Log: log, Store: store, Jobs: jobs, Runner: "web-test"}); err != nil {
			t.Fatal(err)
		}
	}
	return buildServer(t, store, serverOpts{env: map[string]string{"CRON_SECRET": secret},
		edit: func(_ *app.Options, wo *web.Options) { wo.Cron = sched }})
}

// TestCronSecret: both cron routes need exactly CRON_SECRET as a bearer
// token, and nothing opens them while it is not configured.
func TestCronSecret(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		srv := newCronServer(t, store, cronSecret, cron.Cleanups(dispatch.New(dispatch.Options{Store: store})))
		unset := newCronServer(t, store, "", cron.Cleanups(dispatch.New(dispatch.Options{Store: store})))
		session := srv.signup("cronUser").Token

		for _, route := range []struct{ method, path string }{
			{"GET", "/api/cron"},
			{"POST", "/api/cron/" + cron.ExpiredSessions},
			{"POST", "/api/cron/no-such-job"},
		} {
			for _, c := range []struct {
				name   string
				srv    *testServer
				header string
			}{
				{"missing", srv, ""},
				{"wrong", srv, "Bearer cron-secret-0123456789abcdeX"},
				{"prefix", srv, "Bearer " + cronSecret[:20]},
				{"longer", srv, "Bearer " + cronSecret + "0"},
				{"upper case", srv, "Bearer " + strings.ToUpper(cronSecret)},
				{"not bearer", srv, "Basic " + cronSecret},
				{"bare", srv, cronSecret},
				{"user session", srv, "Bearer " + session},
				{"unconfigured, empty", unset, "Bearer "},
				{"unconfigured, any", unset, "Bearer " + cronSecret},
			} {
				t.Run(route.method+" "+route.path+" "+c.name, func(t *testing.T) {
					req := httptest.NewRequest(route.method, c.srv.URL+route.path, nil)
					req.RequestURI = ""
					if c.header != "" {
						req.Header.Set("Authorization", c.header)
					}
					r := c.srv.with(t).do(req).want(t, 401, meetpin.EUNAUTHORIZED)
					if strings.Contains(r.Raw, cronSecret) {
						t.Fatalf("answer shows the secret: %s", r.Raw)
					}
				})
			}
		}

		// The right secret opens both routes.
		srv.with(t).call("GET", "/api/cron", nil, cronSecret).want(t, 200, "")
		srv.with(t).call("POST", "/api/cron/"+cron.ExpiredSessions, nil, cronSecret).want(t, 200, "")
		// Behind the secret: unknown jobs and other methods.
		r := srv.with(t).call("POST", "/api/cron/no-such-job", nil, cronSecret).want(t, 404, meetpin.ENOTFOUND)
		if !strings.Contains(r.Message, cron.ExpiredBoosts) {
			t.Errorf("404 does not list the jobs: %s", r.Message)
		}
		srv.with(t).call("GET", "/api/cron/"+cron.ExpiredSessions, nil, cronSecret).want(t, 405, meetpin.EMETHODNOTALLOWED)
		srv.with(t).call("DELETE", "/api/cron", nil, cronSecret).want(t, 405, meetpin.EMETHODNOTALLOWED)
		// A server without a scheduler says so.
		newCronServer(t, store, cronSecret, nil).with(t).call("GET", "/api/cron", nil, cronSecret).want(t, 503, meetpin.EUNAVAILABLE)
	})
}

// TestCronRunBoosts runs the boost clean-up over HTTP: the expired boost is
// cleared and the room lists like a never-boosted one; GET /api/cron then
// shows the run.
func TestCronRunBoosts(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		srv := newCronServer(t, store, cronSecret, cron.Cleanups(dispatch.New(dispatch.Options{Store: store})))
		host := srv.signup("boostHost")
		now := time.Now().UTC().Truncate(time.Millisecond)
		mk := func(title string, created time.Time, boost *time.Time) string {
			r := &meetpin.Room{ID: uuid.NewString(), HostID: host.ID, Title: title, Category: meetpin.CategoryDrink,
				Lat: 37.5, Lng: 127.0, PlaceText: "강남역", StartAt: now.Add(3 * time.Hour), MaxPeople: 4,
				Visibility: meetpin.VisibilityPublic, Status: meetpin.RoomActive, BoostUntil: boost, CreatedAt: created, UpdatedAt: created}
			if err := store.CreateRoom(t.Context(), r); err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		expiredAt := now.Add(-time.Minute)
		expired := mk("expired", now.Add(-2*time.Hour), &expiredAt)
		mk("newer plain", now.Add(-time.Hour), nil)

		var run struct {
			Job        string `json:"job"`
			RunID      int64  `json:"run_id"`
			Kind       string `json:"kind"`
			Result     string `json:"result"`
			Count      int64  `json:"count"`
			DurationMS *int64 `json:"duration_ms"`
			Detail     struct {
				RoomIDs []string `json:"room_ids"`
			} `json:"detail"`
		}
		srv.with(t).call("POST", "/api/cron/"+cron.ExpiredBoosts, nil, cronSecret).want(t, 200, "").into(t, &run)
		if run.Job != cron.ExpiredBoosts || run.RunID == 0 || run.Kind != "manual" || run.Result != "ok" || run.Count != 1 ||
			run.DurationMS == nil || !slices.Equal(run.Detail.RoomIDs, []string{expired}) {
			t.Fatalf("run = %+v", run)
		}

		var list struct {
			Rooms []struct {
				Title      string     `json:"title"`
				BoostUntil *time.Time `json:"boost_until"`
			} `json:"rooms"`
		}
		srv.with(t).call("GET", "/api/rooms?bbox="+seoulBBox, nil, "").want(t, 200, "").into(t, &list)
		if len(list.Rooms) != 2 || list.Rooms[0].Title != "newer plain" || list.Rooms[1].Title != "expired" || list.Rooms[1].BoostUntil != nil {
			t.Fatalf("rooms after the clean-up: %+v", list.Rooms)
		}

		var status struct {
			Scheduled bool   `json:"scheduled"`
			Runner    string `json:"runner"`
			Jobs      []struct {
				Name            string           `json:"name"`
				IntervalSeconds int64            `json:"interval_seconds"`
				Runs            map[string]int64 `json:"runs"`
				LastRun         *struct {
					ID     int64  `json:"id"`
					Result string `json:"result"`
					Count  int64  `json:"count"`
				} `json:"last_run"`
			} `json:"jobs"`
		}
		srv.with(t).call("GET", "/api/cron", nil, cronSecret).want(t, 200, "").into(t, &status)
		if status.Scheduled || status.Runner != "web-test" || len(status.Jobs) != 5 {
			t.Fatalf("status = %+v", status)
		}
		for _, j := range status.Jobs {
			switch j.Name {
			case cron.ExpiredBoosts:
				if j.IntervalSeconds != 300 || j.LastRun == nil || j.LastRun.ID != run.RunID || j.LastRun.Count != 1 || j.Runs["ok"] != 1 {
					t.Errorf("%s: %+v", j.Name, j)
				}
			default:
				if j.LastRun != nil || j.Runs["ok"] != 0 {
					t.Errorf("%s ran: %+v", j.Name, j)
				}
			}
		}
	})
}

// TestCronRunConflictAndFailure: a job already running on this replica is
// a 409; a failing job is a 500 that leaks nothing.
func TestCronRunConflictAndFailure(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		started, release := make(chan struct{}), make(chan struct{})
		srv := newCronServer(t, store, cronSecret, []cron.Job{
			{Name: "slow", Interval: time.Hour, Run: func(ctx context.Context, now time.Time) (cron.Result, error) {
				started <- struct{}{}
				<-release
				return cron.Result{Count: 2}, nil
			}},
			{Name: "failing", Interval: time.Hour, Run: func(ctx context.Context, now time.Time) (cron.Result, error) {
				return cron.Result{}, errors.New("relation secret_table does not exist")
			}},
		})
		first := make(chan *reply, 1)
		go func() { first <- srv.with(t).call("POST", "/api/cron/slow", nil, cronSecret) }()
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatal("the first run did not start")
		}
		srv.with(t).call("POST", "/api/cron/slow", nil, cronSecret).want(t, 409, meetpin.ECONFLICT)
		close(release)
		select {
		case r := <-first:
			r.want(t, 200, "")
		case <-time.After(10 * time.Second):
			t.Fatal("the first run did not answer")
		}

		r := srv.with(t).call("POST", "/api/cron/failing", nil, cronSecret).want(t, 500, meetpin.EINTERNAL)
		if strings.Contains(r.Raw, "secret_table") {
			t.Fatalf("500 leaks the cause: %s", r.Raw)
		}
		runs, err := store.JobRuns(t.Context(), "failing", 10)
		if err != nil || len(runs) != 1 || runs[0].Result != meetpin.JobResultError || !strings.Contains(runs[0].Detail["error"].(string), "secret_table") {
			t.Fatalf("the failure is not in the history: %+v, %v", runs, err)
		}
	})
}

package main

import (
	"context"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/cron"
	"meetpin.app/postgres"
	"meetpin.app/postgres/postgrestest"
)

const testCronSecret = "cron-secret-0123456789abcdef"

// cronStatus is the data of GET /api/cron.
type cronStatus struct {
	Scheduled bool   `json:"scheduled"`
	Runner    string `json:"runner"`
	Jobs      []struct {
		Name    string           `json:"name"`
		Runs    map[string]int64 `json:"runs"`
		LastRun *meetpin.JobRun  `json:"last_run"`
	} `json:"jobs"`
}

// waitAllRan polls GET /api/cron until every job has a finished run, for
// at most 30 s, and returns the last status.
func waitAllRan(t *testing.T, base string) cronStatus {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st cronStatus
		api(t, base, "GET", "/api/cron", testCronSecret, nil, 200, &st)
		done := len(st.Jobs) == 6 // the clean-ups and the boost reminders
		for _, j := range st.Jobs {
			done = done && j.LastRun != nil && j.LastRun.Result != ""
		}
		if done {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("not every job ran within 30 s: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeCron: with the schedule on (the default) the server runs every
// job right after it starts; with MEETPIN_CRON=off it runs none until asked.
func TestServeCron(t *testing.T) {
	serveEngines(t, func(t *testing.T, env map[string]string) {
		env["CRON_SECRET"] = testCronSecret
		on := startReplica(t, env)
		st := waitAllRan(t, on.base)
		if !st.Scheduled {
			t.Fatalf("schedule not running: %+v", st)
		}
		for _, j := range st.Jobs {
			if j.LastRun.Kind != meetpin.JobRunScheduled || j.LastRun.Result != meetpin.JobResultOK || j.LastRun.Runner != st.Runner {
				t.Errorf("%s: last run %+v", j.Name, j.LastRun)
			}
		}
		on.stop()

		// Same data dir / database, schedule off: nothing new runs by itself,
		// a manual run does.
		env["MEETPIN_CRON"] = "off"
		off := startReplica(t, env)
		var before cronStatus
		api(t, off.base, "GET", "/api/cron", testCronSecret, nil, 200, &before)
		if before.Scheduled {
			t.Fatal("scheduled with MEETPIN_CRON=off")
		}
		for _, j := range before.Jobs {
			if j.Runs["ok"]+j.Runs["skipped"]+j.Runs["error"] != 0 {
				t.Errorf("%s ran on the replica without a schedule: %v", j.Name, j.Runs)
			}
		}
		var run struct {
			Kind   string `json:"kind"`
			Result string `json:"result"`
		}
		api(t, off.base, "POST", "/api/cron/"+cron.ExpiredSessions, testCronSecret, nil, 200, &run)
		if run.Kind != meetpin.JobRunManual || run.Result != meetpin.JobResultOK {
			t.Fatalf("manual run: %+v", run)
		}
	})
}

// TestTwoReplicaCron: two servers on one PostgreSQL both run the schedule;
// every slot is recorded once and executed by exactly one of them.
func TestTwoReplicaCron(t *testing.T) {
	url := postgrestest.URL(t)
	env := map[string]string{"DATABASE_URL": url, "CRON_SECRET": testCronSecret}
	r1 := startReplica(t, env)
	r2 := startReplica(t, env)
	waitAllRan(t, r1.base)
	waitAllRan(t, r2.base)
	// Each replica checked its first slots right after it started.
	var s1, s2 cronStatus
	deadline := time.Now().Add(30 * time.Second)
	for {
		api(t, r1.base, "GET", "/api/cron", testCronSecret, nil, 200, &s1)
		api(t, r2.base, "GET", "/api/cron", testCronSecret, nil, 200, &s2)
		settled := true
		for i := range s1.Jobs {
			settled = settled && total(s1.Jobs[i].Runs) > 0 && total(s2.Jobs[i].Runs) > 0
		}
		if settled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a replica never checked the schedule: %+v / %+v", s1, s2)
		}
		time.Sleep(50 * time.Millisecond)
	}
	r1.stop()
	r2.stop()
	if s1.Runner == s2.Runner {
		t.Fatalf("both replicas are named %s", s1.Runner)
	}

	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, j := range s1.Jobs {
		runs, err := db.JobRuns(t.Context(), j.Name, 100)
		if err != nil {
			t.Fatal(err)
		}
		slots := map[time.Time]bool{}
		for _, r := range runs {
			if r.Kind != meetpin.JobRunScheduled || slots[r.Slot] {
				t.Errorf("%s: run %+v is not the only one of its slot", j.Name, r)
			}
			slots[r.Slot] = true
		}
		// The runs the replicas counted as theirs are exactly the recorded
		// runs: no slot ran on both, none went unrecorded.
		if ok := s1.Jobs[i].Runs["ok"] + s2.Jobs[i].Runs["ok"]; ok != int64(len(runs)) {
			t.Errorf("%s: %d runs recorded, the replicas ran %d (%v / %v)", j.Name, len(runs), ok, s1.Jobs[i].Runs, s2.Jobs[i].Runs)
		}
	}
}

func total(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

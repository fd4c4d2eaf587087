package web

import (
	"fmt"
	"net/http"
	"time"

	"meetpin.app"
	"meetpin.app/cron"
)

// cronRunView is the answer of POST /api/cron/{job}.
type cronRunView struct {
	Job        string         `json:"job"`
	RunID      int64          `json:"run_id"`
	Kind       string         `json:"kind"`
	Result     string         `json:"result"`
	Count      int64          `json:"count"`
	DurationMS int64          `json:"duration_ms"`
	StartedAt  time.Time      `json:"started_at"`
	FinishedAt *time.Time     `json:"finished_at"`
	Runner     string         `json:"runner"`
	Detail     map[string]any `json:"detail"`
}

// cronListView is the answer of GET /api/cron.
type cronListView struct {
	// Scheduled says whether this replica runs the schedule
	// (MEETPIN_CRON=on); every replica runs jobs on demand.
	Scheduled bool             `json:"scheduled"`
	Runner    string           `json:"runner"`
	Jobs      []cron.JobStatus `json:"jobs"`
}

func (s *Server) cronOrUnavailable() (*cron.Scheduler, error) {
	if s.cron == nil {
		return nil, meetpin.Errorf(meetpin.EUNAVAILABLE, "maintenance jobs are not available on this server")
	}
	return s.cron, nil
}

// handleCronRun runs a job now: POST /api/cron/{job}. Not deduplicated
// against the schedule, but never concurrent with a run of the same job
// on this replica (409). A failed job is a 500; its error is in the log
// and in the job's history (GET /api/cron).
func (s *Server) handleCronRun(w http.ResponseWriter, r *http.Request) {
	c, err := s.cronOrUnavailable()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := c.RunNow(r.Context(), r.PathValue("job"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if out.Err != nil {
		s.writeError(w, r, fmt.Errorf("cron job %s (run %d) failed: %w", out.Run.Job, out.Run.ID, out.Err))
		return
	}
	run := out.Run
	writeOK(w, http.StatusOK, cronRunView{
		Job: run.Job, RunID: run.ID, Kind: run.Kind, Result: run.Result, Count: run.Count,
		DurationMS: out.Duration.Milliseconds(), StartedAt: run.StartedAt, FinishedAt: run.FinishedAt,
		Runner: run.Runner, Detail: run.Detail,
	}, "")
}

// handleCronList lists the jobs with their last run: GET /api/cron.
func (s *Server) handleCronList(w http.ResponseWriter, r *http.Request) {
	c, err := s.cronOrUnavailable()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	jobs, err := c.Status(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, cronListView{Scheduled: c.Scheduled(), Runner: c.Runner(), Jobs: jobs}, "")
}

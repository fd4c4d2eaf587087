package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"meetpin.app"
	"meetpin.app/app"
)

// sseEvent is one Server-Sent Event. IDs are database ids, increasing per
// stream, so a reconnecting client's Last-Event-ID says exactly what it has.
type sseEvent struct {
	ID   int64
	Name string
	Data any
}

// fetchFunc returns the events with an id above after, oldest first.
type fetchFunc func(ctx context.Context, after int64) ([]sseEvent, error)

// lastEventID reads Last-Event-ID (header, or the lastEventId query
// parameter for clients that cannot set headers). ok is false when absent.
func lastEventID(r *http.Request) (id int64, ok bool) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("lastEventId")
	}
	if v == "" {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, false
	}
	return id, true
}

// stream serves an event stream. The database is the source of truth: it
// subscribes to the broker first, then sends everything after lastID, then
// each time the broker wakes it (or the heartbeat passes, as a safety net for
// a lost wake-up) sends what is new. Ids never repeat and never go back. It
// ends when the client leaves, when the session's logout is published, when
// the session is found gone at a heartbeat, and when the server shuts down.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, topics []string, lastID int64, fetch fetchFunc) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	info := infoOf(r)
	slot, ok := s.streams.acquire(userOf(r).ID)
	if !ok {
		w.Header().Set("Retry-After", "10")
		s.writeError(w, r, meetpin.Errorf(meetpin.EUNAVAILABLE, "too many event streams are open on this server; retry shortly"))
		return
	}
	defer s.streams.release(slot)
	sessionTopic := app.SessionTopic(info.token)
	var wake <-chan meetpin.Event
	if s.broker != nil {
		ch, err := s.broker.Subscribe(ctx, append(topics, sessionTopic)...)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		wake = ch
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n\n")
	s.sseOpen.Add(1)
	defer s.sseOpen.Add(-1)
	info.stream = true

	send := func() bool {
		for {
			evs, err := fetch(ctx, lastID)
			if err != nil {
				if ctx.Err() == nil {
					s.log.WarnContext(ctx, "stream fetch failed", "request_id", info.id, "error", err)
				}
				return ctx.Err() == nil
			}
			for _, ev := range evs {
				if ev.ID <= lastID {
					continue
				}
				data, _ := json.Marshal(ev.Data)
				fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.ID, ev.Name, data)
				lastID = ev.ID
			}
			if len(evs) < 100 {
				return rc.Flush() == nil
			}
		}
	}
	end := func(name string) {
		fmt.Fprintf(w, "event: %s\ndata: {}\n\n", name)
		rc.Flush()
	}
	if !send() {
		return
	}
	beat := time.NewTicker(s.heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.closing:
			end("shutdown")
			return
		case <-slot.replaced:
			end("replaced") // the user opened too many streams; this was the oldest
			return
		case ev, ok := <-wake:
			if !ok {
				wake = nil // broker closed: keep polling at heartbeats
				continue
			}
			if ev.Topic == sessionTopic {
				end("logout")
				return
			}
		case <-beat.C:
			if _, _, err := s.app.Authenticate(ctx, info.token); err != nil {
				end("logout")
				return
			}
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		}
		if !send() {
			return
		}
	}
}

// handleMatchEvents: GET /api/matches/{id}/events, new messages of a match.
func (s *Server) handleMatchEvents(w http.ResponseWriter, r *http.Request) {
	u, id := userOf(r), r.PathValue("id")
	fetch, err := s.app.MatchStream(r.Context(), u, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	last, ok := lastEventID(r)
	if !ok {
		var err error
		if last, err = s.app.LatestMessageID(r.Context(), id); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.stream(w, r, []string{app.MatchTopic(id)}, last, func(ctx context.Context, after int64) ([]sseEvent, error) {
		msgs, err := fetch(ctx, after)
		evs := make([]sseEvent, len(msgs))
		for i, m := range msgs {
			evs[i] = sseEvent{ID: m.ID, Name: "message", Data: m}
		}
		return evs, err
	})
}

// handleNotificationStream: GET /api/notifications/stream, my notifications.
func (s *Server) handleNotificationStream(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	last, ok := lastEventID(r)
	if !ok {
		var err error
		if last, err = s.app.LatestNotificationID(r.Context(), u); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.stream(w, r, []string{app.UserTopic(u.ID)}, last, func(ctx context.Context, after int64) ([]sseEvent, error) {
		ns, err := s.app.NotificationsAfter(ctx, u, after)
		evs := make([]sseEvent, len(ns))
		for i, n := range ns {
			evs[i] = sseEvent{ID: n.ID, Name: "notification", Data: n}
		}
		return evs, err
	})
}

package postgres_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/postgres/postgrestest"
)

// TestMessageOrder checks the promise stream replay rests on: message ids
// of a match become visible in increasing order. Writers insert into one
// match concurrently while a reader follows it the way a reconnecting
// stream does, with MessagesAfter(lastSeen). If a smaller id could commit
// after a larger one was read, the reader would skip it for good: the
// reader also checks, each round, that no id at or below lastSeen has
// appeared that it did not see, and at the end that it saw every message.
// A trigger delays each insert's commit, so that without the per-match
// lock of CreateMessage the test fails nearly every run.
func TestMessageOrder(t *testing.T) {
	t.Parallel()
	const writers, perWriter = 20, 20
	db := postgrestest.New(t)
	ctx := t.Context()
	host, guest := mustUser(t, db), mustUser(t, db)
	r := room(host)
	if err := db.CreateRoom(ctx, r); err != nil {
		t.Fatal(err)
	}
	req := &meetpin.Request{ID: uuid.NewString(), RoomID: r.ID, RequesterID: guest.ID, CreatedAt: r.CreatedAt, UpdatedAt: r.CreatedAt}
	if err := db.CreateRequest(ctx, req); err != nil {
		t.Fatal(err)
	}
	res, err := db.AcceptRequest(ctx, req.ID, uuid.NewString(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	matchID := res.Match.ID

	// Widen the window between an insert drawing its id and its commit, so
	// that without serialization later ids would often commit first. The
	// database is this test's own.
	if _, err := db.Pool().Exec(ctx, `
		CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN PERFORM pg_sleep(random() * 0.004); RETURN NULL; END $$;
		CREATE TRIGGER slow_commit AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION slow_commit();`); err != nil {
		t.Fatal(err)
	}

	var done atomic.Bool
	var wg sync.WaitGroup
	for w := range writers {
		sender := host.ID
		if w%2 == 1 {
			sender = guest.ID
		}
		wg.Go(func() {
			for i := range perWriter {
				m := &meetpin.Message{MatchID: matchID, SenderID: sender, Text: fmt.Sprintf("w%d m%d", w, i), CreatedAt: time.Now()}
				if err := db.CreateMessage(ctx, m); err != nil {
					t.Errorf("CreateMessage: %v", err)
					return
				}
			}
		})
	}
	go func() { wg.Wait(); done.Store(true) }()

	seen := map[int64]bool{}
	err = func() error {
		var lastSeen int64
		for round := 0; ; round++ {
			finished := done.Load() // read before the round: a round after it sees every message
			// Ask for everything after lastSeen, so the reader keeps up
			// with the head of the stream, where a late commit would show.
			batch, err := db.MessagesAfter(ctx, matchID, lastSeen, writers*perWriter)
			if err != nil {
				return err
			}
			for _, m := range batch {
				if m.ID <= lastSeen || seen[m.ID] {
					return fmt.Errorf("round %d: MessagesAfter(%d) returned id %d again or out of order", round, lastSeen, m.ID)
				}
				seen[m.ID], lastSeen = true, m.ID
			}
			// Every message at or below lastSeen must be one the reader
			// saw: one it did not is a smaller id that became visible too
			// late, and replay from lastSeen would skip it.
			below, err := db.Messages(ctx, matchID, lastSeen+1, writers*perWriter)
			if err != nil {
				return err
			}
			for _, m := range below {
				if !seen[m.ID] {
					return fmt.Errorf("round %d: id %d appeared after the reader had seen id %d", round, m.ID, lastSeen)
				}
			}
			if finished && len(batch) == 0 {
				return nil
			}
		}
	}()
	wg.Wait() // the writers stop before the test ends, even when the reader failed
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != writers*perWriter {
		t.Errorf("reader saw %d messages, want %d", len(seen), writers*perWriter)
	}
}

package web

import (
	"sync"
	"sync/atomic"
)

// streamsPerUser is how many event streams one user may hold open in one
// process (a few tabs, each with a chat and the bell); the next one closes
// the oldest with "event: replaced".
const streamsPerUser = 8

// streamSet caps the event streams of the process: per user (the oldest
// gives way) and in all (the newest is refused). Each stream holds a
// goroutine, a connection and a file descriptor, and queries the database
// at every heartbeat.
type streamSet struct {
	max, perUser int

	mu     sync.Mutex
	open   int
	byUser map[string][]*streamSlot // oldest first

	replaced, refused atomic.Int64
}

// streamSlot is one open stream; replaced is closed when its user's newer
// streams push it out.
type streamSlot struct {
	user     string
	replaced chan struct{}
}

func newStreamSet(max, perUser int) *streamSet {
	return &streamSet{max: max, perUser: perUser, byUser: map[string][]*streamSlot{}}
}

// acquire opens a stream for user, closing the user's oldest stream when
// the user is at the per-user cap; ok is false when the process is full.
func (ss *streamSet) acquire(user string) (slot *streamSlot, ok bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	mine := ss.byUser[user]
	if len(mine) >= ss.perUser {
		oldest := mine[0]
		close(oldest.replaced)
		mine = mine[1:]
		ss.open--
		ss.replaced.Add(1)
	}
	if ss.open >= ss.max {
		ss.byUser[user] = mine
		ss.refused.Add(1)
		return nil, false
	}
	slot = &streamSlot{user: user, replaced: make(chan struct{})}
	ss.byUser[user] = append(mine, slot)
	ss.open++
	return slot, true
}

// release forgets a stream that ended; a replaced stream was already
// forgotten.
func (ss *streamSet) release(slot *streamSlot) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	mine := ss.byUser[slot.user]
	for i, s := range mine {
		if s == slot {
			mine = append(mine[:i:i], mine[i+1:]...)
			ss.open--
			break
		}
	}
	if len(mine) == 0 {
		delete(ss.byUser, slot.user)
	} else {
		ss.byUser[slot.user] = mine
	}
}

// caps reports the figures of /metrics.
func (ss *streamSet) caps() (max, replaced, refused int64) {
	return int64(ss.max), ss.replaced.Load(), ss.refused.Load()
}

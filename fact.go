package meetpin

// A Fact is something a committed write changed, named in the domain's
// words: a use case records facts inside its unit of work (see package
// dispatch), and after the commit one dispatcher turns them into cache
// invalidations and broker publishes, and hands them to whoever registered
// for them (an in-memory index, say). Facts say what changed, never what to
// do about it: the mapping lives in the dispatcher alone.
//
// The set is closed (the method is unexported): a new kind of fact is a new
// type here and a new case in the dispatcher.
type Fact interface{ fact() }

// RoomsChanged: rooms were created, edited, deleted, boosted, un-boosted or
// changed their participant count, so what the map shows changed. RoomIDs
// names them; it is empty when the writer cannot name them (every room may
// have changed).
type RoomsChanged struct{ RoomIDs []string }

// ProfileChanged: a user's public profile (nickname, avatar…) changed; room
// lists show their hosts' profiles.
type ProfileChanged struct{ UserID string }

// BlocksChanged: a block between two users was created or removed; each
// sees fewer (or again all) of the other's rooms.
type BlocksChanged struct{ BlockerID, BlockedID string }

// MatchMessaged: a chat message was stored in a match.
type MatchMessaged struct {
	MatchID   string
	MessageID int64
}

// UserNotified: a notification was stored for a user.
type UserNotified struct{ UserID string }

// NotificationsChanged: some of a user's notifications were read or
// deleted.
type NotificationsChanged struct{ UserID string }

// NotificationsPurged: notifications of any number of users were deleted
// (the clean-up job), too many to name them.
type NotificationsPurged struct{}

// SessionEnded: a session was deleted (logout); its streams must end.
type SessionEnded struct{ TokenHash string }

func (RoomsChanged) fact()         {}
func (ProfileChanged) fact()       {}
func (BlocksChanged) fact()        {}
func (MatchMessaged) fact()        {}
func (UserNotified) fact()         {}
func (NotificationsChanged) fact() {}
func (NotificationsPurged) fact()  {}
func (SessionEnded) fact()         {}

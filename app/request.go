package app

import (
	"context"
	"strings"

	"meetpin.app"
	"meetpin.app/dispatch"
)

// RequestInput is the body of a join request.
type RequestInput struct {
	RoomID  string  `json:"room_id"`
	Message *string `json:"message"`
}

// RequestView is a request as its requester or the room's host sees it.
type RequestView struct {
	*meetpin.Request
	Room      *RoomView              `json:"room,omitempty"`
	Requester *meetpin.PublicProfile `json:"requester,omitempty"`
	MatchID   *string                `json:"match_id"`
}

// CreateRequest asks to join a room. Refused with EOWNROOM for one's own
// room, EREQUESTCLOSED from an hour before the start, EROOMFULL when full,
// EBLOCKED across a block, ECONFLICT when already asked.
func (a *App) CreateRequest(ctx context.Context, u *meetpin.User, in RequestInput) (*meetpin.Request, error) {
	var f meetpin.FieldErrors
	if strings.TrimSpace(in.RoomID) == "" {
		f.Add("room_id", "is required")
	}
	var msg *string
	if in.Message != nil {
		m := textLen(&f, "message", *in.Message, 0, 500)
		if m != "" {
			msg = &m
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	room, err := a.store.RoomByID(ctx, in.RoomID)
	if err != nil {
		return nil, err
	}
	if room.HostID == u.ID {
		return nil, meetpin.Errorf(meetpin.EOWNROOM, "you cannot ask to join your own room")
	}
	if room.Visibility != meetpin.VisibilityPublic || room.Status != meetpin.RoomActive {
		return nil, meetpin.Errorf(meetpin.ENOTFOUND, "room not found")
	}
	if blocked, err := a.store.IsBlocked(ctx, u.ID, room.HostID); err != nil {
		return nil, err
	} else if blocked {
		return nil, meetpin.Errorf(meetpin.EBLOCKED, "you cannot join this room")
	}
	now := a.Now()
	if !now.Before(room.StartAt.Add(-RequestCutoff)) {
		return nil, meetpin.Errorf(meetpin.EREQUESTCLOSED, "requests close one hour before the start")
	}
	if room.ParticipantsCount >= room.MaxPeople {
		return nil, meetpin.Errorf(meetpin.EROOMFULL, "the room is full")
	}
	req := &meetpin.Request{ID: newID(), RoomID: room.ID, RequesterID: u.ID, Message: msg, Status: meetpin.RequestPending, CreatedAt: now, UpdatedAt: now}
	nick := a.nickname(ctx, u)
	err = a.disp.Do(ctx, func(w *dispatch.Unit) error {
		if err := w.CreateRequest(ctx, req); err != nil {
			return err
		}
		return a.notify(ctx, w, room.HostID, meetpin.NotifyRoomRequest, "새 참가 신청", nick+"님이 \""+room.Title+"\"에 참가를 신청했어요.",
			"/room/"+room.ID+"/requests", map[string]any{"roomId": room.ID, "requestId": req.ID})
	})
	if err != nil {
		return nil, err
	}
	return req, nil
}

// nickname is u's nickname for the texts of notifications: as the session
// loaded it, or read.
func (a *App) nickname(ctx context.Context, u *meetpin.User) string {
	if u.Nickname != "" {
		return u.Nickname
	}
	if p, err := a.store.ProfileByID(ctx, u.ID); err == nil {
		return p.Nickname
	}
	return "누군가"
}

// requestFor loads a request and its room for u: ENOTFOUND unless u is the
// requester or the host.
func (a *App) requestFor(ctx context.Context, u *meetpin.User, id string) (*meetpin.Request, *meetpin.Room, error) {
	req, err := a.store.RequestByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	room, err := a.store.RoomByID(ctx, req.RoomID)
	if err != nil {
		return nil, nil, err
	}
	if u.ID != req.RequesterID && u.ID != room.HostID {
		return nil, nil, meetpin.Errorf(meetpin.ENOTFOUND, "request not found")
	}
	return req, room, nil
}

// Decision is the outcome of a host's decision.
type Decision struct {
	Request *meetpin.Request `json:"request"`
	Match   *meetpin.Match   `json:"match,omitempty"`
}

// DecideRequest lets the room's host accept or reject a pending request.
// Accepting creates the match in the same transaction, with capacity checked
// atomically; the guest is told, and the host too when the room is full.
func (a *App) DecideRequest(ctx context.Context, u *meetpin.User, id, status string) (*Decision, error) {
	if status == "approved" {
		status = meetpin.RequestAccepted
	}
	if status != meetpin.RequestAccepted && status != meetpin.RequestRejected {
		return nil, &meetpin.Error{Code: meetpin.EVALIDATION, Message: "status: must be accepted or rejected", Fields: map[string]string{"status": "must be accepted or rejected"}}
	}
	req, room, err := a.requestFor(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if u.ID != room.HostID {
		return nil, meetpin.Errorf(meetpin.EFORBIDDEN, "only the host can decide on a request")
	}
	now := a.Now()
	if !now.Before(room.StartAt) {
		return nil, meetpin.Errorf(meetpin.EREQUESTCLOSED, "the room has already started")
	}
	if status == meetpin.RequestRejected {
		var r *meetpin.Request
		err := a.disp.Do(ctx, func(w *dispatch.Unit) (err error) {
			if r, err = w.SetRequestStatus(ctx, id, meetpin.RequestRejected, now); err != nil {
				return err
			}
			return a.notify(ctx, w, req.RequesterID, meetpin.NotifyRequestRejected, "참가 신청 결과", "\""+room.Title+"\" 참가 신청이 거절되었어요.",
				"/requests", map[string]any{"roomId": room.ID, "requestId": id})
		})
		if err != nil {
			return nil, err
		}
		return &Decision{Request: r}, nil
	}
	if !now.Before(room.StartAt.Add(-AcceptCutoff)) {
		return nil, meetpin.Errorf(meetpin.EREQUESTCLOSED, "requests can be accepted until 30 minutes before the start")
	}
	if blocked, err := a.store.IsBlocked(ctx, req.RequesterID, room.HostID); err != nil {
		return nil, err
	} else if blocked {
		return nil, meetpin.Errorf(meetpin.EBLOCKED, "this request cannot be accepted")
	}
	var res *meetpin.AcceptResult
	err = a.disp.Do(ctx, func(w *dispatch.Unit) error {
		if res, err = w.AcceptRequest(ctx, id, newID(), now); err != nil {
			return err
		}
		w.Record(meetpin.RoomsChanged{RoomIDs: []string{room.ID}}) // participants_count
		chat := "/chat/" + res.Match.ID
		if err := a.notify(ctx, w, req.RequesterID, meetpin.NotifyMatchSuccess, "매칭 성공!", "\""+room.Title+"\" 참가가 확정되었어요. 이제 1:1 채팅을 할 수 있어요.",
			chat, map[string]any{"roomId": room.ID, "matchId": res.Match.ID}); err != nil {
			return err
		}
		if res.RoomFull {
			return a.notify(ctx, w, room.HostID, meetpin.NotifyRoomFull, "모집 완료", "\""+room.Title+"\" 모임의 인원이 다 찼어요.",
				"/room/"+room.ID, map[string]any{"roomId": room.ID})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Decision{Request: res.Request, Match: res.Match}, nil
}

// CancelRequest lets the requester withdraw a pending request.
func (a *App) CancelRequest(ctx context.Context, u *meetpin.User, id string) error {
	req, _, err := a.requestFor(ctx, u, id)
	if err != nil {
		return err
	}
	if req.RequesterID != u.ID {
		return meetpin.Errorf(meetpin.EFORBIDDEN, "only the requester can withdraw a request")
	}
	_, err = a.store.SetRequestStatus(ctx, id, meetpin.RequestCancelled, a.Now())
	return err
}

// MyRequests lists what u asked, with each room and match.
func (a *App) MyRequests(ctx context.Context, u *meetpin.User) ([]*RequestView, error) {
	reqs, err := a.store.RequestsByRequester(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*RequestView, 0, len(reqs))
	for _, r := range reqs {
		room, err := a.store.RoomByID(ctx, r.RoomID)
		if err != nil {
			return nil, err
		}
		v := &RequestView{Request: r, Room: &RoomView{Room: room, Boosted: room.Boosted(a.Now())}}
		if v.MatchID, err = a.matchID(ctx, r); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// RoomRequests lists a room's requests with the requesters' profiles, for
// its host only.
func (a *App) RoomRequests(ctx context.Context, u *meetpin.User, roomID string) ([]*RequestView, error) {
	if _, err := a.hostedRoom(ctx, u, roomID); err != nil {
		return nil, err
	}
	reqs, err := a.store.RequestsByRoom(ctx, roomID)
	if err != nil {
		return nil, err
	}
	out := make([]*RequestView, 0, len(reqs))
	for _, r := range reqs {
		p, err := a.store.ProfileByID(ctx, r.RequesterID)
		if err != nil {
			return nil, err
		}
		v := &RequestView{Request: r, Requester: publicProfile(p)}
		if v.MatchID, err = a.matchID(ctx, r); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (a *App) matchID(ctx context.Context, r *meetpin.Request) (*string, error) {
	if r.Status != meetpin.RequestAccepted {
		return nil, nil
	}
	m, err := a.store.MatchByRoomGuest(ctx, r.RoomID, r.RequesterID)
	if meetpin.ErrorCode(err) == meetpin.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &m.ID, nil
}

package app

import (
	"context"
	"strings"

	"meetpin.app"
	"meetpin.app/dispatch"
)

// HostMessageInput is the body of a host message. A guest writes to the
// room's host (ReceiverID empty); the host replies to someone who wrote
// first (ReceiverID set).
type HostMessageInput struct {
	RoomID     string `json:"roomId"`
	Message    string `json:"message"`
	ReceiverID string `json:"receiverId"`
}

// SendHostMessage sends a per-room message between the host and one user.
func (a *App) SendHostMessage(ctx context.Context, u *meetpin.User, in HostMessageInput) (*meetpin.HostMessage, error) {
	var f meetpin.FieldErrors
	if strings.TrimSpace(in.RoomID) == "" {
		f.Add("roomId", "is required")
	}
	text := textLen(&f, "message", in.Message, 1, 1000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	room, err := a.viewRoom(ctx, u, in.RoomID)
	if err != nil {
		return nil, err
	}
	receiver := room.HostID
	if room.IsHost {
		if in.ReceiverID == "" || in.ReceiverID == u.ID {
			return nil, &meetpin.Error{Code: meetpin.EVALIDATION, Message: "receiverId: the host replies to someone who wrote first", Fields: map[string]string{"receiverId": "is required for the host"}}
		}
		wrote, err := a.store.HasHostMessage(ctx, room.ID, in.ReceiverID, u.ID)
		if err != nil {
			return nil, err
		}
		if !wrote {
			return nil, meetpin.Errorf(meetpin.EFORBIDDEN, "you can only reply to someone who wrote to you about this room")
		}
		receiver = in.ReceiverID
	} else if in.ReceiverID != "" && in.ReceiverID != room.HostID {
		return nil, meetpin.Errorf(meetpin.EFORBIDDEN, "you can only write to the room's host")
	}
	if blocked, err := a.store.IsBlocked(ctx, u.ID, receiver); err != nil {
		return nil, err
	} else if blocked {
		return nil, meetpin.Errorf(meetpin.EBLOCKED, "you cannot message this user")
	}
	now := a.Now()
	hm := &meetpin.HostMessage{ID: newID(), RoomID: room.ID, SenderID: u.ID, ReceiverID: receiver, Text: text, CreatedAt: now, UpdatedAt: now}
	nick := a.nickname(ctx, u)
	err = a.disp.Do(ctx, func(w *dispatch.Unit) error {
		if err := w.CreateHostMessage(ctx, hm); err != nil {
			return err
		}
		return a.notify(ctx, w, receiver, meetpin.NotifyMessage, nick+"님의 메시지 ("+room.Title+")", preview(text),
			"/room/"+room.ID, map[string]any{"roomId": room.ID, "hostMessageId": hm.ID})
	})
	if err != nil {
		return nil, err
	}
	return hm, nil
}

// HostInbox is what GET /api/host-messages returns.
type HostInbox struct {
	Messages    []*meetpin.HostMessage `json:"messages"`
	UnreadCount int                    `json:"unread_count"`
}

// HostMessages lists the host messages u sent or received.
func (a *App) HostMessages(ctx context.Context, u *meetpin.User) (*HostInbox, error) {
	msgs, err := a.store.HostMessagesFor(ctx, u.ID, 200)
	if err != nil {
		return nil, err
	}
	in := &HostInbox{Messages: msgs}
	for _, m := range msgs {
		if m.ReceiverID == u.ID && !m.IsRead {
			in.UnreadCount++
		}
	}
	return in, nil
}

// HostMessage returns one host message to its sender or receiver.
func (a *App) HostMessage(ctx context.Context, u *meetpin.User, id string) (*meetpin.HostMessage, error) {
	hm, err := a.store.HostMessageByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if hm.SenderID != u.ID && hm.ReceiverID != u.ID {
		return nil, meetpin.Errorf(meetpin.ENOTFOUND, "message not found")
	}
	return hm, nil
}

// MarkHostMessageRead lets the receiver mark a host message read.
func (a *App) MarkHostMessageRead(ctx context.Context, u *meetpin.User, id string) (*meetpin.HostMessage, error) {
	hm, err := a.HostMessage(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if hm.ReceiverID != u.ID {
		return nil, meetpin.Errorf(meetpin.EFORBIDDEN, "only the receiver can mark a message read")
	}
	return a.store.MarkHostMessageRead(ctx, id, a.Now())
}

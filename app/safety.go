package app

import (
	"context"
	"strings"
	"time"

	"meetpin.app"
)

// BlockView is one entry of my block list.
type BlockView struct {
	*meetpin.Block
	BlockedUser *meetpin.PublicProfile `json:"blocked_user"`
}

// Block hides target from u and u from target, both ways.
func (a *App) Block(ctx context.Context, u *meetpin.User, target string) (*BlockView, error) {
	if strings.TrimSpace(target) == "" {
		return nil, &meetpin.Error{Code: meetpin.EVALIDATION, Message: "blocked_uid: is required", Fields: map[string]string{"blocked_uid": "is required"}}
	}
	if target == u.ID {
		return nil, &meetpin.Error{Code: meetpin.EVALIDATION, Message: "blocked_uid: you cannot block yourself", Fields: map[string]string{"blocked_uid": "cannot be yourself"}}
	}
	p, err := a.store.ProfileByID(ctx, target)
	if err != nil {
		return nil, meetpin.Errorf(meetpin.ENOTFOUND, "user not found")
	}
	b := &meetpin.Block{BlockerID: u.ID, BlockedID: target, CreatedAt: a.Now()}
	if err := a.store.CreateBlock(ctx, b); err != nil {
		return nil, err
	}
	a.disp.Dispatch(ctx, meetpin.BlocksChanged{BlockerID: u.ID, BlockedID: target})
	return &BlockView{Block: b, BlockedUser: publicProfile(p)}, nil
}

// Unblock removes u's block of target.
func (a *App) Unblock(ctx context.Context, u *meetpin.User, target string) error {
	if err := a.store.DeleteBlock(ctx, u.ID, target); err != nil {
		return err
	}
	a.disp.Dispatch(ctx, meetpin.BlocksChanged{BlockerID: u.ID, BlockedID: target})
	return nil
}

// Blocks lists the users u blocked.
func (a *App) Blocks(ctx context.Context, u *meetpin.User) ([]*BlockView, error) {
	blocks, err := a.store.ListBlocks(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*BlockView, 0, len(blocks))
	for _, b := range blocks {
		v := &BlockView{Block: b}
		if p, err := a.store.ProfileByID(ctx, b.BlockedID); err == nil {
			v.BlockedUser = publicProfile(p)
		}
		out = append(out, v)
	}
	return out, nil
}

// ReportInput is the body of a report.
type ReportInput struct {
	TargetUID string  `json:"target_uid"`
	RoomID    *string `json:"room_id"`
	Reason    string  `json:"reason"`
}

// ReportWindow: the same reporter may report the same target once per window.
const ReportWindow = 24 * time.Hour

// Report files a report against a user, optionally about a room.
func (a *App) Report(ctx context.Context, u *meetpin.User, in ReportInput) (*meetpin.Report, error) {
	var f meetpin.FieldErrors
	if strings.TrimSpace(in.TargetUID) == "" {
		f.Add("target_uid", "is required")
	} else if in.TargetUID == u.ID {
		f.Add("target_uid", "you cannot report yourself")
	}
	reason := textLen(&f, "reason", in.Reason, 5, 500)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if _, err := a.store.ProfileByID(ctx, in.TargetUID); err != nil {
		return nil, meetpin.Errorf(meetpin.ENOTFOUND, "user not found")
	}
	if in.RoomID != nil {
		if _, err := a.store.RoomByID(ctx, *in.RoomID); err != nil {
			return nil, meetpin.Errorf(meetpin.ENOTFOUND, "room not found")
		}
	}
	now := a.Now()
	r := &meetpin.Report{ID: newID(), ReporterID: u.ID, TargetID: in.TargetUID, RoomID: in.RoomID, Reason: reason, CreatedAt: now}
	if err := a.store.CreateReport(ctx, r, now.Add(-ReportWindow)); err != nil {
		return nil, err
	}
	return r, nil
}

// MyReports lists the reports u filed.
func (a *App) MyReports(ctx context.Context, u *meetpin.User) ([]*meetpin.Report, error) {
	return a.store.ReportsByReporter(ctx, u.ID)
}

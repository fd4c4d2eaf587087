package app

import (
	"context"
	"strconv"

	"meetpin.app"
)

// NotificationPage is a page of my notifications with the unread count.
type NotificationPage struct {
	Notifications []*meetpin.Notification `json:"notifications"`
	UnreadCount   int                     `json:"unread_count"`
	Pagination    Pagination              `json:"pagination"`
}

// Notifications lists u's notifications, newest first, from the cache when
// it holds the page (readcache).
func (a *App) Notifications(ctx context.Context, u *meetpin.User, unread, pageS, limitS string) (*NotificationPage, error) {
	var f meetpin.FieldErrors
	page, limit := paging(&f, pageS, limitS)
	unreadOnly := false
	switch unread {
	case "", "false":
	case "true":
		unreadOnly = true
	default:
		f.Add("unread", "must be true or false")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	list, err := a.store.Notifications(ctx, u.ID, unreadOnly, (page-1)*limit, limit)
	if err != nil {
		return nil, err
	}
	return &NotificationPage{Notifications: list.Items, UnreadCount: list.Unread, Pagination: newPagination(page, limit, list.Total)}, nil
}

func parseNotificationID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, meetpin.Errorf(meetpin.ENOTFOUND, "notification not found")
	}
	return id, nil
}

// MarkNotificationRead marks one of u's notifications read.
func (a *App) MarkNotificationRead(ctx context.Context, u *meetpin.User, idS string) error {
	id, err := parseNotificationID(idS)
	if err != nil {
		return err
	}
	if err := a.store.MarkNotificationRead(ctx, u.ID, id); err != nil {
		return err
	}
	a.disp.Dispatch(ctx, meetpin.NotificationsChanged{UserID: u.ID})
	return nil
}

// MarkAllNotificationsRead marks all of u's notifications read.
func (a *App) MarkAllNotificationsRead(ctx context.Context, u *meetpin.User) (int64, error) {
	n, err := a.store.MarkAllNotificationsRead(ctx, u.ID)
	if err != nil {
		return 0, err
	}
	a.disp.Dispatch(ctx, meetpin.NotificationsChanged{UserID: u.ID})
	return n, nil
}

// DeleteNotification deletes one of u's notifications.
func (a *App) DeleteNotification(ctx context.Context, u *meetpin.User, idS string) error {
	id, err := parseNotificationID(idS)
	if err != nil {
		return err
	}
	if err := a.store.DeleteNotification(ctx, u.ID, id); err != nil {
		return err
	}
	a.disp.Dispatch(ctx, meetpin.NotificationsChanged{UserID: u.ID})
	return nil
}

// NotificationsAfter returns what u's notification stream has not sent yet.
func (a *App) NotificationsAfter(ctx context.Context, u *meetpin.User, after int64) ([]*meetpin.Notification, error) {
	return a.store.NotificationsAfter(ctx, u.ID, after, 100)
}

// LatestNotificationID is where a fresh notification stream starts.
func (a *App) LatestNotificationID(ctx context.Context, u *meetpin.User) (int64, error) {
	list, err := a.store.Notifications(ctx, u.ID, false, 0, 1)
	if err != nil || len(list.Items) == 0 {
		return 0, err
	}
	return list.Items[0].ID, nil
}

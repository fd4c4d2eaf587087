package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Webhook posts notices as Slack-compatible JSON ({"text": …}, which Slack,
// Mattermost, Rocket.Chat and most chat bridges accept) to a URL.
type Webhook struct {
	URL    string
	Client *http.Client // nil: a client with a 10 s timeout
}

// webhookBody is the posted JSON: text for people, the rest for machines.
type webhookBody struct {
	Text      string    `json:"text"`
	Alert     string    `json:"alert"`
	State     string    `json:"state"`
	Escalated bool      `json:"escalated"`
	Severity  string    `json:"severity"`
	Since     time.Time `json:"since"`
}

// Notify implements Notifier: any answer but 2xx is an error.
func (w *Webhook) Notify(ctx context.Context, n Notice) error {
	body, err := json.Marshal(webhookBody{Text: n.Text(), Alert: n.Alert.Name, State: n.State,
		Escalated: n.Escalated, Severity: n.Alert.Severity, Since: n.Since.UTC()})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	c := w.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("alert webhook answered %s", res.Status)
	}
	return nil
}

// Package redis implements meetpin's realtime and cache interfaces across
// the replicas of a deployment on Redis, with go-redis: Broker fans events
// out over Redis pub/sub, Cache keeps entries that every replica shares. A
// single replica does not need it (see inmem).
//
// Redis is a helper here, never the source of truth: when it is down, each
// replica keeps serving its own subscribers, and catches up by itself when
// Redis is back.
package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// pingTimeout bounds the connection check of Open.
const pingTimeout = 3 * time.Second

// Open returns a client of the Redis server at url
// (redis://[user:password@]host:port/db, or rediss:// for TLS) after
// checking within a few seconds that the server answers. Its errors are one
// line long and never contain the password. The caller closes the client.
func Open(ctx context.Context, url string) (*goredis.Client, error) {
	client, err := NewClient(url)
	if err != nil {
		return nil, err
	}
	if err := Ping(ctx, client); err != nil {
		client.Close()
		return nil, err
	}
	return client, nil
}

// NewClient returns a client of the Redis server at url without contacting
// it: a server that starts with Redis down runs degraded and recovers when
// Redis comes back.
func NewClient(url string) (*goredis.Client, error) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return nil, errors.New("redis: invalid URL: " + parseProblem(err))
	}
	// Deadlines of the callers' contexts bound the socket reads and writes
	// too: without this, a server that hangs (stopped, partitioned) holds
	// every command for the client's 5s read timeout whatever the budget.
	opt.ContextTimeoutEnabled = true
	return goredis.NewClient(opt), nil
}

// Ping checks within a few seconds that the client's server answers; its
// error is one line without the password.
func Ping(ctx context.Context, client *goredis.Client) error {
	pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		return fmt.Errorf("redis: cannot connect to %s: %s", client.Options().Addr, reason(err))
	}
	return nil
}

// parseProblem says what is wrong with a URL that go-redis refused without
// repeating the URL, which may hold the password: of a url.Error it keeps
// the cause, of go-redis' own errors the text after their "redis: ".
func parseProblem(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return strings.TrimPrefix(err.Error(), "redis: ")
}

// reason is the innermost cause of a failed ping ("connection refused",
// "WRONGPASS invalid username-password pair …") on one line.
func reason(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", pingTimeout)
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			break
		}
		err = next
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

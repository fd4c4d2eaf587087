package redis

import (
	"context"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// claimTTL is how long a claim is remembered: longer than any slot it
// deduplicates.
const claimTTL = 24 * time.Hour

// Claimer claims a key and slot once across every replica that shares the
// Redis server (SET NX): the alerts' fallback when the database does not
// answer.
type Claimer struct{ client *goredis.Client }

// NewClaimer returns the claimer of client's server.
func NewClaimer(client *goredis.Client) *Claimer { return &Claimer{client: client} }

// Claim returns true for exactly one caller of key and slot within a day.
func (c *Claimer) Claim(ctx context.Context, key string, slot time.Time) (bool, error) {
	k := "meetpin:claim:" + key + ":" + strconv.FormatInt(slot.Unix(), 10)
	return c.client.SetNX(ctx, k, "1", claimTTL).Result()
}

package redis

import (
	"context"
	"fmt"
	"log/slog"

	goredis "github.com/redis/go-redis/v9"
)

// slogAdapter sends go-redis' own messages (failed dials during an outage,
// one per command) into the service's structured log instead of stderr.
type slogAdapter struct{ log *slog.Logger }

func (a slogAdapter) Printf(ctx context.Context, format string, v ...any) {
	a.log.DebugContext(ctx, "redis client", slog.String("detail", fmt.Sprintf(format, v...)))
}

// RouteClientLog makes go-redis log through log, at debug level: our own
// components already report an outage once, with context. The setting is
// global to the process, as go-redis' logger is.
func RouteClientLog(log *slog.Logger) {
	goredis.SetLogger(slogAdapter{log: log})
}

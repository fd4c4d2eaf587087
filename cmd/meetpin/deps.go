package main

import (
	"context"
	"errors"
	"log/slog"

	goredis "github.com/redis/go-redis/v9"

	"meetpin.app"
	"meetpin.app/config"
	"meetpin.app/inmem"
	"meetpin.app/redis"
)

// deps are the shared-state services: in-process by default, on Redis when
// REDIS_URL is set, so that replicas share them.
type deps struct {
	redis   *goredis.Client // nil without REDIS_URL
	broker  meetpin.Broker
	limiter meetpin.Limiter // nil when MEETPIN_RATELIMIT=off
	// checks report the outside services' health to /api/health.
	checks []meetpin.HealthChecker
	cache  meetpin.Cache
}

// openDeps builds the services of cfg. A Redis that does not answer at start
// is logged, not fatal: the service runs degraded and recovers by itself.
func openDeps(ctx context.Context, cfg config.Config, log *slog.Logger) (*deps, error) {
	d := &deps{}
	if cfg.RateLimit.Off {
		log.Warn("rate limiting is off (MEETPIN_RATELIMIT=off): no request is ever refused with 429; use this for load tests only")
	}
	if cfg.RedisURL == "" {
		d.broker = inmem.NewBroker()
		if !cfg.RateLimit.Off {
			d.limiter = inmem.NewLimiter(0)
		}
		d.cache = inmem.NewCache(int64(cfg.CacheSizeMB) << 20)
		return d, nil
	}
	redis.RouteClientLog(log)
	client, err := redis.NewClient(cfg.RedisURL)
	if err != nil {
		return nil, err
	}
	if err := redis.Ping(ctx, client); err != nil {
		log.Warn("redis unreachable at start: running degraded until it answers", slog.String("error", err.Error()))
	}
	d.redis = client
	d.broker = redis.NewBroker(client, log)
	if !cfg.RateLimit.Off {
		d.limiter = redis.NewLimiter(client, log)
	}
	d.checks = append(d.checks, redis.HealthChecker(client))
	d.cache = redis.NewCache(client, log)
	return d, nil
}

// Close stops the services, the broker before its Redis client.
func (d *deps) Close() error {
	var errs []error
	if d.broker != nil {
		errs = append(errs, d.broker.Close())
	}
	if d.redis != nil {
		errs = append(errs, d.redis.Close())
	}
	return errors.Join(errs...)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"meetpin.app/app"
	"meetpin.app/seed"
)

func cmdSeed(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "seed", "seed --demo | --rooms N [--seed S]")
	demo := fs.Bool("demo", false, "create the demo accounts and rooms around Seoul")
	rooms := fs.Int("rooms", 0, "generate N rooms spread over Korea, most in the past (for benchmarks)")
	seedN := fs.Uint64("seed", 1, "random seed of the generator, for reproducible data sets")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !*demo && *rooms <= 0 {
		fs.Usage()
		return errUsage
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	if cfg.Production() {
		return errors.New("seeding is refused when MEETPIN_ENV=production")
	}
	store, m, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := m.Up(ctx); err != nil {
		return err
	}
	a := app.New(store, newLogger(e, "warn"), app.Options{})
	if *demo {
		n, err := seed.Demo(ctx, a, rand.New(rand.NewPCG(*seedN, 2)))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created %d demo accounts (password %q) and %d rooms\n", len(seed.DemoAccounts), seed.DemoPassword, n)
	}
	if *rooms > 0 {
		start := time.Now()
		up, err := seed.GenerateRooms(ctx, store, *rooms, seed.GenOptions{Now: time.Now(), Seed: *seedN})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "generated %d rooms (%d upcoming) in %s\n", *rooms, up, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

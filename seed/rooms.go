package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

// RoomWriter is what the generator needs of a store.
type RoomWriter interface {
	CreateUser(ctx context.Context, u *meetpin.User, p *meetpin.Profile) error
	CreateRooms(ctx context.Context, rooms []*meetpin.Room) error
}

// city is a population centre rooms cluster around.
type city struct {
	name     string
	lat, lng float64
	spread   float64 // degrees
	weight   int
}

// Rooms are spread over Korea, weighted roughly by population; a fifth fall
// anywhere in the country's box.
var cities = []city{
	{"서울", 37.5665, 126.9780, 0.12, 45}, {"부산", 35.1796, 129.0756, 0.10, 12}, {"인천", 37.4563, 126.7052, 0.08, 8},
	{"대구", 35.8714, 128.6014, 0.08, 7}, {"대전", 36.3504, 127.3845, 0.07, 5}, {"광주", 35.1595, 126.8526, 0.07, 5},
}

// UpcomingShare is the share of generated rooms that start in the next 7
// days; the rest started in the past two years, as on a service that has
// run for a while.
const UpcomingShare = 0.03

// GenOptions tune the generator.
type GenOptions struct {
	Now   time.Time
	Seed  uint64
	Batch int // rooms per insert batch; 0 means 5000
}

// GenerateRooms creates n rooms (and one host per thousand rooms) and
// returns how many are upcoming. The data set is reproducible for a seed.
func GenerateRooms(ctx context.Context, w RoomWriter, n int, o GenOptions) (upcoming int, err error) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x6d656574))
	if o.Batch <= 0 {
		o.Batch = 5000
	}
	now := o.Now.UTC().Truncate(time.Millisecond)
	nHosts := min(max(1, n/1000), 1000)
	hosts := make([]string, nHosts)
	for i := range hosts {
		id := uuidFrom(rng)
		u := &meetpin.User{ID: id, Email: fmt.Sprintf("gen-%s@seed.meetpin.invalid", id[:13]), PasswordHash: "!", Role: meetpin.RoleUser, CreatedAt: now, UpdatedAt: now}
		if err := w.CreateUser(ctx, u, &meetpin.Profile{Nickname: fmt.Sprintf("host_%s", id[:8]), CreatedAt: now, UpdatedAt: now}); err != nil {
			return 0, fmt.Errorf("generated host: %w", err)
		}
		hosts[i] = id
	}
	totalWeight := 0
	for _, c := range cities {
		totalWeight += c.weight
	}
	batch := make([]*meetpin.Room, 0, o.Batch)
	for i := range n {
		r := genRoom(rng, now, hosts[rng.IntN(len(hosts))], totalWeight)
		if r.StartAt.After(now) {
			upcoming++
		}
		batch = append(batch, r)
		if len(batch) == o.Batch || i == n-1 {
			if err := w.CreateRooms(ctx, batch); err != nil {
				return upcoming, err
			}
			batch = batch[:0]
		}
	}
	return upcoming, nil
}

func genRoom(rng *rand.Rand, now time.Time, host string, totalWeight int) *meetpin.Room {
	lat, lng := 33.2+rng.Float64()*5.3, 126.1+rng.Float64()*3.3 // anywhere in the country's box
	if pick := rng.IntN(totalWeight * 5 / 4); pick < totalWeight {
		for _, c := range cities {
			if pick < c.weight {
				lat, lng = c.lat+rng.NormFloat64()*c.spread/2, c.lng+rng.NormFloat64()*c.spread/2
				break
			}
			pick -= c.weight
		}
	}
	var start time.Time
	if rng.Float64() < UpcomingShare {
		start = now.Add(time.Duration(30+rng.IntN(7*24*60-60)) * time.Minute)
	} else {
		start = now.Add(-time.Duration(1+rng.IntN(2*365*24*60)) * time.Minute)
	}
	created := start.Add(-time.Duration(60+rng.IntN(7*24*60)) * time.Minute)
	if created.After(now) {
		created = now
	}
	r := &meetpin.Room{
		ID: uuidFrom(rng), HostID: host, Title: demoRooms[rng.IntN(len(demoRooms))].title,
		Category: meetpin.Categories[rng.IntN(3)], Lat: clamp(lat, -90, 90), Lng: clamp(lng, -180, 180),
		PlaceText: "생성된 장소", StartAt: start.Truncate(time.Millisecond), MaxPeople: 2 + rng.IntN(19),
		Fee: rng.IntN(5) * 5000, Visibility: meetpin.VisibilityPublic, Status: meetpin.RoomActive,
		CreatedAt: created.Truncate(time.Millisecond), UpdatedAt: created.Truncate(time.Millisecond),
	}
	if rng.IntN(20) == 0 {
		r.Visibility = meetpin.VisibilityPrivate
	}
	if r.StartAt.After(now) && rng.IntN(50) == 0 {
		b := now.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
		r.BoostUntil = &b
	}
	return r
}

func clamp(v, lo, hi float64) float64 { return max(lo, min(hi, v)) }

// uuidFrom draws a version-4 UUID from rng, so data sets are reproducible.
func uuidFrom(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b).String()
}

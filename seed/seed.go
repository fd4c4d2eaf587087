// Package seed fills a database: demo accounts and rooms around Seoul for a
// newcomer's first look (`meetpin serve --demo`, `meetpin seed --demo`), and
// large generated room sets for benchmarks (`meetpin seed --rooms N`).
package seed

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"meetpin.app"
	"meetpin.app/app"
)

// DemoPassword is the password of every demo account. It is printed in the
// log and the README; demo seeding is refused in production.
const DemoPassword = "meetpin-demo"

// DemoAccounts are the demo accounts' emails and nicknames.
var DemoAccounts = []struct{ Email, Nickname, AgeRange string }{
	{"minji@demo.meetpin.kr", "민지", "20s_late"},
	{"jun@demo.meetpin.kr", "준호", "30s_early"},
	{"seoyeon@demo.meetpin.kr", "서연", "20s_early"},
	{"hyun@demo.meetpin.kr", "현우", "30s_late"},
}

type place struct {
	area     string
	lat, lng float64
}

var seoulPlaces = []place{
	{"강남역", 37.4979, 127.0276}, {"홍대입구역", 37.5572, 126.9245}, {"성수동 카페거리", 37.5446, 127.0557},
	{"잠실 석촌호수", 37.5097, 127.1040}, {"여의도 한강공원", 37.5284, 126.9327}, {"이태원", 37.5345, 126.9946},
	{"건대입구", 37.5404, 127.0692}, {"신촌", 37.5551, 126.9368}, {"을지로3가", 37.5663, 126.9910},
	{"망원 한강공원", 37.5550, 126.8950}, {"연남동", 37.5626, 126.9255}, {"서울숲", 37.5444, 127.0374},
}

var demoRooms = []struct{ title, category, desc string }{
	{"퇴근 후 가볍게 맥주 한잔", meetpin.CategoryDrink, "수제 맥주집에서 편하게 이야기 나눠요."},
	{"한강 저녁 러닝 5km", meetpin.CategoryExercise, "초보 환영! 천천히 같이 뛰어요."},
	{"보드게임 같이 하실 분", meetpin.CategoryOther, "보드게임 카페에서 2시간 정도 놀아요."},
	{"와인 바 탐방", meetpin.CategoryDrink, "내추럴 와인 좋아하시는 분 모여요."},
	{"주말 아침 배드민턴", meetpin.CategoryExercise, "라켓 여분 있어요."},
	{"전시회 보고 커피", meetpin.CategoryOther, "요즘 핫한 전시 같이 봐요."},
	{"이자카야에서 하이볼", meetpin.CategoryDrink, "조용한 곳이라 대화하기 좋아요."},
	{"클라이밍 원데이", meetpin.CategoryExercise, "볼더링장에서 같이 도전해요."},
	{"독서 모임 (가벼운 에세이)", meetpin.CategoryOther, "읽고 싶은 책 한 권 들고 오세요."},
}

// DemoIfEmpty creates the demo accounts and rooms, unless the first demo
// account already exists.
func DemoIfEmpty(ctx context.Context, a *app.App, log *slog.Logger) error {
	if _, err := a.Store().UserByEmail(ctx, DemoAccounts[0].Email); err == nil {
		log.Info("demo data already present", slog.String("login", DemoAccounts[0].Email), slog.String("password", DemoPassword))
		return nil
	} else if meetpin.ErrorCode(err) != meetpin.ENOTFOUND {
		return err
	}
	n, err := Demo(ctx, a, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		return err
	}
	log.Info("demo data created", slog.Int("accounts", len(DemoAccounts)), slog.Int("rooms", n),
		slog.String("login", DemoAccounts[0].Email), slog.String("password", DemoPassword))
	return nil
}

// Demo creates the demo accounts and three rooms per Seoul place, starting
// between two hours and six days from now. It returns the number of rooms.
func Demo(ctx context.Context, a *app.App, rng *rand.Rand) (int, error) {
	var hosts []*meetpin.User
	for _, d := range DemoAccounts {
		age := d.AgeRange
		u, err := a.CreateUser(ctx, app.SignupInput{Email: d.Email, Password: DemoPassword, Nickname: d.Nickname, AgeRange: &age}, meetpin.RoleUser)
		if err != nil {
			return 0, fmt.Errorf("demo account %s: %w", d.Email, err)
		}
		hosts = append(hosts, u)
	}
	n := 0
	for i, p := range seoulPlaces {
		for j := range 3 {
			r := demoRooms[(i*3+j)%len(demoRooms)]
			start := a.Now().Add(2*time.Hour + time.Duration(rng.IntN(6*24))*time.Hour).Truncate(30 * time.Minute).Add(30 * time.Minute)
			if latest := a.Now().Add(app.RoomMaxLead - time.Hour); start.After(latest) {
				start = latest
			}
			title, cat, desc := r.title, r.category, r.desc
			placeText := p.area + " 근처"
			lat := p.lat + (rng.Float64()-0.5)*0.01
			lng := p.lng + (rng.Float64()-0.5)*0.01
			startS := start.Format(time.RFC3339)
			maxPeople := 3 + rng.IntN(6)
			fee := []int{0, 0, 5000, 10000, 15000}[rng.IntN(5)]
			if _, err := a.CreateRoom(ctx, hosts[(i+j)%len(hosts)], app.RoomInput{
				Title: &title, Category: &cat, Lat: &lat, Lng: &lng, PlaceText: &placeText, StartAt: &startS,
				MaxPeople: &maxPeople, Fee: &fee, Description: &desc,
			}); err != nil {
				return n, fmt.Errorf("demo room at %s: %w", p.area, err)
			}
			n++
		}
	}
	return n, nil
}

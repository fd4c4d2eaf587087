// Package kakao is a client of the Kakao Local REST API (dapi.kakao.com):
// the address of a point (coord2address) and the keyword search of places.
// It implements meetpin.Places and, for /api/health, meetpin.HealthChecker.
// Every call has a short timeout; the app layer caches results and degrades
// when Kakao fails.
package kakao

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"meetpin.app"
	"meetpin.app/healthcache"
)

// DefaultBaseURL is Kakao's API host.
const DefaultBaseURL = "https://dapi.kakao.com"

// DefaultTimeout bounds one call to Kakao.
const DefaultTimeout = 2 * time.Second

// Config configures a Client.
type Config struct {
	Key     string // the app's REST API key
	BaseURL string // "" means DefaultBaseURL
	Timeout time.Duration
	// HTTPClient makes the calls; nil means a plain client (the timeout is
	// applied per call either way).
	HTTPClient *http.Client
}

// Client calls Kakao Local.
type Client struct {
	key     string
	base    string
	timeout time.Duration
	hc      *http.Client
	health  healthcache.Check
}

var (
	_ meetpin.Places        = (*Client)(nil)
	_ meetpin.HealthChecker = (*Client)(nil)
)

// New returns a Client.
func New(cfg Config) *Client {
	c := &Client{key: cfg.Key, base: strings.TrimRight(cfg.BaseURL, "/"), timeout: cfg.Timeout, hc: cfg.HTTPClient}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.hc == nil {
		c.hc = &http.Client{}
	}
	c.health.Timeout = c.timeout
	c.health.Probe = func(ctx context.Context) error {
		_, err := c.coord2address(ctx, 37.4979, 127.0276) // Gangnam Station
		return err
	}
	return c
}

// Errors of the API, matched with errors.Is.
var (
	ErrBadKey    = errors.New("kakao: the REST API key was refused")
	ErrQuota     = errors.New("kakao: quota exceeded")
	ErrTimeout   = errors.New("kakao: no answer in time")
	ErrMalformed = errors.New("kakao: malformed answer")
)

// Error is an error answer of the API: its HTTP status and its body
// ({"errorType","message"}, or {"code","msg"} on some hosts).
type Error struct {
	Status  int
	Type    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("kakao: HTTP %d %s: %s", e.Status, e.Type, e.Message)
}

// Is matches ErrBadKey for 401 and ErrQuota for 429.
func (e *Error) Is(target error) bool {
	return target == ErrBadKey && e.Status == http.StatusUnauthorized ||
		target == ErrQuota && e.Status == http.StatusTooManyRequests
}

// get calls path with the query and decodes a 200 answer into v.
func (c *Client) get(ctx context.Context, path string, q url.Values, v any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "KakaoAK "+c.key)
	req.Header.Set("Accept", "application/json")
	res, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return fmt.Errorf("%w after %s", ErrTimeout, c.timeout)
		}
		return fmt.Errorf("kakao: %s", transportCause(err))
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w after %s", ErrTimeout, c.timeout)
		}
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if res.StatusCode != http.StatusOK {
		e := &Error{Status: res.StatusCode}
		var b struct {
			ErrorType string `json:"errorType"`
			Message   string `json:"message"`
			Code      int    `json:"code"`
			Msg       string `json:"msg"`
		}
		if json.Unmarshal(body, &b) == nil {
			e.Type, e.Message = b.ErrorType, b.Message
			if e.Type == "" && b.Code != 0 {
				e.Type = strconv.Itoa(b.Code)
			}
			if e.Message == "" {
				e.Message = b.Msg
			}
		}
		return e
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// transportCause is the innermost cause of a transport error, without the
// URL (which holds the query).
func transportCause(err error) string {
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(err) {
		err = u
	}
	return err.Error()
}

// observe records a call's outcome for Health: an answer about the request
// itself (400) proves that Kakao works.
func (c *Client) observe(err error, took time.Duration) {
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusBadRequest {
		err = nil
	}
	c.health.Observe(err, took)
}

type coordAnswer struct {
	Documents []struct {
		RoadAddress *struct {
			AddressName string `json:"address_name"`
		} `json:"road_address"`
		Address *struct {
			AddressName string `json:"address_name"`
		} `json:"address"`
	} `json:"documents"`
}

// Coord2Address implements meetpin.Places with /v2/local/geo/coord2address.
func (c *Client) Coord2Address(ctx context.Context, lat, lng float64) (*meetpin.Address, error) {
	start := time.Now()
	a, err := c.coord2address(ctx, lat, lng)
	c.observe(err, time.Since(start))
	return a, err
}

func (c *Client) coord2address(ctx context.Context, lat, lng float64) (*meetpin.Address, error) {
	q := url.Values{"x": {formatCoord(lng)}, "y": {formatCoord(lat)}, "input_coord": {"WGS84"}}
	var ans coordAnswer
	if err := c.get(ctx, "/v2/local/geo/coord2address.json", q, &ans); err != nil {
		return nil, err
	}
	if ans.Documents == nil {
		return nil, fmt.Errorf("%w: no documents", ErrMalformed)
	}
	for _, d := range ans.Documents {
		var a meetpin.Address
		if d.RoadAddress != nil {
			a.Road = d.RoadAddress.AddressName
		}
		if d.Address != nil {
			a.Lot = d.Address.AddressName
		}
		if a.Road != "" || a.Lot != "" {
			return &a, nil
		}
	}
	return nil, nil
}

type keywordAnswer struct {
	Meta *struct {
		TotalCount int `json:"total_count"`
	} `json:"meta"`
	Documents []struct {
		PlaceName       string `json:"place_name"`
		AddressName     string `json:"address_name"`
		RoadAddressName string `json:"road_address_name"`
		X               string `json:"x"`
		Y               string `json:"y"`
		CategoryName    string `json:"category_name"`
		Phone           string `json:"phone"`
		PlaceURL        string `json:"place_url"`
		Distance        string `json:"distance"`
	} `json:"documents"`
}

// SearchPlaces implements meetpin.Places with /v2/local/search/keyword.
func (c *Client) SearchPlaces(ctx context.Context, pq meetpin.PlaceQuery) (*meetpin.PlaceList, error) {
	start := time.Now()
	list, err := c.searchPlaces(ctx, pq)
	c.observe(err, time.Since(start))
	return list, err
}

func (c *Client) searchPlaces(ctx context.Context, pq meetpin.PlaceQuery) (*meetpin.PlaceList, error) {
	q := url.Values{"query": {pq.Query}}
	if pq.HasPoint {
		q.Set("x", formatCoord(pq.Lng))
		q.Set("y", formatCoord(pq.Lat))
		if pq.Radius > 0 {
			q.Set("radius", strconv.Itoa(pq.Radius))
		}
	}
	var ans keywordAnswer
	if err := c.get(ctx, "/v2/local/search/keyword.json", q, &ans); err != nil {
		return nil, err
	}
	if ans.Meta == nil || ans.Documents == nil {
		return nil, fmt.Errorf("%w: no meta or documents", ErrMalformed)
	}
	out := &meetpin.PlaceList{Places: make([]meetpin.Place, 0, len(ans.Documents)), Total: ans.Meta.TotalCount}
	for _, d := range ans.Documents {
		lng, errX := strconv.ParseFloat(d.X, 64)
		lat, errY := strconv.ParseFloat(d.Y, 64)
		if errX != nil || errY != nil {
			return nil, fmt.Errorf("%w: coordinates %q, %q", ErrMalformed, d.X, d.Y)
		}
		dist, _ := strconv.Atoi(d.Distance) // "" without a point
		out.Places = append(out.Places, meetpin.Place{
			Name: d.PlaceName, Address: d.AddressName, RoadAddress: d.RoadAddressName, Lat: lat, Lng: lng,
			Category: d.CategoryName, Phone: d.Phone, URL: d.PlaceURL, Distance: dist,
		})
	}
	return out, nil
}

func formatCoord(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }

// Name implements meetpin.HealthChecker.
func (c *Client) Name() string { return "kakaoMaps" }

// Health implements meetpin.HealthChecker from the last call or probe (at
// most one probe a minute).
func (c *Client) Health(ctx context.Context) meetpin.ServiceHealth { return c.health.Get(ctx) }

// NotConfigured is the health of places without KAKAO_REST_API_KEY.
func NotConfigured() meetpin.HealthChecker { return notConfigured{} }

type notConfigured struct{}

func (notConfigured) Name() string { return "kakaoMaps" }

func (notConfigured) Health(context.Context) meetpin.ServiceHealth {
	return meetpin.ServiceHealth{Status: meetpin.StatusNotConfigured}
}

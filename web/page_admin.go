package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"meetpin.app/app"
	"meetpin.app/locale"
)

type adminPage struct {
	Overview *app.AdminOverview
	Charts   []chart
}

// chart is one small inline-SVG line chart of the admin page.
type chart struct {
	TitleKey string
	Current  string // the latest minute's value, formatted
	SVG      template.HTML
}

// handleAdminPage: GET /admin — admins only: everyone else gets the 403
// page (anonymous visitors are sent to log in first).
func (s *Server) handleAdminPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	ov, err := s.app.AdminOverview(r.Context(), u)
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	d := s.page(w, r, "admin.title")
	d.Page = adminPage{Overview: ov, Charts: s.adminCharts(d.Lang)}
	s.render(w, r, "admin", http.StatusOK, d)
}

// adminCharts draws the last hour of this process's requests: the series
// that /api/monitoring reports (p95 latency, 5xx rate, requests per minute).
func (s *Server) adminCharts(lang string) []chart {
	pts := s.metrics.Window().Series()
	lat, errs, reqs := make([]float64, len(pts)), make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		if p.P95Ms != nil {
			lat[i] = *p.P95Ms
		}
		if p.Requests > 0 {
			errs[i] = float64(p.Errors) * 100 / float64(p.Requests)
		}
		reqs[i] = float64(p.Requests)
	}
	last := len(pts) - 1
	return []chart{
		{"admin.chart.latency", fmt.Sprintf("%.1f ms", lat[last]), lineChart(lat, locale.T(lang, "admin.chart.latency"), "#0f766e")},
		{"admin.chart.errors", fmt.Sprintf("%.1f%%", errs[last]), lineChart(errs, locale.T(lang, "admin.chart.errors"), "#b91c1c")},
		{"admin.chart.requests", fmt.Sprintf("%.0f", reqs[last]), lineChart(reqs, locale.T(lang, "admin.chart.requests"), "#1d4ed8")},
	}
}

// lineChart draws values (oldest first) as a 300×80 SVG line over a light
// area, scaled to the largest value, with the maximum as a label. It holds
// no script and no style attribute, so it passes a strict CSP.
func lineChart(values []float64, label, color string) template.HTML {
	const w, h, pad = 300.0, 80.0, 4.0
	max := 0.0
	for _, v := range values {
		if v > max {
			max = v
		}
	}
	scale := 1.0
	if max > 0 {
		scale = (h - 2*pad) / max
	}
	step := w / float64(max1(len(values)-1))
	var line strings.Builder
	for i, v := range values {
		fmt.Fprintf(&line, "%.1f,%.1f ", float64(i)*step, h-pad-v*scale)
	}
	pts := strings.TrimSpace(line.String())
	area := fmt.Sprintf("0,%.0f %s %.0f,%.0f", h, pts, w, h)
	return template.HTML(fmt.Sprintf(`<svg class="sparkline" viewBox="0 0 %.0f %.0f" width="100%%" height="80" role="img" aria-label="%s">`+
		`<title>%s</title><polygon points="%s" fill="%s" fill-opacity="0.12"/>`+
		`<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"/>`+
		`<text x="%.0f" y="12" text-anchor="end" font-size="11" fill="#374151">max %.1f</text></svg>`,
		w, h, template.HTMLEscapeString(label), template.HTMLEscapeString(label), area, color, pts, color, w-2, max))
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

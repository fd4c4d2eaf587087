package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Seoul on machines without a zoneinfo database

	"meetpin.app"
	"meetpin.app/locale"
)

// templateFS holds the page templates: layout.html, partials/ and pages/.
// Every page is parsed once, at start, together with the layout and the
// partials; a template error stops the server from starting.
//
//go:embed templates
var templateFS embed.FS

// seoul is the time zone pages show times in.
var seoul = mustLoadLocation("Asia/Seoul")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// langCookie remembers an explicit ?lang= choice.
const langCookie = "meetpin_lang"

// pageData is what every page template receives. Page holds the data of
// the page itself.
type pageData struct {
	Lang    string
	Nonce   string // the CSP nonce of this response: every <script> carries it
	Title   string
	Path    string // the request path, for the language links and next=
	User    *meetpin.User
	Me      *meetpin.Profile // the signed-in user's profile, or nil
	Unread  int              // unread notifications, for the bell
	Scripts []string         // page scripts (static names) after app.js
	Styles  []string         // page stylesheets after app.css
	Map     mapSettings      // tiles and bundle, for pages with a map
	Page    any
}

// T translates a message key into the page's language.
func (d *pageData) T(key string, args ...any) string { return locale.T(d.Lang, key, args...) }

// IsAdmin reports whether the signed-in user is an admin.
func (d *pageData) IsAdmin() bool { return d.User != nil && d.User.Role == meetpin.RoleAdmin }

// LangURL is the current path with ?lang=lang, for the language switch.
func (d *pageData) LangURL(lang string) string {
	return d.Path + "?lang=" + url.QueryEscape(lang)
}

// JSMessages are the messages the scripts need (keys starting "js."),
// embedded as JSON in every page.
func (d *pageData) JSMessages() map[string]string {
	m := map[string]string{}
	for _, k := range locale.Keys(d.Lang) {
		if strings.HasPrefix(k, "js.") {
			m[strings.TrimPrefix(k, "js.")] = locale.T(d.Lang, k)
		}
	}
	return m
}

// parseTemplates parses every page with the layout and the partials.
func (s *Server) parseTemplates() map[string]*template.Template {
	funcs := template.FuncMap{
		"static":     s.assets.url,
		"when":       formatTime,
		"whenInput":  func(t time.Time) string { return t.In(seoul).Format("2006-01-02T15:04") },
		"catIcon":    categoryIcon,
		"won":        formatWon,
		"add":        func(a, b int) int { return a + b },
		"initial":    initial,
		"pathEscape": url.PathEscape,
		"actionURL":  actionURL,
		"deref":      func(p *string) string { return *p },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		},
	}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html"))
	names, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil || len(names) == 0 {
		panic("web: no page templates")
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
		out[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return out
}

// page starts the data of a page for r: language, nonce, user, bell.
func (s *Server) page(w http.ResponseWriter, r *http.Request, titleKey string) *pageData {
	lang := s.lang(w, r)
	d := &pageData{Lang: lang, Nonce: nonceOf(r), Path: r.URL.Path, User: userOf(r), Map: s.mapSettings()}
	d.Title = locale.T(lang, titleKey)
	if d.User != nil {
		if p, err := s.app.Me(r.Context(), d.User); err == nil {
			d.Me = p
		}
		if n, err := s.app.Notifications(r.Context(), d.User, "true", "1", "1"); err == nil {
			d.Unread = n.UnreadCount
		}
	}
	return d
}

// lang negotiates the language and remembers an explicit choice.
func (s *Server) lang(w http.ResponseWriter, r *http.Request) string {
	q := r.URL.Query().Get("lang")
	cookie := ""
	if c, err := r.Cookie(langCookie); err == nil {
		cookie = c.Value
	}
	lang := locale.Negotiate(q, cookie, r.Header.Get("Accept-Language"))
	if locale.Valid(q) && q != cookie {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			SameSite: http.SameSiteLaxMode, Secure: s.cfg.Production()})
	}
	return lang
}

// nonceOf returns the CSP nonce of a page response: the one the
// Content-Security-Policy header of securityHeaders names.
func nonceOf(r *http.Request) string { return CSPNonce(r) }

// render executes a page into a buffer, so that a template failure becomes
// a clean 500 page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, status int, d *pageData) {
	t, ok := s.templates[name]
	if !ok {
		panic("web: no page template " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", d); err != nil {
		s.log.ErrorContext(r.Context(), "page failed", slog.String("request_id", requestIDOf(r)), slog.String("page", name), slog.Any("error", err))
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", d.Lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// signedIn returns the user of a page that needs one; otherwise it sends
// the browser to the login page, which comes back here afterwards.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (*meetpin.User, bool) {
	if u := userOf(r); u != nil {
		return u, true
	}
	http.Redirect(w, r, "/auth/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	return nil, false
}

// renderNotFound answers 404 with the friendly page (JSON under /api/).
func (s *Server) renderNotFound(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeError(w, r, meetpin.Errorf(meetpin.ENOTFOUND, "no such API route: %s %s", r.Method, r.URL.Path))
		return
	}
	d := s.page(w, r, "notfound.title")
	s.render(w, r, "notfound", http.StatusNotFound, d)
}

// renderPageError shows the page of a domain error: 404 and 403 have
// their own pages; anything else is logged and shown as a generic error.
func (s *Server) renderPageError(w http.ResponseWriter, r *http.Request, err error) {
	switch meetpin.ErrorCode(err) {
	case meetpin.ENOTFOUND:
		s.renderNotFound(w, r)
	case meetpin.EFORBIDDEN:
		d := s.page(w, r, "forbidden.title")
		s.render(w, r, "forbidden", http.StatusForbidden, d)
	default:
		s.log.ErrorContext(r.Context(), "page failed", slog.String("request_id", requestIDOf(r)), slog.Any("error", err))
		d := s.page(w, r, "error.title")
		d.Page = requestIDOf(r)
		s.render(w, r, "error", http.StatusInternalServerError, d)
	}
}

// formatTime shows a time in Seoul, in the page's language.
func formatTime(lang string, t time.Time) string {
	t = t.In(seoul)
	if lang == locale.English {
		return t.Format("Mon, Jan 2, 3:04 PM")
	}
	wd := []string{"일", "월", "화", "수", "목", "금", "토"}[t.Weekday()]
	ampm := "오전"
	if t.Hour() >= 12 {
		ampm = "오후"
	}
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return t.Format("1월 2일") + " (" + wd + ") " + ampm + " " + strconv.Itoa(h) + t.Format(":04")
}

// formatWon writes an amount in won with thousands separators.
func formatWon(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// categoryIcon is the emoji of a room category.
func categoryIcon(c string) string {
	switch c {
	case meetpin.CategoryDrink:
		return "🍻"
	case meetpin.CategoryExercise:
		return "🏃"
	}
	return "✨"
}

// initial is the first letter of a nickname, for avatar placeholders.
func initial(s string) string {
	for _, c := range s {
		return strings.ToUpper(string(c))
	}
	return "?"
}

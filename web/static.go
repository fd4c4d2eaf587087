package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// staticFS holds static/: our CSS and JavaScript, and static/dist/, the
// third-party bundle that `make assets` builds (git-ignored). Without the
// bundle the binary still builds and serves; the map page then says that
// the bundle is missing (see hasMapBundle).
//
//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under /static/ with a content
// hash in the query (?v=…), so that browsers may cache them forever.
type assets struct {
	fs     fs.FS
	hashes map[string]string // path under static/ → short content hash
	gz     map[string][]byte // gzip of the text files, compressed once
}

func newAssets() *assets {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	a := &assets{fs: sub, hashes: map[string]string{}, gz: map[string][]byte{}}
	fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashes[p] = hex.EncodeToString(sum[:6])
		if ext := path.Ext(p); ext == ".js" || ext == ".css" || ext == ".svg" || ext == ".json" {
			a.gz[p] = gzipBytes(b)
		}
		return nil
	})
	return a
}

// url returns the cache-busting URL of a static file ("css/app.css"). An
// unknown file is a template mistake: it gets no version, so the 404 is
// visible in the browser.
func (a *assets) url(name string) string {
	if h, ok := a.hashes[name]; ok {
		return "/static/" + name + "?v=" + h
	}
	return "/static/" + name
}

// has reports whether a static file is embedded.
func (a *assets) has(name string) bool {
	_, ok := a.hashes[name]
	return ok
}

// hasMapBundle reports whether the npm-built map bundle is embedded.
func (a *assets) hasMapBundle() bool { return a.has("dist/map.js") && a.has("dist/map.css") }

// handleStatic: GET /static/{path...}. A request with the current hash is
// cacheable for a year; any other for a minute.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := path.Clean(r.PathValue("path"))
	h, ok := s.assets.hashes[name]
	if !ok || strings.HasPrefix(name, ".") {
		s.renderNotFound(w, r)
		return
	}
	if r.URL.Query().Get("v") == h {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
	w.Header().Set("ETag", `"`+h+`"`)
	w.Header().Add("Vary", "Accept-Encoding")
	if gz, ok := s.assets.gz[name]; ok && acceptsGzip(r) {
		if r.Header.Get("If-None-Match") == `"`+h+`"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(gz)))
		w.Write(gz)
		return
	}
	http.ServeFileFS(w, r, s.assets.fs, name)
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/noctop/noctop/model/modeltest"
	"github.com/noctop/noctop/providers"
	"github.com/noctop/noctop/providers/config"
)

// poisoningProxy serves base's API with terminal escapes appended to every
// JSON string (ids, names, states ...), leaving what the clients need to
// log in, page and parse (tokens, links, numbers, prefixes) alone.
func poisoningProxy(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	keep := func(key, v string) bool {
		switch strings.ToLower(key) {
		case "access_token", "refresh_token", "token_type", "href", "next", "previous", "self":
			return true
		}
		_, nerr := strconv.ParseFloat(v, 64)
		_, perr := netip.ParsePrefix(v)
		_, aerr := netip.ParseAddr(v)
		return nerr == nil || perr == nil || aerr == nil || v == ""
	}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	rp.ModifyResponse = func(r *http.Response) error {
		if p := r.Request.URL.Path; strings.Contains(p, "token") || strings.Contains(p, "/auth/") {
			return nil
		}
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return err
		}
		if out, err := modeltest.InjectJSON(body, keep); err == nil {
			body = out
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL + u.Path
}

// TestGetHostileProviders runs `noctop get` against the simulators behind a
// proxy that puts OSC 52, OSC 0, CSI 2J, C1, bidi, DEL and invalid UTF-8 in
// every string: no output format writes a control to the terminal, and no
// CSV cell can be a formula.
func TestGetHostileProviders(t *testing.T) {
	dir := isolate(t)
	d, err := providers.StartDemo(providers.DemoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	var cfg strings.Builder
	ps := slices.Clone(d.Providers)
	for i := range ps {
		ps[i].BaseURL = poisoningProxy(t, ps[i].BaseURL)
	}
	vars, err := config.Snippet(&cfg, ps, config.EnvName)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vars {
		t.Setenv(v.Name, v.Value)
	}
	path := filepath.Join(dir, "hostile.toml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ what, format string }{
		{"connections", "table"}, {"connections", "csv"}, {"connections", "json"},
		{"blocks", "table"}, {"blocks", "csv"}, {"blocks", "json"},
		{"utilization", "table"}, {"utilization", "json"},
	} {
		t.Run(tc.what+" "+tc.format, func(t *testing.T) {
			code, out, stderr := runCLI(t, "--config", path, "get", tc.what, "-o", tc.format)
			if code != exitOK {
				t.Logf("exit %d: %s", code, stderr)
			}
			if len(out) < 100 {
				t.Fatalf("exit %d, %d bytes out: the test proves nothing\n%s", code, len(out), stderr)
			}
			for name, s := range map[string]string{"stdout": out, "stderr": stderr} {
				if i := modeltest.FirstControl(s, true); i >= 0 || strings.ContainsAny(s, "\x1b\x07\r\t") {
					t.Errorf("%s carries a control at %d: …%q…", name, i, s[max(i-40, 0):min(max(i, 0)+20, len(s))])
				}
			}
			if tc.what != "utilization" && !strings.Contains(out, "␛]52;c;") && !strings.Contains(out, `\u001b]52`) {
				t.Errorf("the injected escapes are not in the output (as pictures or JSON escapes)")
			}
			if tc.format == "csv" {
				for _, line := range strings.Split(out, "\n") {
					for _, cell := range strings.Split(line, ",") {
						if c := strings.TrimLeft(strings.TrimPrefix(cell, `"`), " "); c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
							t.Errorf("CSV cell %q could be evaluated", cell)
						}
					}
				}
			}
		})
	}
}

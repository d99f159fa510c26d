package httpx

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func TestNewBaseURL(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  string
	}{
		{in: "http://127.0.0.1:9/api/v2", want: "http://127.0.0.1:9/api/v2"},
		{in: "https://api.example.com/", want: "https://api.example.com"},
		{in: "https://api.example.com/v1//", want: "https://api.example.com/v1"},
		{in: "ftp://x/y", wantErr: "scheme"},
		{in: "/just/a/path", wantErr: "scheme"},
		{in: "http:///nohost", wantErr: "missing host"},
		{in: "https://user:hunter2pass@api.example.com/", wantErr: "credentials"},
		{in: "https://api.example.com/?apiKey=k3y123456", wantErr: "query"},
		{in: "http://[::1:bad/%zz", wantErr: "invalid base URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := New(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
				}
				for _, secret := range []string{"hunter2pass", "k3y123456"} {
					if strings.Contains(err.Error(), secret) {
						t.Fatalf("error leaks %q: %v", secret, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != tt.want {
				t.Fatalf("BaseURL() = %q, want %q", c.BaseURL(), tt.want)
			}
		})
	}
}

func TestRequestURL(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		query     map[string][]string
		wantPath  string // as the server sees it, escaped, below /api/v2
		wantQuery string
	}{
		{name: "plain", path: "/fabric/v4/connections", wantPath: "/fabric/v4/connections"},
		{name: "no leading slash", path: "ports", wantPath: "/ports"},
		{name: "query in path", path: "/x?limit=10&offset=0", wantPath: "/x", wantQuery: "limit=10&offset=0"},
		{name: "query merged", path: "/x?a=1", query: map[string][]string{"b": {"2", "3"}}, wantPath: "/x", wantQuery: "a=1&b=2&b=3"},
		{name: "escaped id kept", path: "/conn/a%2Fb%20c", wantPath: "/conn/a%2Fb%20c"},
		{name: "root", path: "", wantPath: "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotPath, gotQuery string
			c, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotPath, gotQuery = r.URL.EscapedPath(), r.URL.RawQuery
			}))
			if _, err := c.Do(context.Background(), Request{Method: "GET", Path: tt.path, Query: tt.query}, nil); err != nil {
				t.Fatal(err)
			}
			if gotPath != tt.wantPath || gotQuery != tt.wantQuery {
				t.Fatalf("server saw %q ? %q, want %q ? %q", gotPath, gotQuery, tt.wantPath, tt.wantQuery)
			}
		})
	}
}

func TestAbsolutePathOnlySameOrigin(t *testing.T) {
	var calls atomic.Int32
	c, srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	if _, err := c.Do(context.Background(), Request{Path: srv.URL + "/api/v2/next?page=2"}, nil); err != nil {
		t.Fatalf("same-origin next link: %v", err)
	}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("request sent to another origin")
	}))
	defer other.Close()
	_, err := c.Do(context.Background(), Request{Path: other.URL + "/steal"}, nil)
	if err == nil || !strings.Contains(err.Error(), "another origin") {
		t.Fatalf("err = %v, want refusal", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("calls = %d", calls.Load())
	}
}

func TestRequestBodyAndHeaders(t *testing.T) {
	type payload struct {
		Name string `json:"name"`
	}
	tests := []struct {
		name     string
		body     any
		header   map[string][]string
		wantBody string
		wantCT   string
		wantUA   string
		wantAcc  string
	}{
		{name: "no body", body: nil, wantBody: "", wantCT: "", wantUA: "noctop/test", wantAcc: "application/json, application/problem+json"},
		{name: "bytes verbatim", body: []byte(`{"raw": 1}`), wantBody: `{"raw": 1}`, wantCT: "application/json", wantUA: "noctop/test", wantAcc: "application/json, application/problem+json"},
		{name: "raw message verbatim", body: json.RawMessage(`[1, 2]`), wantBody: `[1, 2]`, wantCT: "application/json", wantUA: "noctop/test", wantAcc: "application/json, application/problem+json"},
		{name: "struct encoded", body: payload{Name: "a"}, wantBody: `{"name":"a"}`, wantCT: "application/json", wantUA: "noctop/test", wantAcc: "application/json, application/problem+json"},
		{name: "request header wins", body: payload{}, header: map[string][]string{"user-agent": {"other"}, "Accept": {"text/csv"}, "Content-Type": {"application/merge-patch+json"}},
			wantBody: `{"name":""}`, wantCT: "application/merge-patch+json", wantUA: "other", wantAcc: "text/csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotBody, gotCT, gotUA, gotAcc string
			c, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				gotBody, gotCT, gotUA, gotAcc = string(b), r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), r.Header.Get("Accept")
			}), WithHeader("User-Agent", "noctop/test"))
			if _, err := c.Do(context.Background(), Request{Method: "POST", Path: "/x", Body: tt.body, Header: tt.header}, nil); err != nil {
				t.Fatal(err)
			}
			if gotBody != tt.wantBody || gotCT != tt.wantCT || gotUA != tt.wantUA || gotAcc != tt.wantAcc {
				t.Fatalf("got body %q ct %q ua %q accept %q", gotBody, gotCT, gotUA, gotAcc)
			}
		})
	}
}

func TestUnencodableBody(t *testing.T) {
	c, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("sent") }))
	_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/x", Body: make(chan int)}, nil)
	if err == nil || !strings.Contains(err.Error(), "encoding request body") {
		t.Fatalf("err = %v", err)
	}
}

func TestRetryByStatusAndMethod(t *testing.T) {
	s500, s502, s503, s504 := status(500), status(502), status(503), status(504)
	tests := []struct {
		name      string
		method    string
		mode      RetryMode
		steps     []func(http.ResponseWriter, *http.Request)
		wantCalls int32
		wantErr   string // "" ok, "api NNN", "ratelimited"
	}{
		{"GET 500 then ok", "GET", RetryByMethod, steps(s500, okJSON), 2, ""},
		{"GET 500 exhausted", "GET", RetryByMethod, steps(s500), 3, "api 500"},
		{"GET 502 503 504 then ok", "GET", RetryByMethod, steps(s502, s503, s504, okJSON), 3, "api 504"},
		{"HEAD 500 then ok", "HEAD", RetryByMethod, steps(s500, status(200)), 2, ""},
		{"PUT 503 then ok", "PUT", RetryByMethod, steps(s503, okJSON), 2, ""},
		{"DELETE 500 then ok", "DELETE", RetryByMethod, steps(s500, status(204)), 2, ""},
		{"POST 500 not retried", "POST", RetryByMethod, steps(s500, okJSON), 1, "api 500"},
		{"PATCH 502 not retried", "PATCH", RetryByMethod, steps(s502, okJSON), 1, "api 502"},
		{"POST RetryAlways retried", "POST", RetryAlways, steps(s500, okJSON), 2, ""},
		{"GET RetryNever not retried", "GET", RetryNever, steps(s500, okJSON), 1, "api 500"},
		{"GET 404 not retried", "GET", RetryByMethod, steps(status(404), okJSON), 1, "api 404"},
		{"GET 400 not retried", "GET", RetryByMethod, steps(status(400), okJSON), 1, "api 400"},
		{"GET 501 not retried", "GET", RetryByMethod, steps(status(501), okJSON), 1, "api 501"},
		{"GET 429 exhausted", "GET", RetryByMethod, steps(status(429)), 3, "ratelimited"},
		{"GET 429 then ok", "GET", RetryByMethod, steps(status(429), okJSON), 2, ""},
		{"POST 429 not retried", "POST", RetryByMethod, steps(status(429), okJSON), 1, "ratelimited"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &scripted{steps: tt.steps}
			fs := &fakeSleep{}
			c, _ := newServer(t, h, WithProvider("p"), WithRetry(RetryPolicy{Sleep: fs.Sleep, BaseDelay: 100 * time.Millisecond, MaxDelay: 150 * time.Millisecond}))
			_, err := c.Do(context.Background(), Request{Method: tt.method, Path: "/x", Retry: tt.mode}, nil)
			if got := h.calls.Load(); got != tt.wantCalls {
				t.Errorf("server saw %d calls, want %d", got, tt.wantCalls)
			}
			checkErrClass(t, err, tt.wantErr)
			if len(fs.got()) != int(h.calls.Load())-1 {
				t.Errorf("slept %d times for %d calls", len(fs.got()), h.calls.Load())
			}
			for i, d := range fs.got() {
				ceiling := min(150*time.Millisecond, 100*time.Millisecond<<i)
				if d < 0 || d > ceiling {
					t.Errorf("delay %d = %v, want within [0, %v]", i, d, ceiling)
				}
			}
		})
	}
}

func steps(s ...func(http.ResponseWriter, *http.Request)) []func(http.ResponseWriter, *http.Request) {
	return s
}

func checkErrClass(t *testing.T, err error, want string) {
	t.Helper()
	var ae *model.APIError
	var rl *model.RateLimited
	switch {
	case want == "":
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
	case want == "ratelimited":
		if !errors.As(err, &rl) {
			t.Fatalf("err = %v (%T), want *model.RateLimited", err, err)
		}
	case strings.HasPrefix(want, "api "):
		if !errors.As(err, &ae) || fmt.Sprint(ae.Status) != want[4:] {
			t.Fatalf("err = %v (%T), want APIError %s", err, err, want[4:])
		}
	default:
		t.Fatalf("bad want %q", want)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		method     string
		wantSleep  time.Duration // -1: backoff (any value within the cap)
		wantCalls  int32
		wantErr    string
		wantRL     time.Duration
		wantCapped bool
	}{
		{name: "429 seconds", status: 429, retryAfter: "3", wantSleep: 3 * time.Second, wantCalls: 2},
		{name: "503 seconds", status: 503, retryAfter: "2", wantSleep: 2 * time.Second, wantCalls: 2},
		{name: "429 http date", status: 429, retryAfter: now.Add(7 * time.Second).Format(http.TimeFormat), wantSleep: 7 * time.Second, wantCalls: 2},
		{name: "429 date in the past", status: 429, retryAfter: now.Add(-time.Hour).Format(http.TimeFormat), wantSleep: 0, wantCalls: 2},
		{name: "429 zero", status: 429, retryAfter: "0", wantSleep: 0, wantCalls: 2},
		{name: "429 garbage uses backoff", status: 429, retryAfter: "soon", wantSleep: -1, wantCalls: 2},
		{name: "429 negative uses backoff", status: 429, retryAfter: "-5", wantSleep: -1, wantCalls: 2},
		{name: "429 too long", status: 429, retryAfter: "30", wantCalls: 1, wantErr: "ratelimited", wantRL: 30 * time.Second},
		{name: "429 too long date", status: 429, retryAfter: now.Add(time.Hour).Format(http.TimeFormat), wantCalls: 1, wantErr: "ratelimited", wantRL: time.Hour},
		{name: "503 too long", status: 503, retryAfter: "120", wantCalls: 1, wantErr: "ratelimited", wantRL: 2 * time.Minute},
		{name: "429 absurd", status: 429, retryAfter: "99999999999999999999999", wantCalls: 1, wantErr: "ratelimited", wantRL: RetryAfterCap, wantCapped: true},
		{name: "429 exactly a day", status: 429, retryAfter: "86400", wantCalls: 1, wantErr: "ratelimited", wantRL: 24 * time.Hour},
		{name: "429 a day and a second", status: 429, retryAfter: "86401", wantCalls: 1, wantErr: "ratelimited", wantRL: RetryAfterCap, wantCapped: true},
		{name: "429 a week", status: 429, retryAfter: "604800", wantCalls: 1, wantErr: "ratelimited", wantRL: RetryAfterCap, wantCapped: true},
		{name: "429 date next year", status: 429, retryAfter: now.AddDate(1, 0, 0).Format(http.TimeFormat), wantCalls: 1, wantErr: "ratelimited", wantRL: RetryAfterCap, wantCapped: true},
		{name: "429 date far future", status: 429, retryAfter: "Fri, 31 Dec 9999 23:59:59 GMT", wantCalls: 1, wantErr: "ratelimited", wantRL: RetryAfterCap, wantCapped: true},
		{name: "POST 429 too long", status: 429, retryAfter: "60", method: "POST", wantCalls: 1, wantErr: "ratelimited", wantRL: time.Minute},
		{name: "POST 503 short not retried", status: 503, retryAfter: "1", method: "POST", wantCalls: 1, wantErr: "api 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &scripted{steps: steps(status(tt.status, "Retry-After", tt.retryAfter), okJSON)}
			fs := &fakeSleep{}
			c, _ := newServer(t, h, WithProvider("p"), WithRetry(RetryPolicy{Sleep: fs.Sleep}))
			c.now = func() time.Time { return now }
			method := tt.method
			if method == "" {
				method = "GET"
			}
			_, err := c.Do(context.Background(), Request{Method: method, Path: "/x"}, nil)
			checkErrClass(t, err, tt.wantErr)
			if h.calls.Load() != tt.wantCalls {
				t.Fatalf("calls = %d, want %d", h.calls.Load(), tt.wantCalls)
			}
			if tt.wantErr == "ratelimited" {
				var rl *model.RateLimited
				errors.As(err, &rl)
				if rl.RetryAfter != tt.wantRL || rl.Provider != "p" || rl.Capped != tt.wantCapped {
					t.Fatalf("RateLimited = %+v, want RetryAfter %v capped %v", rl, tt.wantRL, tt.wantCapped)
				}
				if want := now.Add(tt.wantRL); !rl.RetryAt.Equal(want) {
					t.Fatalf("RetryAt = %v, want %v (answer time + wait)", rl.RetryAt, want)
				}
				return
			}
			if tt.wantErr != "" {
				return
			}
			got := fs.got()
			if len(got) != 1 {
				t.Fatalf("slept %v, want once", got)
			}
			if tt.wantSleep >= 0 && got[0] != tt.wantSleep {
				t.Fatalf("slept %v, want %v", got[0], tt.wantSleep)
			}
			if tt.wantSleep < 0 && got[0] > 250*time.Millisecond {
				t.Fatalf("backoff slept %v, want <= base delay", got[0])
			}
		})
	}
}

func TestRateLimitedExhaustedKeepsRetryAfter(t *testing.T) {
	h := &scripted{steps: steps(status(429, "Retry-After", "4"))}
	fs := &fakeSleep{}
	c, _ := newServer(t, h, WithRetry(RetryPolicy{Sleep: fs.Sleep, MaxAttempts: 2}))
	_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
	var rl *model.RateLimited
	if !errors.As(err, &rl) || rl.RetryAfter != 4*time.Second {
		t.Fatalf("err = %#v", err)
	}
	if h.calls.Load() != 2 || len(fs.got()) != 1 || fs.got()[0] != 4*time.Second {
		t.Fatalf("calls %d sleeps %v", h.calls.Load(), fs.got())
	}
}

func TestBackoffFullJitter(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	for n, ceiling := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 40: time.Second, 1000: time.Second} {
		var maxSeen time.Duration
		distinct := map[time.Duration]bool{}
		for range 500 {
			d := p.backoff(n)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, outside [0, %v]", n, d, ceiling)
			}
			maxSeen = max(maxSeen, d)
			distinct[d] = true
		}
		// Full jitter spreads over the whole range, not a fixed delay.
		if maxSeen < ceiling/2 || len(distinct) < 100 {
			t.Fatalf("backoff(%d): max %v, %d distinct values: not jittered over [0, %v]", n, maxSeen, len(distinct), ceiling)
		}
	}
}

func TestDecodeOutcomes(t *testing.T) {
	type thing struct {
		ID    string `json:"id"`
		Count int    `json:"count"`
	}
	tests := []struct {
		name    string
		handler func(http.ResponseWriter, *http.Request)
		wantErr string // substring; "" = ok
		isBad   bool
	}{
		{name: "ok", handler: body(200, "application/json", `{"id":"a","count":2}`)},
		{name: "malformed", handler: body(200, "application/json", `{"id":"a",,}`), wantErr: "invalid JSON at offset 11", isBad: true},
		{name: "cut short", handler: body(200, "application/json", `{"id":"a"`), wantErr: "invalid JSON at offset", isBad: true},
		{name: "wrong type", handler: body(200, "application/json", `{"id":"a","count":"two"}`), wantErr: "field count: got string, want int", isBad: true},
		{name: "trailing garbage", handler: body(200, "application/json", `{"id":"a"} x`), wantErr: "invalid JSON", isBad: true},
		{name: "html instead of json", handler: body(200, "text/html", `<html>login</html>`), wantErr: "invalid JSON at offset 1", isBad: true},
		{name: "empty 200", handler: body(200, "application/json", ``), wantErr: "empty body", isBad: true},
		{name: "204 no content", handler: status(204)},
		{name: "202 empty", handler: status(202)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &scripted{steps: steps(tt.handler)}
			c, _ := newServer(t, h, WithProvider("fabric-prod"))
			var out thing
			_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/things/1?secretish=1"}, &out)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if errors.Is(err, model.ErrBadResponse) != tt.isBad {
				t.Fatalf("errors.Is(ErrBadResponse) = %v", !tt.isBad)
			}
			if !strings.HasPrefix(err.Error(), "fabric-prod: GET /things/1: ") || strings.Contains(err.Error(), "secretish") {
				t.Fatalf("error should name provider, method and path without query: %v", err)
			}
			// A GET is safe to repeat: one more try, never a loop.
			if h.calls.Load() != 2 {
				t.Fatalf("a bad 2xx body to a GET: %d calls, want 2", h.calls.Load())
			}
		})
	}
}

func TestBadBodyResentOnceOnlyWhenSafe(t *testing.T) {
	garbage := body(200, "application/json", `{"id":`)
	good := body(200, "application/json", `{"id":"a"}`)
	cases := []struct {
		name      string
		method    string
		retry     RetryMode
		steps     []func(http.ResponseWriter, *http.Request)
		wantCalls int32
		wantErr   bool
	}{
		{"GET recovers", "GET", RetryByMethod, []func(http.ResponseWriter, *http.Request){garbage, good}, 2, false},
		{"POST never resent", "POST", RetryByMethod, []func(http.ResponseWriter, *http.Request){garbage, good}, 1, true},
		{"RetryNever never resent", "GET", RetryNever, []func(http.ResponseWriter, *http.Request){garbage, good}, 1, true},
		{"RetryAlways POST recovers", "POST", RetryAlways, []func(http.ResponseWriter, *http.Request){garbage, good}, 2, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := &scripted{steps: steps(tc.steps...)}
			c, _ := newServer(t, h)
			var out struct{ ID string }
			_, err := c.Do(context.Background(), Request{Method: tc.method, Path: "/x", Retry: tc.retry}, &out)
			if (err != nil) != tc.wantErr || h.calls.Load() != tc.wantCalls {
				t.Fatalf("err=%v calls=%d, want err=%v calls=%d", err, h.calls.Load(), tc.wantErr, tc.wantCalls)
			}
		})
	}
}

// truncated writes headers announcing 4096 bytes, sends 812, and drops the connection.
func truncated(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n")
	buf.WriteString(`{"items":[` + strings.Repeat(" ", 812-10))
	buf.Flush()
}

func TestTruncatedBody(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		wantCalls int32
		wantMsg   string
	}{
		{"GET retried then fails", "GET", 3, "truncated body: got 812 of 4096 bytes (after 3 attempts)"},
		{"POST not retried", "POST", 1, "truncated body: got 812 of 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &scripted{steps: steps(truncated)}
			fs := &fakeSleep{}
			c, _ := newServer(t, h, WithProvider("p"), WithRetry(RetryPolicy{Sleep: fs.Sleep}))
			_, err := c.Do(context.Background(), Request{Method: tt.method, Path: "/x"}, &struct{}{})
			if !errors.Is(err, model.ErrBadResponse) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want ErrBadResponse with %q", err, tt.wantMsg)
			}
			if h.calls.Load() != tt.wantCalls {
				t.Fatalf("calls = %d, want %d", h.calls.Load(), tt.wantCalls)
			}
		})
	}
}

func TestTruncatedThenOK(t *testing.T) {
	h := &scripted{steps: steps(truncated, okJSON)}
	c, _ := newServer(t, h, WithRetry(RetryPolicy{Sleep: (&fakeSleep{}).Sleep}))
	if _, err := c.Do(context.Background(), Request{Path: "/x"}, &struct{}{}); err != nil {
		t.Fatal(err)
	}
}

func TestOversizedBody(t *testing.T) {
	const cap = 1024
	tests := []struct {
		name    string
		handler func(http.ResponseWriter, *http.Request)
		wantErr bool
	}{
		{name: "exactly the cap", handler: body(200, "application/json", `"`+strings.Repeat("a", cap-2)+`"`)},
		{name: "one over, with length", handler: body(200, "application/json", `"`+strings.Repeat("a", cap-1)+`"`), wantErr: true},
		{name: "over, chunked", handler: func(w http.ResponseWriter, r *http.Request) {
			for range 4 {
				w.Write([]byte(strings.Repeat("a", cap/2)))
				w.(http.Flusher).Flush()
			}
		}, wantErr: true},
		{name: "endless stream", handler: func(w http.ResponseWriter, r *http.Request) {
			chunk := []byte(strings.Repeat("a", 32<<10))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, wantErr: true},
		{name: "big error page is cut, not an error about size", handler: body(500, "text/html", "<html><title>Oops</title>"+strings.Repeat("x", 200<<10))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &scripted{steps: steps(tt.handler)}
			c, _ := newServer(t, h, WithMaxBody(cap), WithRetry(RetryPolicy{MaxAttempts: 1}))
			var out any
			start := time.Now()
			resp, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"}, &out)
			if time.Since(start) > 5*time.Second {
				t.Fatal("took too long: body not capped?")
			}
			if errors.Is(err, model.ErrTooLarge) != tt.wantErr {
				t.Fatalf("err = %v, want ErrTooLarge: %v", err, tt.wantErr)
			}
			if tt.wantErr && h.calls.Load() != 1 {
				t.Fatalf("oversized body retried: %d calls", h.calls.Load())
			}
			if resp != nil && int64(len(resp.Body)) > max(cap, errorBodyCap) {
				t.Fatalf("returned body of %d bytes, over the cap", len(resp.Body))
			}
		})
	}
}

func TestOversizedAgainstDefaultCap(t *testing.T) {
	// The error-page cap applies even when the body cap is huge.
	h := &scripted{steps: steps(body(502, "text/plain", strings.Repeat("e", errorBodyCap*3)))}
	c, _ := newServer(t, h, WithRetry(RetryPolicy{MaxAttempts: 1}))
	resp, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
	var ae *model.APIError
	if !errors.As(err, &ae) || len(resp.Body) != errorBodyCap || len(ae.Message) > 1000 {
		t.Fatalf("err %v, body %d bytes, message %d bytes", err, len(resp.Body), len(ae.Message))
	}
}

func TestTimeout(t *testing.T) {
	slowHeaders := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	slowBody := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		w.Write([]byte(`{"a":`))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	tests := []struct {
		name      string
		handler   func(http.ResponseWriter, *http.Request)
		method    string
		wantCalls int32
	}{
		{"headers stall, GET retried", slowHeaders, "GET", 3},
		{"headers stall, POST once", slowHeaders, "POST", 1},
		{"body stalls, GET retried", slowBody, "GET", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &scripted{steps: steps(tt.handler)}
			c, _ := newServer(t, h, WithProvider("p"), WithTimeout(50*time.Millisecond), WithRetry(RetryPolicy{Sleep: (&fakeSleep{}).Sleep}))
			start := time.Now()
			_, err := c.Do(context.Background(), Request{Method: tt.method, Path: "/slow?token=abcdef123"}, nil)
			if time.Since(start) > 3*time.Second {
				t.Fatalf("took %v: per-attempt timeout not applied", time.Since(start))
			}
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timeout after 50ms") {
				t.Fatalf("err = %v, want a timeout", err)
			}
			// A POST timing out may have been acted on: it says so, first.
			prefix := "p: " + tt.method + " /slow: "
			if tt.method == "POST" {
				prefix = "outcome unknown: " + prefix
			}
			if errors.Is(err, model.ErrOutcomeUnknown) != (tt.method == "POST") {
				t.Fatalf("err = %v: outcome unknown for POST only", err)
			}
			if !strings.HasPrefix(err.Error(), prefix) || strings.Contains(err.Error(), "abcdef123") {
				t.Fatalf("error must name provider, method, path and not the query: %v", err)
			}
			if h.calls.Load() != tt.wantCalls {
				t.Fatalf("calls = %d, want %d", h.calls.Load(), tt.wantCalls)
			}
		})
	}
}

func TestConnectionErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	for _, mode := range []RetryMode{RetryByMethod, RetryNever} {
		fs := &fakeSleep{}
		c, err := New(url+"/api", WithProvider("p"), WithRetry(RetryPolicy{Sleep: fs.Sleep}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Do(context.Background(), Request{Method: "POST", Path: "/x?apiKey=zzsecretzz", Retry: mode}, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "p: POST /x: ") || strings.Contains(err.Error(), "zzsecretzz") {
			t.Fatalf("err = %v", err)
		}
		// Nothing was sent, so a POST may retry a refused connection, unless RetryNever.
		want := 2
		if mode == RetryNever {
			want = 0
		}
		if len(fs.got()) != want {
			t.Fatalf("mode %d: %d retries, want %d", mode, len(fs.got()), want)
		}
	}
}

func TestCancellation(t *testing.T) {
	t.Run("during Retry-After wait", func(t *testing.T) {
		h := &scripted{steps: steps(status(503, "Retry-After", "15"))}
		c, _ := newServer(t, h) // real sleep
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.Do(ctx, Request{Path: "/x"}, nil)
		if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
			t.Fatalf("err %v after %v", err, time.Since(start))
		}
	})
	t.Run("during request", func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		h := &scripted{steps: steps(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})}
		c, _ := newServer(t, h)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.Do(ctx, Request{Path: "/x"}, nil)
		if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
			t.Fatalf("err %v after %v", err, time.Since(start))
		}
		if h.calls.Load() != 1 {
			t.Fatalf("cancelled request retried: %d calls", h.calls.Load())
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		h := &scripted{steps: steps(okJSON)}
		c, _ := newServer(t, h)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Do(ctx, Request{Path: "/x"}, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestAPIErrorFields(t *testing.T) {
	h := &scripted{steps: steps(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		w.Write([]byte(`[{"errorCode":"EQ-3040010","errorMessage":"Invalid argument","correlationId":"abc","details":"limit must be <= 100"}]`))
	})}
	c, _ := newServer(t, h, WithProvider("fabric-prod"))
	resp, err := c.Do(context.Background(), Request{Method: "POST", Path: "/fabric/v4/connections/search?x=1"}, nil)
	want := "fabric-prod: POST /fabric/v4/connections/search: 400 EQ-3040010: Invalid argument (limit must be <= 100) [correlation id abc]"
	if err == nil || err.Error() != want {
		t.Fatalf("err  = %v\nwant = %s", err, want)
	}
	if resp == nil || resp.Status != 400 || len(resp.Body) == 0 {
		t.Fatalf("non-2xx should also return the response: %+v", resp)
	}
}

func TestSentinelsThroughAPIError(t *testing.T) {
	for code, sentinel := range map[int]error{401: model.ErrUnauthorized, 403: model.ErrForbidden, 404: model.ErrNotFound, 409: model.ErrConflict} {
		h := &scripted{steps: steps(status(code))}
		c, _ := newServer(t, h)
		_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
		if !errors.Is(err, sentinel) {
			t.Errorf("%d: errors.Is(%v) false for %v", code, sentinel, err)
		}
	}
}

func TestErrorDecoderPanicIsContained(t *testing.T) {
	h := &scripted{steps: steps(body(500, "application/json", `{}`))}
	c, _ := newServer(t, h, WithRetry(RetryPolicy{MaxAttempts: 1}),
		WithErrorDecoder(func(int, http.Header, []byte, *model.APIError) { panic("boom") }))
	_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != 500 {
		t.Fatalf("err = %v", err)
	}
}

func TestCustomErrorDecoderCannotFakeIdentity(t *testing.T) {
	h := &scripted{steps: steps(body(418, "text/plain", "teapot \x1b[31mred\x1b[0m"))}
	c, _ := newServer(t, h, WithProvider("real"), WithErrorDecoder(func(st int, hd http.Header, b []byte, e *model.APIError) {
		e.Provider, e.Status, e.Method, e.Message = "fake", 200, "NOPE", string(b)
	}))
	_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Provider != "real" || ae.Status != 418 || ae.Method != "GET" {
		t.Fatalf("err = %#v", ae)
	}
	if strings.ContainsRune(ae.Message, 0x1b) || ae.Message != "teapot ␛[31mred␛[0m" {
		t.Fatalf("control characters must be made visible, not sent: %q", ae.Message)
	}
}

func TestLogLines(t *testing.T) {
	log, buf := captureLog()
	h := &scripted{steps: steps(status(500), okJSON)}
	c, _ := newServer(t, h, WithProvider("p"), WithLogger(log), WithRetry(RetryPolicy{Sleep: (&fakeSleep{}).Sleep}))
	if _, err := c.Do(context.Background(), Request{Method: "GET", Path: "/items?page=2", Header: http.Header{"X-Trace": {"hdrvalue"}}}, nil); err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(buf.String()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad log line %q", sc.Text())
		}
		lines = append(lines, m)
	}
	var attempts, retries int
	for _, l := range lines {
		switch l["msg"] {
		case "http attempt":
			attempts++
			if l["level"] != "DEBUG" || l["provider"] != "p" || l["method"] != "GET" || l["path"] != "/items" || l["status"] == nil || l["duration"] == nil || l["attempt"] == nil {
				t.Errorf("attempt line missing fields: %v", l)
			}
		case "http retry":
			retries++
			if l["level"] != "WARN" {
				t.Errorf("retry line not at Warn: %v", l)
			}
		}
	}
	if attempts != 2 || retries != 1 {
		t.Fatalf("got %d attempt and %d retry lines:\n%s", attempts, retries, buf)
	}
	if strings.Contains(buf.String(), "page=2") || strings.Contains(buf.String(), "hdrvalue") || strings.Contains(buf.String(), `"ok"`) {
		t.Fatalf("log carries query, headers or body:\n%s", buf)
	}
}

func TestReaderBodyRefused(t *testing.T) {
	c, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("sent") }))
	_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/x", Body: strings.NewReader("{}")}, nil)
	if err == nil || !strings.Contains(err.Error(), "io.Reader") {
		t.Fatalf("err = %v", err)
	}
}

func TestHeadWithLargeContentLength(t *testing.T) {
	h := &scripted{steps: steps(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "999999999")
	})}
	c, _ := newServer(t, h, WithMaxBody(10))
	if resp, err := c.Do(context.Background(), Request{Method: "HEAD", Path: "/x"}, nil); err != nil || resp.Status != 200 {
		t.Fatalf("HEAD: resp %+v err %v", resp, err)
	}
}

func TestRequestErrorsAreSanitised(t *testing.T) {
	// Causes may carry server-controlled text (a token endpoint's message
	// wrapped by a provider's TokenFunc, say): no terminal escapes may pass.
	c, err := New("http://127.0.0.1:1/api", WithProvider("p"), WithSecrets("sekrit-1"))
	if err != nil {
		t.Fatal(err)
	}
	op := &operation{method: "GET", path: "/x"}
	for _, e := range []error{
		c.opErr(op, errors.New("bad \x1b[2J\x1b]0;pwned\x07 reply with sekrit-1")),
		c.attemptErr(op, &attemptError{kind: failAuth, err: errors.New("p: login \x1b[31mfailed\r\nsekrit-1")}, 1),
		c.attemptErr(op, &attemptError{kind: failTransport, err: errors.New("reset\x00\x1b")}, 3),
	} {
		msg := e.Error()
		for _, r := range msg {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control character %#x reaches the operator: %q", r, msg)
			}
		}
		if strings.Contains(msg, "sekrit-1") || !strings.HasPrefix(msg, "p: GET /x: ") {
			t.Fatalf("message %q", msg)
		}
	}
}

func TestTruncatedErrorBodyIsStillAnAPIError(t *testing.T) {
	h := &scripted{steps: steps(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, _ := w.(http.Hijacker).Hijack()
		defer conn.Close()
		buf.WriteString("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"message\":\"no such")
		buf.Flush()
	})}
	c, _ := newServer(t, h)
	_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
	if !errors.Is(err, model.ErrNotFound) || h.calls.Load() != 1 {
		t.Fatalf("err = %v after %d calls, want a 404 APIError", err, h.calls.Load())
	}
}

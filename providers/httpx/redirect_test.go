package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// thief is the other origin: it counts whatever reaches it and keeps the
// credentials it saw.
type thief struct {
	srv   *httptest.Server
	calls atomic.Int32
	seen  atomic.Value // string: headers and body of the last request
}

func newThief(t *testing.T) *thief {
	th := &thief{}
	th.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		th.calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		th.seen.Store(r.Header.Get("Authorization") + r.Header.Get("X-Auth-Token") + r.Header.Get("X-Api-Key") + string(b))
		w.Write([]byte(`{"access_token":"stolen","ok":true}`))
	}))
	t.Cleanup(th.srv.Close)
	return th
}

// originOf is what a refused redirect must name: scheme://host:port.
func originOf(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + u.Host
}

// redirectTo answers every request with a redirect to loc.
func redirectTo(code int, loc string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Location", loc)
		w.WriteHeader(code)
	}
}

func checkRefused(t *testing.T, err error, th *thief, target string) {
	t.Helper()
	if th.calls.Load() != 0 {
		t.Fatalf("the other origin received %d request(s), with %q", th.calls.Load(), th.seen.Load())
	}
	var re *RedirectError
	if !errors.As(err, &re) || !errors.Is(err, ErrRedirectRefused) {
		t.Fatalf("err = %v (%T), want a *RedirectError", err, err)
	}
	if !strings.Contains(err.Error(), "to "+target+" refused") {
		t.Fatalf("error %q does not name the target origin %s", err, target)
	}
	for _, leak := range []string{"steal", "hunter2", "sig=", "tok-123456789", "the-client-secret"} {
		if strings.Contains(err.Error(), leak) {
			t.Fatalf("error %q quotes %q: only the origin may be named", err, leak)
		}
	}
}

func TestCrossOriginRedirectRefused(t *testing.T) {
	auths := map[string]func() Auth{
		"bearer":       func() Auth { return StaticBearer("tok-123456789") },
		"x-auth-token": func() Auth { return HeaderToken("X-Auth-Token", "tok-123456789") },
		"api key":      func() Auth { return HeaderToken("X-API-Key", "tok-123456789") },
	}
	codes := []int{301, 302, 303, 307, 308}
	// The caller's own *http.Client, built without any CheckRedirect, as
	// the provider packages do: the policy must be installed anyway.
	clients := map[string]func() *http.Client{
		"httpx default":  func() *http.Client { return nil },
		"caller's plain": func() *http.Client { return &http.Client{} },
		"caller's own CheckRedirect": func() *http.Client {
			return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
		},
	}
	for an, auth := range auths {
		for cn, hc := range clients {
			for _, code := range codes {
				t.Run(an+"/"+cn+"/"+http.StatusText(code), func(t *testing.T) {
					th := newThief(t)
					loc := strings.Replace(th.srv.URL, "http://", "http://user:hunter2@", 1) + "/steal?sig=abc"
					c, _ := newServer(t, redirectTo(code, loc), WithAuth(auth()), WithHTTPClient(hc()),
						WithRetry(RetryPolicy{Sleep: (&fakeSleep{}).Sleep}))
					_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
					checkRefused(t, err, th, originOf(t, th.srv.URL))
				})
			}
		}
	}
}

func TestNewDoesNotChangeTheCallersClient(t *testing.T) {
	hc := &http.Client{Timeout: time.Minute}
	if _, err := New("http://127.0.0.1:9", WithHTTPClient(hc)); err != nil {
		t.Fatal(err)
	}
	if hc.CheckRedirect != nil || hc.Timeout != time.Minute {
		t.Fatal("New changed the caller's *http.Client")
	}
}

func TestLoginNeverRedirected(t *testing.T) {
	for _, sameOrigin := range []bool{false, true} {
		for _, code := range []int{302, 307, 308} {
			name := http.StatusText(code) + " to another origin"
			if sameOrigin {
				name = http.StatusText(code) + " to the same origin"
			}
			t.Run(name, func(t *testing.T) {
				th := newThief(t)
				var tokenCalls, movedCalls atomic.Int32
				mux := http.NewServeMux()
				mux.HandleFunc("/oauth2/v1/token", func(w http.ResponseWriter, r *http.Request) {
					tokenCalls.Add(1)
					loc := th.srv.URL + "/steal"
					if sameOrigin {
						loc = "/api/v2/moved-token"
					}
					redirectTo(code, loc)(w, r)
				})
				mux.HandleFunc("/moved-token", func(w http.ResponseWriter, r *http.Request) {
					movedCalls.Add(1)
					w.Write([]byte(`{"access_token":"x","token_timeout":60}`))
				})
				var c *Client
				c, srv := newServer(t, mux, WithAuth(CachedBearer(providerLogin(&c))), WithSecrets("the-client-secret"))
				_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
				target := originOf(t, th.srv.URL)
				if sameOrigin {
					target = originOf(t, srv.URL)
				}
				checkRefused(t, err, th, target)
				if tokenCalls.Load() != 1 || movedCalls.Load() != 0 {
					t.Fatalf("token endpoint %d, redirect target %d: a login is sent once and never redirected", tokenCalls.Load(), movedCalls.Load())
				}
				if errors.Is(err, model.ErrOutcomeUnknown) {
					t.Fatalf("a login is not a mutation: %v", err)
				}
			})
		}
	}
}

func TestSameOriginRedirects(t *testing.T) {
	tests := []struct {
		name      string
		req       Request
		code      int
		followed  bool
		wantCalls int32 // at the redirecting path
		unknown   bool
	}{
		{"GET follows 302", Request{Path: "/old"}, 302, true, 1, false},
		{"GET follows 301", Request{Path: "/old"}, 301, true, 1, false},
		{"GET follows 308", Request{Path: "/old"}, 308, true, 1, false},
		{"idempotent search POST follows 307", Request{Method: "POST", Path: "/old", Retry: RetryAlways, Body: map[string]int{"limit": 1}}, 307, true, 1, false},
		// A mutation is sent once, to one URL: a 302 may mean it was done
		// (post/redirect/get), a 307 that it was not.
		{"mutation POST 302 refused", Request{Method: "POST", Path: "/old", Body: map[string]string{"type": "ACCEPT"}}, 302, false, 1, true},
		{"mutation POST 307 refused", Request{Method: "POST", Path: "/old", Body: map[string]string{"type": "ACCEPT"}}, 307, false, 1, false},
		// A GET-shaped action (ProVision): following would run it again.
		{"RetryNever GET 302 refused", Request{Method: "GET", Path: "/old?action=deassign", Retry: RetryNever}, 302, false, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var oldCalls, newCalls atomic.Int32
			var newBody atomic.Value
			mux := http.NewServeMux()
			mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
				oldCalls.Add(1)
				redirectTo(tt.code, "/api/v2/new")(w, r)
			})
			mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {
				newCalls.Add(1)
				b, _ := io.ReadAll(r.Body)
				newBody.Store(string(b))
				w.Write([]byte(`{"ok":true}`))
			})
			c, srv := newServer(t, mux, WithAuth(HeaderToken("X-Auth-Token", "tok-123456789")))
			var out struct{ OK bool }
			_, err := c.Do(context.Background(), tt.req, &out)
			if oldCalls.Load() != tt.wantCalls {
				t.Fatalf("redirecting path called %d times", oldCalls.Load())
			}
			if tt.followed {
				if err != nil || !out.OK || newCalls.Load() != 1 {
					t.Fatalf("same-origin redirect not followed: err %v, target called %d", err, newCalls.Load())
				}
				if tt.code == 307 && newBody.Load() != `{"limit":1}` {
					t.Fatalf("307 resent body %q", newBody.Load())
				}
				return
			}
			if newCalls.Load() != 0 {
				t.Fatalf("a request sent at most once was redirected (target called %d times)", newCalls.Load())
			}
			var re *RedirectError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), "to "+originOf(t, srv.URL)+" refused") {
				t.Fatalf("err = %v, want a refused redirect naming the origin", err)
			}
			if errors.Is(err, model.ErrOutcomeUnknown) != tt.unknown {
				t.Fatalf("err = %v: outcome unknown should be %v", err, tt.unknown)
			}
		})
	}
}

func TestRedirectChainBounded(t *testing.T) {
	var calls atomic.Int32
	c, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		redirectTo(302, "/api/v2/loop")(w, r)
	}))
	_, err := c.Do(context.Background(), Request{Path: "/loop"}, nil)
	if !errors.Is(err, ErrRedirectRefused) || !strings.Contains(err.Error(), "stopped after 5 redirects") {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != maxRedirects {
		t.Fatalf("calls = %d, want %d (a refused redirect is not retried)", calls.Load(), maxRedirects)
	}
}

func TestCallersCheckRedirectStillApplies(t *testing.T) {
	var newCalls atomic.Int32
	mux := http.NewServeMux()
	mux.Handle("/old", redirectTo(302, "/api/v2/new"))
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { newCalls.Add(1) })
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	c, _ := newServer(t, mux, WithHTTPClient(hc))
	_, err := c.Do(context.Background(), Request{Path: "/old"}, nil)
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != 302 || newCalls.Load() != 0 {
		t.Fatalf("err = %v, target %d: the caller's stricter policy must hold", err, newCalls.Load())
	}
}

func TestSameOriginRule(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"http://h/x", "http://h/y?q", true},
		{"http://h", "http://h:80", true},
		{"https://h", "https://H:443/", true},
		{"http://h", "https://h", false},
		{"https://h", "https://h:8443", false},
		{"http://h:8080", "http://h:8081", false},
		{"http://h", "http://h.evil", false},
		{"http://[::1]:80", "http://[::1]", true},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if got := sameOrigin(a, b); got != tt.same {
			t.Errorf("sameOrigin(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
	u, _ := url.Parse("https://user:pw@Evil.example/p?token=x#f")
	if got := origin(u); got != "https://evil.example:443" {
		t.Fatalf("origin = %q", got)
	}
}

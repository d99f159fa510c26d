package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func TestStaticAuth(t *testing.T) {
	tests := []struct {
		name       string
		auth       Auth
		header     string
		want       string
		wantErr    bool
		invalidate bool
	}{
		{"bearer", StaticBearer("abc123"), "Authorization", "Bearer abc123", false, false},
		{"header token", HeaderToken("X-Auth-Token", "k-42"), "X-Auth-Token", "k-42", false, false},
		{"empty bearer refused", StaticBearer(""), "Authorization", "", true, false},
		{"empty header token refused", HeaderToken("X-Auth-Token", ""), "X-Auth-Token", "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			err := tt.auth.Apply(context.Background(), r)
			if (err != nil) != tt.wantErr || r.Header.Get(tt.header) != tt.want {
				t.Fatalf("err %v header %q", err, r.Header.Get(tt.header))
			}
			if tt.auth.Invalidate() != tt.invalidate {
				t.Fatal("static credentials must not ask for a resend")
			}
		})
	}
}

// tokenServer is a fake OAuth token endpoint plus an API that accepts only
// the most recently issued token.
type tokenServer struct {
	tokenCalls atomic.Int32
	apiCalls   atomic.Int32
	tokenReply func(n int32, w http.ResponseWriter) // nil: issue "tok-<n>"
	apiReply   func(n int32, w http.ResponseWriter, r *http.Request)
	mu         sync.Mutex
	current    string
}

func (s *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth2/v1/token" {
		n := s.tokenCalls.Add(1)
		if s.tokenReply != nil {
			s.tokenReply(n, w)
			return
		}
		tok := fmt.Sprintf("tok-%d-secretvalue", n)
		s.mu.Lock()
		s.current = tok
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_timeout": 3600})
		return
	}
	n := s.apiCalls.Add(1)
	if s.apiReply != nil {
		s.apiReply(n, w, r)
		return
	}
	s.mu.Lock()
	ok := r.Header.Get("Authorization") == "Bearer "+s.current
	s.mu.Unlock()
	if !ok {
		w.WriteHeader(401)
		return
	}
	w.Write([]byte(`{"ok":true}`))
}

// providerLogin is what a provider's TokenFunc looks like: a Client.Do with
// NoAuth and RetryNever against the token endpoint.
func providerLogin(c **Client) TokenFunc {
	return func(ctx context.Context, prev Token) (Token, error) {
		var out struct {
			AccessToken string `json:"access_token"`
			Timeout     int    `json:"token_timeout"`
		}
		_, err := (*c).Do(ctx, Request{Method: "POST", Path: "/oauth2/v1/token", NoAuth: true, Retry: RetryNever, Login: true,
			Body: map[string]string{"client_id": "id", "client_secret": "the-client-secret", "grant_type": "client_credentials"}}, &out)
		if err != nil {
			return Token{}, err
		}
		return Token{Access: out.AccessToken, Expiry: time.Now().Add(time.Duration(out.Timeout) * time.Second)}, nil
	}
}

func newAuthClient(t *testing.T, s *tokenServer, opts ...Option) *Client {
	t.Helper()
	var c *Client
	c, _ = newServer(t, s, append([]Option{
		WithProvider("fabric-prod"),
		WithAuth(CachedBearer(providerLogin(&c))),
		WithSecrets("the-client-secret"),
		WithRetry(RetryPolicy{Sleep: (&fakeSleep{}).Sleep}),
	}, opts...)...)
	return c
}

func TestUnauthorizedThenRefreshed(t *testing.T) {
	tests := []struct {
		name      string
		req       Request
		resent    bool // a repeatable request is sent again with the fresh token
		wantCalls int32
	}{
		{"GET resent", Request{Method: "GET", Path: "/x"}, true, 2},
		{"search POST vouched idempotent resent", Request{Method: "POST", Path: "/x", Retry: RetryAlways}, true, 2},
		{"POST never resent", Request{Method: "POST", Path: "/x"}, false, 1},
		{"RetryNever GET never resent", Request{Method: "GET", Path: "/x", Retry: RetryNever}, false, 1},
		{"RetryNever DELETE never resent", Request{Method: "DELETE", Path: "/x", Retry: RetryNever}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &tokenServer{}
			c := newAuthClient(t, s)
			if _, err := c.Do(context.Background(), Request{Path: "/warmup"}, nil); err != nil {
				t.Fatal(err)
			}
			// The server rotates its key: the cached token is now refused once.
			s.mu.Lock()
			s.current = "rotated"
			s.mu.Unlock()
			s.apiCalls.Store(0)
			var out struct{ OK bool }
			resp, err := c.Do(context.Background(), tt.req, &out)
			if got := s.apiCalls.Load(); got != tt.wantCalls {
				t.Fatalf("API called %d times, want %d", got, tt.wantCalls)
			}
			if tt.resent {
				if s.tokenCalls.Load() != 2 {
					t.Fatalf("token fetched %d times, want 2 (the 401 drops the token)", s.tokenCalls.Load())
				}
				if err != nil || !out.OK || resp.Sends != 2 {
					t.Fatalf("err %v out %+v sends %d", err, out, Sends(resp, err))
				}
				return
			}
			// Not repeatable: this one is reported as unknown (a server may
			// act and then answer 401) ...
			var ae *model.APIError
			if !errors.Is(err, model.ErrOutcomeUnknown) || !errors.As(err, &ae) || ae.Status != 401 || Sends(resp, err) != 1 {
				t.Fatalf("err = %v (sends %d), want an unknown outcome wrapping the 401, sent once", err, Sends(resp, err))
			}
			if s.tokenCalls.Load() != 1 {
				t.Fatalf("token fetched %d times before the next request, want 1", s.tokenCalls.Load())
			}
			// ... and the next request fetches and carries a fresh token.
			if _, err := c.Do(context.Background(), Request{Path: "/next"}, &out); err != nil || !out.OK {
				t.Fatalf("next request: %v", err)
			}
			if s.tokenCalls.Load() != 2 || s.apiCalls.Load() != tt.wantCalls+1 {
				t.Fatalf("next request: token %d api %d", s.tokenCalls.Load(), s.apiCalls.Load())
			}
		})
	}
}

func TestSecond401IsReturnedNotLooped(t *testing.T) {
	s := &tokenServer{apiReply: func(n int32, w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) }}
	c := newAuthClient(t, s)
	_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
	if !errors.Is(err, model.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if s.apiCalls.Load() != 2 || s.tokenCalls.Load() != 2 {
		t.Fatalf("api %d token %d, want 2 and 2", s.apiCalls.Load(), s.tokenCalls.Load())
	}
}

func TestStaticToken401NotResent(t *testing.T) {
	h := &scripted{steps: steps(status(401), okJSON)}
	c, _ := newServer(t, h, WithAuth(StaticBearer("static-token-1")))
	if _, err := c.Do(context.Background(), Request{Path: "/x"}, nil); !errors.Is(err, model.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if h.calls.Load() != 1 {
		t.Fatalf("calls = %d", h.calls.Load())
	}
}

func TestTokenEndpointFailuresNotRetried(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		isAPI  bool
	}{
		{"400 bad credentials", 400, `[{"errorCode":"EQ-3000039","errorMessage":"Invalid client credentials","correlationId":"c-1"}]`, true},
		{"401", 401, `{"error":"invalid_client","error_description":"Client authentication failed"}`, true},
		{"403", 403, ``, true},
		{"500", 500, `oops`, true},
		{"503 with Retry-After", 503, ``, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &tokenServer{tokenReply: func(n int32, w http.ResponseWriter) {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}}
			c := newAuthClient(t, s)
			_, err := c.Do(context.Background(), Request{Path: "/fabric/v4/connections"}, nil)
			var ae *model.APIError
			if !errors.As(err, &ae) || ae.Status != tt.status || ae.Path != "/oauth2/v1/token" {
				t.Fatalf("err = %v, want the token endpoint's APIError %d", err, tt.status)
			}
			if s.tokenCalls.Load() != 1 || s.apiCalls.Load() != 0 {
				t.Fatalf("token endpoint called %d times, API %d times; want 1 and 0", s.tokenCalls.Load(), s.apiCalls.Load())
			}
			if !strings.HasPrefix(err.Error(), "fabric-prod: GET /fabric/v4/connections: getting credentials: POST /oauth2/v1/token: ") {
				t.Fatalf("message: %v", err)
			}
			if strings.Contains(err.Error(), "the-client-secret") {
				t.Fatal("secret leaked")
			}
			// A rejection is held: the next request must not try to log in again.
			c.Do(context.Background(), Request{Path: "/fabric/v4/connections"}, nil)
			want := int32(1)
			if tt.status >= 500 {
				want = 2 // server trouble is no verdict on the credentials
			}
			if s.tokenCalls.Load() != want {
				t.Fatalf("after a second request the token endpoint saw %d calls, want %d", s.tokenCalls.Load(), want)
			}
		})
	}
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestCachedBearerExpiry(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		lifetime time.Duration // 0: no expiry
		skew     *time.Duration
		// advance the clock by each step and Apply; wantFetches after each
		steps       []time.Duration
		wantFetches []int
	}{
		{"default skew 60s", 10 * time.Minute, nil,
			[]time.Duration{0, 8*time.Minute + 59*time.Second, 2 * time.Second, time.Second}, []int{1, 1, 2, 2}},
		{"custom skew", 10 * time.Minute, durp(5 * time.Minute),
			[]time.Duration{0, 4*time.Minute + 59*time.Second, 2 * time.Second}, []int{1, 1, 2}},
		{"zero skew", 10 * time.Minute, durp(0),
			[]time.Duration{0, 9*time.Minute + 59*time.Second, time.Second}, []int{1, 1, 2}},
		{"short-lived token uses half its life", 60 * time.Second, nil,
			[]time.Duration{0, 29 * time.Second, 2 * time.Second}, []int{1, 1, 2}},
		{"no expiry: valid until invalidated", 0, nil,
			[]time.Duration{0, 1000 * time.Hour}, []int{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: t0}
			var fetches int
			var prevs []Token
			fetch := func(ctx context.Context, prev Token) (Token, error) {
				fetches++
				prevs = append(prevs, prev)
				tok := Token{Access: fmt.Sprintf("access-%d", fetches), Refresh: fmt.Sprintf("refresh-%d", fetches)}
				if tt.lifetime > 0 {
					tok.Expiry = clock.Now().Add(tt.lifetime)
				}
				return tok, nil
			}
			opts := []TokenOption{WithTokenClock(clock.Now)}
			if tt.skew != nil {
				opts = append(opts, WithSkew(*tt.skew))
			}
			a := CachedBearer(fetch, opts...)
			for i, d := range tt.steps {
				clock.Add(d)
				r := httptest.NewRequest("GET", "/", nil)
				if err := a.Apply(context.Background(), r); err != nil {
					t.Fatal(err)
				}
				if fetches != tt.wantFetches[i] {
					t.Fatalf("step %d (+%v): %d fetches, want %d", i, d, fetches, tt.wantFetches[i])
				}
				if want := fmt.Sprintf("Bearer access-%d", fetches); r.Header.Get("Authorization") != want {
					t.Fatalf("header %q, want %q", r.Header.Get("Authorization"), want)
				}
			}
			if prevs[0] != (Token{}) {
				t.Fatalf("first fetch got prev %+v, want zero", prevs[0])
			}
			if len(prevs) > 1 && prevs[1].Refresh != "refresh-1" {
				t.Fatalf("refresh fetch got prev %+v, want the last token", prevs[1])
			}
		})
	}
}

func durp(d time.Duration) *time.Duration { return &d }

func TestCachedBearerInvalidateAndHeaderName(t *testing.T) {
	var fetches atomic.Int32
	a := CachedBearer(func(ctx context.Context, prev Token) (Token, error) {
		return Token{Access: fmt.Sprint("t", fetches.Add(1))}, nil
	}, WithHeaderName("X-Auth-Token", ""))
	r := httptest.NewRequest("GET", "/", nil)
	a.Apply(context.Background(), r)
	if r.Header.Get("X-Auth-Token") != "t1" || r.Header.Get("Authorization") != "" {
		t.Fatalf("headers %v", r.Header)
	}
	if !a.Invalidate() {
		t.Fatal("Invalidate should report that a fresh token may help")
	}
	a.Apply(context.Background(), r)
	if r.Header.Get("X-Auth-Token") != "t2" || fetches.Load() != 2 {
		t.Fatalf("after Invalidate: %v, %d fetches", r.Header, fetches.Load())
	}
	if s := a.(SecretSource).Secrets(); !contains(s, "t2") || !contains(s, "t1") {
		t.Fatalf("Secrets() = %v, want current and previous token", s)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestCachedBearerSingleFlight(t *testing.T) {
	var fetches atomic.Int32
	release := make(chan struct{})
	a := CachedBearer(func(ctx context.Context, prev Token) (Token, error) {
		fetches.Add(1)
		<-release
		return Token{Access: "shared-token"}, nil
	})
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			r := httptest.NewRequest("GET", "/", nil)
			if err := a.Apply(context.Background(), r); err != nil {
				errs <- err
				return
			}
			if r.Header.Get("Authorization") != "Bearer shared-token" {
				errs <- fmt.Errorf("header %q", r.Header.Get("Authorization"))
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // let them pile up behind the one fetch
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if fetches.Load() != 1 {
		t.Fatalf("%d fetches for %d concurrent callers, want 1", fetches.Load(), n)
	}
}

func TestCachedBearerConcurrent401sRefreshOnce(t *testing.T) {
	s := &tokenServer{}
	c := newAuthClient(t, s)
	if _, err := c.Do(context.Background(), Request{Path: "/warm"}, nil); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.current = "rotated"
	s.mu.Unlock()
	// Several requests in flight with the old token all get 401; the first
	// refresh must serve them all instead of each dropping the other's token.
	release := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			<-release
			if _, err := c.Do(context.Background(), Request{Path: "/x"}, nil); err != nil {
				errs <- err
			}
		})
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// 1 warm-up + at most a couple of refreshes, never one per request.
	if got := s.tokenCalls.Load(); got > 3 {
		t.Fatalf("token endpoint called %d times for 8 concurrent 401s", got)
	}
}

func TestCachedBearerLeaderCancelled(t *testing.T) {
	started := make(chan struct{})
	var calls atomic.Int32
	a := CachedBearer(func(ctx context.Context, prev Token) (Token, error) {
		if calls.Add(1) == 1 {
			close(started)
			<-ctx.Done()
			return Token{}, ctx.Err()
		}
		return Token{Access: "second-try"}, nil
	})
	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() { leaderErr <- a.Apply(leaderCtx, httptest.NewRequest("GET", "/", nil)) }()
	<-started
	waiter := make(chan error, 1)
	r := httptest.NewRequest("GET", "/", nil)
	go func() { waiter <- a.Apply(context.Background(), r) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: %v", err)
	}
	if err := <-waiter; err != nil || r.Header.Get("Authorization") != "Bearer second-try" {
		t.Fatalf("waiter should fetch itself: err %v header %q", err, r.Header.Get("Authorization"))
	}
}

func TestCachedBearerWaiterCancelled(t *testing.T) {
	release := make(chan struct{})
	a := CachedBearer(func(ctx context.Context, prev Token) (Token, error) {
		<-release
		return Token{Access: "late"}, nil
	})
	go a.Apply(context.Background(), httptest.NewRequest("GET", "/", nil))
	time.Sleep(10 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := a.Apply(ctx, httptest.NewRequest("GET", "/", nil))
	close(release)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("waiter err %v after %v", err, time.Since(start))
	}
}

func TestCachedBearerRejectHold(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	var calls int
	reply := error(&model.APIError{Status: 401, Message: "bad secret"})
	a := CachedBearer(func(ctx context.Context, prev Token) (Token, error) {
		calls++
		if reply != nil {
			return Token{}, reply
		}
		return Token{Access: "fine-now"}, nil
	}, WithTokenClock(clock.Now), WithRejectHold(time.Minute))
	apply := func() error { return a.Apply(context.Background(), httptest.NewRequest("GET", "/", nil)) }
	if err := apply(); err == nil || calls != 1 {
		t.Fatalf("err %v calls %d", err, calls)
	}
	clock.Add(59 * time.Second)
	if err := apply(); !errors.Is(err, model.ErrUnauthorized) || calls != 1 {
		t.Fatalf("held: err %v calls %d", err, calls)
	}
	clock.Add(2 * time.Second)
	reply = nil
	if err := apply(); err != nil || calls != 2 {
		t.Fatalf("after hold: err %v calls %d", err, calls)
	}
}

func TestCachedBearerBadFetches(t *testing.T) {
	for name, fetch := range map[string]TokenFunc{
		"empty token": func(context.Context, Token) (Token, error) { return Token{}, nil },
		"panic":       func(context.Context, Token) (Token, error) { panic("secret-in-panic") },
	} {
		t.Run(name, func(t *testing.T) {
			err := CachedBearer(fetch).Apply(context.Background(), httptest.NewRequest("GET", "/", nil))
			if err == nil || strings.Contains(err.Error(), "secret-in-panic") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

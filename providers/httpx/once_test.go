package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// processThen is a hostile server: it counts the mutations that reach it
// (each one "processed"), then fails the answer in the given way.
// Other paths answer 200 so a keep-alive connection can be warmed up.
type processThen struct {
	mode      string
	mutations atomic.Int32
}

func (p *processThen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/act" {
		w.Write([]byte(`{"ok":true}`))
		return
	}
	p.mutations.Add(1)
	// Read the body: the server notices a client hanging up only after it.
	io.Copy(io.Discard, r.Body)
	switch p.mode {
	case "401":
		w.WriteHeader(http.StatusUnauthorized)
	case "500", "502", "503", "504":
		code := map[string]int{"500": 500, "502": 502, "503": 503, "504": 504}[p.mode]
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(code)
	case "drop":
		// Hijack and close: no answer byte at all, the shape net/http's
		// transport takes for a stale keep-alive connection.
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	case "truncated":
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		w.Write([]byte(`{"ok":`))
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	case "garbled":
		w.Write([]byte(`{"ok":tru`))
	case "stall":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
}

func TestMutationSentAtMostOnce(t *testing.T) {
	mutations := []struct {
		name string
		req  Request
	}{
		{"POST", Request{Method: "POST", Path: "/act", Body: map[string]string{"type": "CONNECTION_CREATION_ACCEPTANCE"}}},
		{"POST RetryNever", Request{Method: "POST", Path: "/act", Body: []byte(`{"a":1}`), Retry: RetryNever}},
		{"DELETE with body RetryNever", Request{Method: "DELETE", Path: "/act", Body: []byte(`{"decommission_at":"2026-01-01"}`), Retry: RetryNever}},
		{"DELETE RetryNever", Request{Method: "DELETE", Path: "/act", Retry: RetryNever}},
		{"GET RetryNever (ProVision action)", Request{Method: "GET", Path: "/act?target=ipam&action=deassign", Retry: RetryNever}},
	}
	modes := []string{"401", "500", "502", "503", "504", "drop", "truncated", "garbled", "stall"}
	for _, m := range mutations {
		for _, mode := range modes {
			t.Run(m.name+"/"+mode, func(t *testing.T) {
				srv := &processThen{mode: mode}
				fs := &fakeSleep{}
				var c *Client
				tokens := atomic.Int32{}
				login := func(ctx context.Context, _ Token) (Token, error) {
					return Token{Access: "tok-" + string(rune('a'+tokens.Add(1))) + "-123456789"}, nil
				}
				c, _ = newServer(t, srv, WithAuth(CachedBearer(login)), WithTimeout(200*time.Millisecond),
					WithRetry(RetryPolicy{Sleep: fs.Sleep, MaxAttempts: 5}))
				// Warm a keep-alive connection, so the mutation goes out on a
				// reused one (where net/http would replay a GET by itself).
				if _, err := c.Do(context.Background(), Request{Path: "/warm"}, nil); err != nil {
					t.Fatal(err)
				}
				var out struct{ OK bool }
				resp, err := c.Do(context.Background(), m.req, &out)
				if got := srv.mutations.Load(); got != 1 {
					t.Fatalf("the server received the mutation %d times, want exactly 1", got)
				}
				if len(fs.got()) != 0 {
					t.Fatalf("slept %v: a mutation is never retried", fs.got())
				}
				if !errors.Is(err, model.ErrOutcomeUnknown) {
					t.Fatalf("err = %v (%T), want model.ErrOutcomeUnknown", err, err)
				}
				var uo *model.UnknownOutcome
				if !errors.As(err, &uo) || uo.Verdict != model.VerdictUnchecked {
					t.Fatalf("err = %#v, want an unchecked *model.UnknownOutcome", err)
				}
				if !strings.HasPrefix(err.Error(), "outcome unknown: ") || !strings.Contains(err.Error(), m.req.Method+" /act") {
					t.Fatalf("message %q", err)
				}
				if n := Sends(resp, err); n != 1 {
					t.Fatalf("Sends = %d, want 1", n)
				}
				if mode == "401" {
					// The credential is dropped for the next request only.
					if tokens.Load() != 1 {
						t.Fatalf("token fetched %d times during the mutation", tokens.Load())
					}
					if _, err := c.Do(context.Background(), Request{Path: "/next"}, nil); err != nil || tokens.Load() != 2 {
						t.Fatalf("next request: err %v, tokens %d: want a fresh token", err, tokens.Load())
					}
				}
			})
		}
	}
}

// Refusals are definite: nothing was done, and the error says so by not
// being an unknown outcome. A failed dial sent nothing either.
func TestMutationDefiniteFailures(t *testing.T) {
	for _, code := range []int{400, 403, 404, 409, 422, 429} {
		h := &scripted{steps: steps(status(code))}
		c, _ := newServer(t, h, WithAuth(StaticBearer("tok-123456789")), WithRetry(RetryPolicy{Sleep: (&fakeSleep{}).Sleep}))
		_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/act"}, nil)
		if err == nil || errors.Is(err, model.ErrOutcomeUnknown) || h.calls.Load() != 1 {
			t.Errorf("%d: err %v, calls %d: want a definite error, sent once", code, err, h.calls.Load())
		}
	}
	c, err := New("http://127.0.0.1:1/api", WithAuth(StaticBearer("tok-123456789")), WithRetry(RetryPolicy{Sleep: (&fakeSleep{}).Sleep}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(context.Background(), Request{Method: "POST", Path: "/act", Retry: RetryNever}, nil)
	if err == nil || errors.Is(err, model.ErrOutcomeUnknown) || Sends(resp, err) != 0 {
		t.Fatalf("dial failure: err %v sends %d: nothing was sent, so the outcome is known", err, Sends(resp, err))
	}
}

// The same failures on a repeatable read are retried as before: the
// at-most-once rule must not cost reads their resilience.
func TestReadsStillRetried(t *testing.T) {
	for _, mode := range []string{"500", "drop", "truncated"} {
		srv := &processThen{mode: mode}
		fs := &fakeSleep{}
		c, _ := newServer(t, srv, WithTimeout(200*time.Millisecond), WithRetry(RetryPolicy{Sleep: fs.Sleep, MaxAttempts: 3}))
		resp, err := c.Do(context.Background(), Request{Path: "/act"}, nil)
		if err == nil || errors.Is(err, model.ErrOutcomeUnknown) || srv.mutations.Load() != 3 || Sends(resp, err) != 3 {
			t.Errorf("%s: err %v, calls %d, sends %d: want 3 attempts and a plain error", mode, err, srv.mutations.Load(), Sends(resp, err))
		}
	}
}

func TestAttemptsNumberedInLog(t *testing.T) {
	s := &tokenServer{}
	lg, buf := captureLog()
	c := newAuthClient(t, s, WithLogger(lg))
	if _, err := c.Do(context.Background(), Request{Path: "/warmup"}, nil); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.current = "rotated"
	s.mu.Unlock()
	if _, err := c.Do(context.Background(), Request{Path: "/x"}, nil); err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	// The 401 and the resend with the fresh token are attempts 1 and 2.
	if !strings.Contains(log, `"path":"/x","attempt":1`) || !strings.Contains(log, `"path":"/x","attempt":2`) {
		t.Fatalf("attempts not numbered 1 and 2:\n%s", log)
	}
}

// once() must not change what goes on the wire: a bodiless GET stays
// bodiless (no chunked encoding, no Content-Length), a body keeps its length.
func TestOnceKeepsTheWireShape(t *testing.T) {
	for _, tt := range []struct {
		req    Request
		length int64
	}{
		{Request{Method: "GET", Path: "/w?action=deassign", Retry: RetryNever}, 0},
		{Request{Method: "DELETE", Path: "/w", Retry: RetryNever}, 0},
		{Request{Method: "POST", Path: "/w", Body: []byte(`{"a":1}`)}, 7},
	} {
		var te []string
		var cl int64 = -2
		c, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			te, cl = r.TransferEncoding, r.ContentLength
		}))
		start := time.Now()
		if _, err := c.Do(context.Background(), tt.req, nil); err != nil {
			t.Fatal(err)
		}
		if len(te) != 0 || cl != tt.length {
			t.Errorf("%s: transfer-encoding %v, content-length %d; want none and %d", tt.req.Method, te, cl, tt.length)
		}
		if d := time.Since(start); d > 150*time.Millisecond {
			t.Errorf("%s took %v: the empty body must not stall the transport's probe", tt.req.Method, d)
		}
	}
}

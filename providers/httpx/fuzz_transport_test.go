package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"0", "3", "86400", "86401", "99999999999999999999999", "-5", "1.5", " 7 ", "soon",
		now.Add(time.Minute).Format(http.TimeFormat), "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "1994-11-06"} {
		f.Add(s, now.Unix())
	}
	f.Fuzz(func(t *testing.T, v string, nowSec int64) {
		now := time.Unix(nowSec, 0)
		d, ok, capped := parseRetryAfter(http.Header{"Retry-After": {v}}, now)
		if !ok {
			if d != 0 || capped {
				t.Fatalf("%q: not ok but d=%v capped=%v", v, d, capped)
			}
			return
		}
		if d < 0 || d > RetryAfterCap {
			t.Fatalf("%q: wait %v outside [0, %v]", v, d, RetryAfterCap)
		}
		if capped && d != RetryAfterCap {
			t.Fatalf("%q: capped but d = %v", v, d)
		}
		d2, ok2, capped2 := parseRetryAfter(http.Header{"Retry-After": {v}}, now)
		if d2 != d || ok2 != ok || capped2 != capped {
			t.Fatalf("%q: not deterministic", v)
		}
	})
}

// roundTripper answers from memory: fuzzing a login through the whole
// client (auth cache, token request, error decoding, redaction) without
// sockets.
type roundTripper func(*http.Request) *http.Response

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	resp := f(r)
	resp.Request = r
	return resp, nil
}

func answer(status int, contentType string, body []byte) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
}

// FuzzTokenLogin: whatever the token endpoint answers (status, content
// type, body), the error an API call returns is short, free of control
// sequences, quotes no long run of the answer, and never carries the
// client secret nor a token the answer held.
func FuzzTokenLogin(f *testing.F) {
	for _, s := range []struct {
		status int
		ct     string
		body   string
	}{
		{200, "application/json", `{"access_token":"tok-1-abcdefgh","token_timeout":"3599"}`},
		{200, "application/json", `{"access_token":12345678901234567890123,"token_timeout":3599}`},
		{200, "application/json", `{"access_token":""}`},
		{200, "text/html", `<html>login</html>`},
		{400, "application/json", `{"error":"invalid_client","error_description":"Client authentication failed for the-client-secret"}`},
		{401, "application/problem+json", `{"type":"t","title":"\x1b[2JBearer eyJhbGciOiJIUzI1NiJ9.abc.def","status":401}`},
		{500, "text/html", `<html><title>` + strings.Repeat("A", 5000) + `</title></html>`},
		{429, "", ``},
		{302, "", ``},
	} {
		f.Add(s.status, s.ct, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 599 {
			status = 100 + (status%500+500)%500
		}
		tokenCalls := 0
		rt := roundTripper(func(r *http.Request) *http.Response {
			if strings.HasSuffix(r.URL.Path, "/oauth2/v1/token") {
				tokenCalls++
				return answer(status, contentType, body)
			}
			if r.Header.Get("Authorization") == "" {
				return answer(401, "", nil)
			}
			return answer(200, "application/json", []byte(`{"ok":true}`))
		})
		var c *Client
		c, err := New("https://api.example.net/v1", WithProvider("fz"), WithHTTPClient(&http.Client{Transport: rt}),
			WithAuth(CachedBearer(providerLogin(&c))), WithSecrets("the-client-secret"),
			WithRetry(RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Do(context.Background(), Request{Path: "/x"}, nil)
		if tokenCalls != 1 {
			t.Fatalf("token endpoint called %d times: a login is never repeated", tokenCalls)
		}
		if err == nil {
			return
		}
		msg := err.Error()
		if strings.Contains(msg, "the-client-secret") {
			t.Fatalf("client secret in %q", msg)
		}
		if errors.Is(err, model.ErrOutcomeUnknown) {
			t.Fatalf("a login is not a mutation: %v", err)
		}
		if len([]rune(msg)) > 1500 || model.SafeText(msg) != msg {
			t.Fatalf("error unbounded or unsafe: %.300q", msg)
		}
		// The server's own error text may be quoted (bounded, above); a
		// token it sent must not be, however it was typed.
		var tok struct {
			AccessToken any `json:"access_token"`
		}
		if DecodeJSON(body, &tok) == nil {
			if s, ok := tok.AccessToken.(string); ok && len(s) >= 8 && strings.Contains(msg, s) {
				t.Fatalf("token %q echoed in %q", s, msg)
			}
		}
	})
}

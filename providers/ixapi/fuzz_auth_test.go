package ixapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// checkCleanError is what every decode error must hold: it says the
// answer was bad, is short, carries no control sequence, and quotes no
// more than an excerpt (40 runes) of the body.
func checkCleanError(t *testing.T, err error, body []byte) {
	t.Helper()
	if !errors.Is(err, model.ErrBadResponse) {
		t.Fatalf("error %v does not wrap ErrBadResponse", err)
	}
	msg := err.Error()
	if utf8.RuneCountInString(msg) > 400 || model.SafeText(msg) != msg {
		t.Fatalf("error unbounded or unsafe: %.300q", msg)
	}
	for i := 0; i+41 <= len(body); i++ {
		if strings.Contains(msg, string(body[i:i+41])) {
			t.Fatalf("error quotes 41+ bytes of the body: %q", msg)
		}
	}
}

func FuzzDecodePeerStatistics(f *testing.F) {
	for _, s := range []string{
		`[{"asn":64500,"mac_address":"02:00:00:00:00:01","ip_addresses":["192.0.2.1"],"aggregates":{"1d":{"precision":300,"average_pps_in":1}}}]`,
		`{"peers":[{"asn":"64500","aggregates":null}]}`,
		`[{"asn":` + strings.Repeat("9", 320) + `}]`,
		`{"peers":{"` + strings.Repeat("x", 200) + `":1}}`,
		`[{"name":"\u001b]0;pwned\u0007"}]`, `[`, ``, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := decodePeerStatistics(b)
		if err != nil {
			checkCleanError(t, err, b)
			return
		}
		for _, p := range ps {
			for _, rng := range []time.Duration{time.Hour, 30 * 24 * time.Hour} {
				if name, a, ok := chooseAggregate(p.Aggregates, rng); ok && (PrecisionDuration(a.Precision) <= 0 || !validAggregate.MatchString(name)) {
					t.Fatalf("chose an unusable aggregate %q %+v", name, a)
				}
			}
		}
	})
}

func FuzzDecodeRTT(f *testing.F) {
	for _, s := range []string{
		`{"aggregates":{"1h":{"precision":300,"average_rtt":1.5,"minimum_rtt":0.9,"maximum_rtt":3.2}}}`,
		`{"aggregates":{"1h":{"average_rtt":"1.5"}}}`,
		`{"aggregates":{"1h":{"precision":` + strings.Repeat("1", 400) + `}}}`,
		`[]`, `{`, ``, `{"aggregates":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRTT(b)
		if err != nil {
			checkCleanError(t, err, b)
			if len(r.Aggregates) != 0 {
				t.Fatal("aggregates returned with an error")
			}
			return
		}
		for name, a := range r.Aggregates {
			_, _ = name, a.Title
		}
	})
}

// memTransport answers from memory, so a fuzzer can drive the whole login.
type memTransport func(*http.Request) (int, []byte)

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	status, body := m(r)
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// FuzzAuthToken: whatever /auth/token (or, after a 401, /auth/refresh)
// answers, logins are never repeated in a loop, a success puts exactly the
// access token it got on the next request, and a failure is a short, clean
// error quoting neither the API secret nor a token the answer carried.
func FuzzAuthToken(f *testing.F) {
	for _, s := range []struct {
		refresh bool
		status  int
		body    string
	}{
		{false, 200, `{"access_token":"ix-access-abcdefgh","refresh_token":"ix-refresh-abcdefgh"}`},
		{false, 200, `{"access_token":12345678901234567890123456789,"refresh_token":null}`},
		{false, 401, `{"type":"https://errors.ix-api.net/v2/authentication-error.html","title":"Authentication Credentials Invalid","status":401,"detail":"ix-api-secret-fuzz-01"}`},
		{true, 200, `{"access_token":"ix-access-2-abcdefgh"}`},
		{true, 400, `{"title":"Invalid refresh token","status":400}`},
		{true, 500, `<html>down</html>`},
	} {
		f.Add(s.refresh, s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, refresh bool, status int, body []byte) {
		if status < 100 || status > 599 {
			status = 100 + (status%500+500)%500
		}
		logins, refreshes, api := 0, 0, 0
		sentAuth := ""
		rt := memTransport(func(r *http.Request) (int, []byte) {
			switch strings.TrimPrefix(r.URL.Path, "/api/v2") {
			case TokenPath:
				logins++
				if refresh && logins == 1 {
					return 200, []byte(`{"access_token":"ix-first-access-token","refresh_token":"ix-first-refresh-token"}`)
				}
				if refresh {
					return 200, []byte(`{"access_token":"ix-relogin-access-token"}`)
				}
				return status, body
			case RefreshPath:
				refreshes++
				return status, body
			}
			api++
			sentAuth = r.Header.Get("Authorization")
			if refresh && api == 1 {
				return 401, []byte(`{"title":"expired","status":401}`)
			}
			return 200, []byte(`{"id":"C-1","name":"c","state":"production","mode":"lag_lacp"}`)
		})
		p, err := New("fz", "https://ix.example.net/api/v2", Credentials{APIKey: "ix-api-key-fuzz-01", APISecret: "ix-api-secret-fuzz-01"},
			httpx.WithHTTPClient(&http.Client{Transport: rt}), httpx.WithRetry(httpx.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Connection(context.Background(), "conn:C-1")
		if logins > 2 || refreshes > 1 {
			t.Fatalf("%d logins, %d refreshes for one read", logins, refreshes)
		}
		var at AuthToken
		decoded := httpx.DecodeJSON(body, &at) == nil
		if err == nil {
			if !refresh && sentAuth != "Bearer "+at.AccessToken {
				t.Fatalf("sent %q after a token answer %q", sentAuth, body)
			}
			return
		}
		msg := err.Error()
		for _, s := range []string{"ix-api-secret-fuzz-01", "ix-first-refresh-token"} {
			if strings.Contains(msg, s) {
				t.Fatalf("secret in %q", msg)
			}
		}
		if decoded && len(at.AccessToken) >= 8 && strings.Contains(msg, at.AccessToken) {
			t.Fatalf("token in %q", msg)
		}
		if utf8.RuneCountInString(msg) > 1500 || model.SafeText(msg) != msg {
			t.Fatalf("error unbounded or unsafe: %.300q", msg)
		}
	})
}

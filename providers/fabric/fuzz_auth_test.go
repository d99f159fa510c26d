package fabric

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

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

// FuzzTokenResponse: whatever the OAuth token endpoint answers, a login is
// sent once, a success puts exactly the access token it got on the next
// request, and a failure is a short, clean error that quotes neither the
// client secret nor the token the answer carried.
func FuzzTokenResponse(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"access_token":"tok-abcdefgh-1","token_timeout":"3599","token_type":"Bearer"}`},
		{200, `{"access_token":"tok-abcdefgh-1","token_timeout":3599}`},
		{200, `{"access_token":1234567890123456789012345678901234567890}`},
		{200, `{"token_timeout":"3599 (60 minutes)"}`},
		{400, `{"error":"invalid_client","error_description":"bad client-secret-fuzz-01"}`},
		{401, `[{"errorCode":"EQ-3000039","errorMessage":"\u001b]52;c;aGk=\u0007unauthorized"}]`},
		{503, `<html><title>down</title></html>`},
	} {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			status = 100 + (status%500+500)%500
		}
		tokens, sentAuth := 0, ""
		rt := memTransport(func(r *http.Request) (int, []byte) {
			if r.URL.Path == TokenPath {
				tokens++
				return status, body
			}
			sentAuth = r.Header.Get("Authorization")
			return 200, []byte(`{"uuid":"abc-1","name":"c","type":"EVPL_VC","state":"ACTIVE","aSide":{},"zSide":{}}`)
		})
		p, err := New("fz", "https://api.example.net", Credentials{ClientID: "client-id-fuzz", ClientSecret: "client-secret-fuzz-01"},
			httpx.WithHTTPClient(&http.Client{Transport: rt}), httpx.WithRetry(httpx.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Connection(context.Background(), "abc-1")
		if tokens != 1 {
			t.Fatalf("token endpoint called %d times", tokens)
		}
		var tr TokenResponse
		decoded := httpx.DecodeJSON(body, &tr) == nil
		if err == nil {
			if !decoded || sentAuth != "Bearer "+tr.AccessToken {
				t.Fatalf("sent %q after a token answer %q", sentAuth, body)
			}
			return
		}
		msg := err.Error()
		if strings.Contains(msg, "client-secret-fuzz-01") || (decoded && len(tr.AccessToken) >= 8 && strings.Contains(msg, tr.AccessToken)) {
			t.Fatalf("secret in %q", msg)
		}
		if utf8.RuneCountInString(msg) > 1500 || model.SafeText(msg) != msg {
			t.Fatalf("error unbounded or unsafe: %.300q", msg)
		}
	})
}

func FuzzParseTokenTimeout(f *testing.F) {
	for _, s := range []string{"3599", "3599 (60 minutes)", " 60", "0", "-1", "99999999999999999999", "1e3", "", "31622400", "31622401"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseTokenTimeout(s)
		if !ok {
			if d != 0 {
				t.Fatalf("%q: not ok but %v", s, d)
			}
			return
		}
		if d <= 0 || d > 366*24*time.Hour || d%time.Second != 0 {
			t.Fatalf("%q: lifetime %v", s, d)
		}
		if v := strings.TrimSpace(s); v == "" || v[0] < '0' || v[0] > '9' {
			t.Fatalf("%q: accepted a timeout that does not start with a digit", s)
		}
	})
}

package provision

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// memTransport answers from memory, so a fuzzer can drive the client.
type memTransport func(*http.Request) (int, []byte)

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	status, body := m(r)
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"text/html"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// FuzzSingleQuotedEnvelope: the reference prints failures as
// {'success':0, 'message':'…'} (not JSON). Whatever the message holds, on
// a 200 or an error status, it is understood as a failure, and what
// reaches the operator is short, free of control characters, and never
// carries the API key or secret, even when the server echoes them.
func FuzzSingleQuotedEnvelope(f *testing.F) {
	f.Add("Invalid hash", 200, "0", " ")
	f.Add("Block 10.0.0.0/8 not found", 500, "false", "")
	f.Add("bad key pv-secret-fuzz-01 \x1b[2J\x1b]52;c;aGk=\x07", 200, "'0'", "\n")
	f.Add(strings.Repeat("long message ", 100), 403, "0", "  ")
	f.Add(`it\'s broken`, 200, "0", "")
	f.Fuzz(func(t *testing.T, msg string, status int, zero, space string) {
		if status < 200 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		if strings.Trim(space, " \t\r\n") != "" {
			space = " "
		}
		switch zero {
		case "0", "false", "'0'", "'false'":
		default:
			zero = "0"
		}
		escaped := strings.ReplaceAll(strings.ReplaceAll(msg, `\`, `\\`), `'`, `\'`)
		body := []byte("{" + space + "'success'" + space + ":" + space + zero + "," + space + "'message'" + space + ":" + space + "'" + escaped + "'" + space + "}")

		env, err := parseEnvelope(body, func(m string) error {
			return envelopeError("fz", "GET", "get", 200, m, []string{"pv-secret-fuzz-01", "pv-key-fuzz-0001"})
		})
		var e *Error
		if singleQuoted.Match(body) {
			if !errors.As(err, &e) {
				t.Fatalf("single-quoted failure %q not understood: env %+v err %v", body, env, err)
			}
			checkShown(t, e.Error())
		} else if err == nil {
			t.Fatalf("a failure body %q decoded as success", body)
		}

		// The same body through the client, as a 200 or an error status.
		c, cerr := NewClient("https://ipam.example.net", Credentials{APIKey: "pv-key-fuzz-0001", SecretKey: "pv-secret-fuzz-01"},
			httpx.WithHTTPClient(&http.Client{Transport: memTransport(func(*http.Request) (int, []byte) { return status, body })}),
			httpx.WithRetry(httpx.RetryPolicy{MaxAttempts: 1, Sleep: func(context.Context, time.Duration) error { return nil }}))
		if cerr != nil {
			t.Fatal(cerr)
		}
		_, err = c.GetBlocks(context.Background(), Params{}, 0, 10)
		if err == nil {
			t.Fatalf("status %d body %q: no error", status, body)
		}
		if errors.Is(err, model.ErrOutcomeUnknown) {
			t.Fatalf("a read is not a mutation: %v", err)
		}
		checkShown(t, err.Error())
	})
}

func checkShown(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{"pv-secret-fuzz-01", "pv-key-fuzz-0001"} {
		if strings.Contains(s, secret) {
			t.Fatalf("secret in %q", s)
		}
	}
	if utf8.RuneCountInString(s) > 1500 {
		t.Fatalf("message of %d runes", utf8.RuneCountInString(s))
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError {
			t.Fatalf("control character %U in %q", r, s)
		}
	}
}

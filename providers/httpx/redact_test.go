package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		{"secret", "login with s3cr3t failed", []string{"s3cr3t"}, "login with [REDACTED] failed"},
		{"every occurrence", "a=s3cr3t b=s3cr3t", []string{"s3cr3t"}, "a=[REDACTED] b=[REDACTED]"},
		{"short secrets ignored", "abc is fine", []string{"abc", ""}, "abc is fine"},
		{"longest first", "xx abcdef yy", []string{"abcd", "abcdef"}, "xx [REDACTED] yy"},
		{"url-encoded form", "q=p%40ss+w%2Frd%21", []string{"p@ss w/rd!"}, "q=[REDACTED]"},
		{"path-encoded form", "/users/p@ss%20w%2Frd%21", []string{"p@ss w/rd!"}, "/users/[REDACTED]"},
		{"bearer", "sent Authorization: Bearer eyJhbGciOi.J9x_y-z", nil, "sent Authorization: Bearer [REDACTED]"},
		{"basic", "Basic dXNlcjpwYXNzd29yZA==", nil, "Basic [REDACTED]"},
		{"bearer prose kept", "Bearer authentication required", nil, "Bearer authentication required"},
		{"apiKey param", "GET /x?apiKey=AK998877&limit=5", nil, "GET /x?apiKey=[REDACTED]&limit=5"},
		{"api_key param", "api_key=zz-top-1", nil, "api_key=[REDACTED]"},
		{"hash param", "/v1/list?user=u&hash=0a1b2c3d", nil, "/v1/list?user=u&hash=[REDACTED]"},
		{"access_token param", "?access_token=abc.def", nil, "?access_token=[REDACTED]"},
		{"client_secret form", "grant_type=x&client_secret=shh12345", nil, "grant_type=x&client_secret=[REDACTED]"},
		{"password param", "password=hunter2", nil, "password=[REDACTED]"},
		{"json field", `{"client_secret": "shh12345", "id": "x"}`, nil, `{"client_secret": "[REDACTED]", "id": "x"}`},
		{"json password", `{"Password":"p w"}`, nil, `{"Password":"[REDACTED]"}`},
		{"json escaped quote", `{"token":"a\"b","n":1}`, nil, `{"token":"[REDACTED]","n":1}`},
		{"prose about tokens kept", "the access token has expired", nil, "the access token has expired"},
		{"empty", "", []string{"x1234"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in, tt.secrets...); got != tt.want {
				t.Fatalf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRedactionEverywhere drives every error path with secrets in play and
// checks neither the errors nor the log ever carry them.
func TestRedactionEverywhere(t *testing.T) {
	const (
		clientSecret = "the-client-secret"
		apiKey       = "AK-99887766"
		hash         = "deadbeef0123"
	)
	log, logBuf := captureLog()
	s := &tokenServer{}
	var issued string
	s.apiReply = func(n int32, w http.ResponseWriter, r *http.Request) {
		issued = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Correlation-Id", "corr-"+issued)
		w.WriteHeader(400)
		// A careless server echoing everything back.
		w.Write([]byte(`{"message":"bad request ` + r.Header.Get("Authorization") + ` for ` + issued + ` with ` + clientSecret +
			`","details":"see https://x/y?apiKey=` + apiKey + `&hash=` + hash + `","code":"` + issued + `"}`))
	}
	c := newAuthClient(t, s, WithLogger(log), WithSecrets(apiKey))
	_, err := c.Do(context.Background(), Request{Path: "/v1/things/" + issued + "?apiKey=" + apiKey + "&hash=" + hash}, nil)
	var ae *model.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	if issued == "" {
		t.Fatal("no token was sent")
	}
	errs := []string{err.Error()}

	// Transport error with secrets in the query.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	c2, _ := New(deadURL, WithProvider("p"), WithLogger(log), WithAuth(StaticBearer(issued)), WithSecrets(apiKey),
		WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err = c2.Do(context.Background(), Request{Path: "/x/" + apiKey + "?hash=" + hash + "&k=" + apiKey}, nil)
	if err == nil {
		t.Fatal("want a connection error")
	}
	errs = append(errs, err.Error())

	// Malformed body on a path holding a secret.
	h := &scripted{steps: steps(body(200, "application/json", `{"token": "`+issued+`"`))}
	c3, _ := newServer(t, h, WithLogger(log), WithAuth(StaticBearer(issued)), WithSecrets(apiKey))
	_, err = c3.Do(context.Background(), Request{Path: "/y/" + apiKey}, &struct{}{})
	if !errors.Is(err, model.ErrBadResponse) {
		t.Fatalf("err = %v", err)
	}
	errs = append(errs, err.Error())

	logs := logBuf.String()
	if !strings.Contains(logs, "http attempt") {
		t.Fatal("nothing was logged: the test would prove nothing")
	}
	for _, secret := range []string{issued, clientSecret, apiKey, hash} {
		for _, e := range errs {
			if strings.Contains(e, secret) {
				t.Errorf("error leaks %q: %s", secret, e)
			}
		}
		if strings.Contains(logs, secret) {
			t.Errorf("log leaks %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(errs[0], "[REDACTED]") {
		t.Errorf("expected visible redaction markers: %s", errs[0])
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain message", "plain message"},
		{"  padded \t\n  lines\r\n", "padded lines"},
		{"osc52 \x1b]52;c;SGk=\x07 title \x1b]0;x\x07", "osc52 ␛]52;c;SGk=␇ title ␛]0;x␇"},
		{"clear\x1b[2J c1\u009b2J", "clear␛[2J c1\uFFFD2J"},
		{"bidi \u202eabc del\x7f bad\xff", "bidi \uFFFDabc del␡ bad\uFFFD"},
		{"nel\u0085line sep\u2028x", "nel line sep x"},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

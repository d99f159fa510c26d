package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// kindConfig stands for a provider's client config: it embeds Settings.
type kindConfig struct {
	Settings
	scope string
}

type otherConfig struct{ Settings }

func TestSharedOptionsReachAnyConfig(t *testing.T) {
	now := func() time.Time { return time.Unix(42, 0) }
	var k kindConfig
	err := Apply(&k, []Option{WithProvider("p1"), WithTimeout(7 * time.Second), WithClock(now), WithUserAgent("ua/1"),
		WithBounds(Bounds{MaxItems: 10, MaxPages: 3}), WithBounds(Bounds{Deadline: time.Minute}), WithRetry(RetryPolicy{MaxAttempts: 1}), WithMaxBody(99),
		Own(func(c *kindConfig) { c.scope = "proj" })})
	if err != nil {
		t.Fatal(err)
	}
	if k.Provider != "p1" || k.Timeout != 7*time.Second || k.Clock().Unix() != 42 || k.UserAgent != "ua/1" ||
		k.Bounds != (Bounds{MaxItems: 10, MaxPages: 3, Deadline: time.Minute}) || k.Retry == nil || k.Retry.MaxAttempts != 1 || k.MaxBody != 99 || k.scope != "proj" {
		t.Fatalf("config %+v", k)
	}
}

// An option of one config type given to another is an error, never
// silently dropped: a provider's own option handed to another provider,
// or the low-level Client's auth handed to a provider.
func TestOwnOptionRefusedElsewhere(t *testing.T) {
	var o otherConfig
	err := Apply(&o, []Option{Own(func(c *kindConfig) { c.scope = "x" })})
	if err == nil || !strings.Contains(err.Error(), "kindConfig") || !strings.Contains(err.Error(), "otherConfig") {
		t.Fatalf("err = %v", err)
	}
	if err := Apply(&o, []Option{WithAuth(StaticBearer("t"))}); err == nil {
		t.Fatal("the Client's WithAuth applied to a provider config")
	}
	if _, err := New("http://h", Own(func(c *kindConfig) {})); err == nil {
		t.Fatal("New accepted a provider's option")
	}
}

// WithSettings copies only what is set: zero fields keep earlier options.
func TestWithSettingsKeepsWhatIsUnset(t *testing.T) {
	var k kindConfig
	if err := Apply(&k, []Option{WithTimeout(time.Second), WithProvider("a"), WithSettings(Settings{UserAgent: "u"}), WithTimeout(0), WithHTTPClient(nil)}); err != nil {
		t.Fatal(err)
	}
	if k.Timeout != time.Second || k.Provider != "a" || k.UserAgent != "u" || k.HTTPClient != nil {
		t.Fatalf("config %+v", k)
	}
	p := RetryPolicy{MaxAttempts: 5}
	_ = Apply(&k, []Option{WithSettings(Settings{Retry: &p})})
	p.MaxAttempts = 9
	if k.Retry.MaxAttempts != 5 {
		t.Fatal("WithSettings kept a pointer to the caller's policy")
	}
}

func TestFillAndOverride(t *testing.T) {
	var s Settings
	s.Fill("ua")
	if s.Logger == nil || s.Clock == nil || s.UserAgent != "ua" {
		t.Fatalf("%+v", s)
	}
	s = Settings{UserAgent: "mine"}
	s.Fill("ua")
	if s.UserAgent != "mine" {
		t.Fatal("Fill replaced a set user agent")
	}
	// A provider's default bound stays unless an option sets that field.
	b := Bounds{MaxItems: 7, MaxPages: 9}.Override(Bounds{MaxPages: 3})
	if b != (Bounds{MaxItems: 7, MaxPages: 3}) {
		t.Fatalf("Override: %+v", b)
	}
}

// The Client reads its settings: the user agent goes out on every request,
// the timeout bounds each attempt.
func TestClientUsesSettings(t *testing.T) {
	var ua atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.Header.Get("User-Agent"))
		if r.URL.Path == "/slow" {
			time.Sleep(300 * time.Millisecond)
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c, err := New(srv.URL, WithUserAgent("noctop-test/1"), WithTimeout(50*time.Millisecond), WithRetry(RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(context.Background(), Request{Path: "/x"}, nil); err != nil {
		t.Fatal(err)
	}
	if ua.Load() != "noctop-test/1" {
		t.Fatalf("User-Agent %v", ua.Load())
	}
	if _, err := c.Do(context.Background(), Request{Path: "/slow"}, nil); err == nil {
		t.Fatal("the 50ms timeout did not apply")
	}
	if c.Settings().UserAgent != "noctop-test/1" {
		t.Fatal("Settings()")
	}
}

// A login client never repeats a request, whatever the settings' retry
// policy says (a refused login repeated locks accounts).
func TestLoginClientNeverRetries(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	s := Settings{Provider: "p", Retry: &RetryPolicy{MaxAttempts: 5, Sleep: func(context.Context, time.Duration) error { return nil }}}
	c, err := s.LoginClient(srv.URL, nil, "secret-value")
	if err != nil {
		t.Fatal(err)
	}
	// A GET would be retried by any other client.
	if _, err := c.Do(context.Background(), Request{Path: "/token"}, nil); err == nil {
		t.Fatal("503 accepted")
	}
	if n.Load() != 1 {
		t.Fatalf("login client sent %d requests", n.Load())
	}
}

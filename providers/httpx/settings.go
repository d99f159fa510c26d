package httpx

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Settings are what every client built on this package shares. The
// low-level Client holds them, and each provider's client config embeds
// them, so one set of options configures either:
//
//	httpx.New(url, httpx.WithTimeout(10*time.Second))
//	fabric.New("fabric-prod", url, creds, httpx.WithTimeout(10*time.Second))
//
// Zero fields mean "the default" of whoever reads them.
type Settings struct {
	// Provider labels errors and log lines with the instance name
	// ("fabric-prod").
	Provider string
	// HTTPClient carries the transport, proxies and TLS (nil: a default
	// transport keeping idle connections for concurrent paging).
	HTTPClient *http.Client
	// Timeout bounds each attempt, reading the body included (0: 30s).
	Timeout time.Duration
	// Logger receives attempt and warning lines; never a secret (nil:
	// discard).
	Logger *slog.Logger
	// Retry is the policy for requests that may be repeated (nil: the
	// defaults). Mutations and logins are never repeated whatever it says.
	Retry *RetryPolicy
	// MaxBody caps response bodies (0: 32 MiB).
	MaxBody int64
	// Clock replaces time.Now: token expiry, Retry-After dates, result
	// timestamps, cache ages (nil: time.Now).
	Clock func() time.Time
	// UserAgent is sent on every request (empty: the provider's own).
	UserAgent string
	// Bounds limit one listing: items kept, pages requested, time for the
	// whole listing (zero fields: the provider's defaults, else httpx's).
	// Past them a listing is marked incomplete, never silently short.
	Bounds Bounds
}

// Configurable is a config that holds Settings: the Client, and each
// provider's client config by embedding Settings (the method is promoted,
// which is what lets the shared options below reach a provider's config).
type Configurable interface {
	httpxSettings() *Settings
}

func (s *Settings) httpxSettings() *Settings { return s }

// Option configures a Client or a provider's client. The shared options
// (WithTimeout, WithLogger, ...) apply to every Configurable; an option of
// one config type only (Own) fails on any other, so a provider's option
// handed to another provider is an error, not silently ignored.
type Option func(Configurable) error

// Apply applies opts to c in order; the first failing option's error is
// returned.
func Apply(c Configurable, opts []Option) error {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return err
		}
	}
	return nil
}

func shared(f func(*Settings)) Option {
	return func(c Configurable) error {
		f(c.httpxSettings())
		return nil
	}
}

// Own is an option of one config type: a provider's own setting (an
// organisation scope, a page size), or one of the Client's (auth, error
// decoder). Applied to a config of another type it fails.
func Own[C Configurable](f func(C)) Option {
	return func(c Configurable) error {
		x, ok := c.(C)
		if !ok {
			var want C
			return fmt.Errorf("httpx: an option for %T was given to %T", want, c)
		}
		f(x)
		return nil
	}
}

// WithSettings sets every non-zero field of s (the registry builds one
// Settings value from the config; a provider hands its own to httpx.New).
func WithSettings(s Settings) Option {
	return shared(func(d *Settings) {
		if s.Provider != "" {
			d.Provider = s.Provider
		}
		if s.HTTPClient != nil {
			d.HTTPClient = s.HTTPClient
		}
		if s.Timeout > 0 {
			d.Timeout = s.Timeout
		}
		if s.Logger != nil {
			d.Logger = s.Logger
		}
		if s.Retry != nil {
			p := *s.Retry
			d.Retry = &p
		}
		if s.MaxBody > 0 {
			d.MaxBody = s.MaxBody
		}
		if s.Clock != nil {
			d.Clock = s.Clock
		}
		if s.UserAgent != "" {
			d.UserAgent = s.UserAgent
		}
		d.Bounds = d.Bounds.Override(s.Bounds)
	})
}

// WithProvider sets the label put into errors and log lines ("fabric-prod").
func WithProvider(name string) Option { return WithSettings(Settings{Provider: name}) }

// WithHTTPClient replaces the underlying *http.Client (nil is ignored).
// Its Timeout, if any, applies on top of the per-attempt timeout. The
// Client copies it and installs the redirect policy on the copy (see
// redirect.go); its own CheckRedirect, if any, still runs for the
// redirects we allow.
func WithHTTPClient(hc *http.Client) Option { return WithSettings(Settings{HTTPClient: hc}) }

// WithTimeout bounds each attempt, including reading the body (default 30s;
// d <= 0 keeps the default).
func WithTimeout(d time.Duration) Option { return WithSettings(Settings{Timeout: d}) }

// WithLogger sets the logger (default: discard). Lines never carry
// headers, bodies or secrets.
func WithLogger(l *slog.Logger) Option { return WithSettings(Settings{Logger: l}) }

// WithRetry sets the retry policy of repeatable requests; zero fields take
// their defaults.
func WithRetry(p RetryPolicy) Option { return WithSettings(Settings{Retry: &p}) }

// WithMaxBody caps response bodies (default 32 MiB; n <= 0 keeps the
// default).
func WithMaxBody(n int64) Option { return WithSettings(Settings{MaxBody: n}) }

// WithClock replaces time.Now (nil is ignored).
func WithClock(now func() time.Time) Option { return WithSettings(Settings{Clock: now}) }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return WithSettings(Settings{UserAgent: ua}) }

// WithBounds bounds one listing: items kept, pages requested, time for
// every page together. Zero fields keep what was set before (the
// provider's default): WithBounds(Bounds{MaxItems: 500}) changes only the
// item cap. The registry sets it from a table's max_items and
// listing_timeout.
func WithBounds(b Bounds) Option { return WithSettings(Settings{Bounds: b}) }

// Fill sets the fields a provider client reads directly to their defaults
// when unset: the logger (discard), the clock (time.Now) and the user
// agent (ua). The HTTP client is left to New (a default transport keeping
// enough idle connections for concurrent paging).
func (s *Settings) Fill(ua string) {
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Clock == nil {
		s.Clock = time.Now
	}
	if s.UserAgent == "" {
		s.UserAgent = ua
	}
}

// LoginClient is the client of a token endpoint at baseURL: s's transport,
// timeout, logger and user agent, the given error decoder, no retry at all
// (a refused login must never be repeated: a few failed attempts lock an
// account; a 5xx or a timeout is left to the next refresh, so logins are
// never hammered), a 1 MiB body cap, and secrets redacted.
func (s Settings) LoginClient(baseURL string, decode ErrorDecoder, secrets ...string) (*Client, error) {
	return New(baseURL,
		WithSettings(Settings{Provider: s.Provider, HTTPClient: s.HTTPClient, Timeout: s.Timeout, Logger: s.Logger, Clock: s.Clock, UserAgent: s.UserAgent}),
		WithErrorDecoder(decode),
		WithRetry(RetryPolicy{MaxAttempts: 1}),
		WithMaxBody(1<<20),
		WithSecrets(secrets...),
	)
}

// BearerOrLogin is the Auth of an API that takes a ready-made bearer token
// or logs in for one: a token, when set, is sent as it is; otherwise login
// builds the token fetch on a login client (LoginClient: never retried)
// and the token is cached and renewed skew before it expires (s.Clock).
func (s Settings) BearerOrLogin(baseURL string, token Secret, decode ErrorDecoder, secrets []string, skew time.Duration,
	login func(tc *Client) TokenFunc) (Auth, error) {
	if token != "" {
		return StaticBearer(token.Value()), nil
	}
	tc, err := s.LoginClient(baseURL, decode, secrets...)
	if err != nil {
		return nil, err
	}
	return CachedBearer(login(tc), WithTokenClock(s.Clock), WithSkew(skew)), nil
}

// Configure applies opts to a provider's config c (holding the kind's
// defaults), then fills the shared defaults (Fill with the user agent ua).
func Configure(c Configurable, ua string, opts []Option) error {
	if err := Apply(c, opts); err != nil {
		return err
	}
	c.httpxSettings().Fill(ua)
	return nil
}

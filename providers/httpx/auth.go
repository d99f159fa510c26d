package httpx

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
)

// Auth adds credentials to a request.
type Auth interface {
	Apply(ctx context.Context, r *http.Request) error
	// Invalidate drops a cached credential after a 401. It returns false when
	// a retry cannot help (static token).
	Invalidate() bool
}

// requestInvalidator is Invalidate that knows which credential the failed
// request carried: when several requests get a 401 for the same expired
// token, only the first one drops it and the rest reuse the fresh one.
type requestInvalidator interface {
	invalidateFor(r *http.Request) bool
}

var errNoToken = errors.New("no API token configured")

// staticHeader sends a fixed credential in one header.
type staticHeader struct {
	header, prefix, token string
}

// StaticBearer sends "Authorization: Bearer <token>".
func StaticBearer(token string) Auth {
	return staticHeader{header: "Authorization", prefix: "Bearer ", token: token}
}

// HeaderToken sends "<header>: <token>" (e.g. X-Auth-Token).
func HeaderToken(header, token string) Auth {
	return staticHeader{header: header, token: token}
}

func (s staticHeader) Apply(_ context.Context, r *http.Request) error {
	if s.token == "" {
		return errNoToken
	}
	r.Header.Set(s.header, s.prefix+s.token)
	return nil
}

// Invalidate returns false: resending the same static token cannot help.
func (staticHeader) Invalidate() bool { return false }

func (s staticHeader) Secrets() []string { return []string{s.token} }

// Token is a credential with an expiry (zero Expiry = unknown -> treated as
// valid until a 401).
type Token struct {
	Access  string
	Refresh string // refresh token if the API issued one
	Expiry  time.Time
}

// TokenFunc obtains a token. prev is the last token (zero on first call): an
// API with a refresh endpoint uses prev.Refresh, and falls back to a full
// login itself if the refresh fails.
type TokenFunc func(ctx context.Context, prev Token) (Token, error)

// TokenOption configures CachedBearer.
type TokenOption func(*tokenCache)

// WithSkew sets how long before Expiry a token is renewed (default 60s).
// For tokens that live less than twice the skew, half their lifetime is used.
func WithSkew(d time.Duration) TokenOption {
	return func(t *tokenCache) {
		if d >= 0 {
			t.skew = d
		}
	}
}

// WithHeaderName sets the header and value prefix (default "Authorization", "Bearer ").
func WithHeaderName(name, prefix string) TokenOption {
	return func(t *tokenCache) { t.header, t.prefix = name, prefix }
}

// WithTokenClock replaces time.Now (tests).
func WithTokenClock(now func() time.Time) TokenOption {
	return func(t *tokenCache) {
		if now != nil {
			t.now = now
		}
	}
}

// WithRejectHold sets how long a credential rejection from the token
// endpoint (an *model.APIError with status 400, 401 or 403) is remembered and
// returned without asking again (default 5m): repeated bad logins lock
// accounts. 0 disables the hold.
func WithRejectHold(d time.Duration) TokenOption {
	return func(t *tokenCache) {
		if d >= 0 {
			t.rejectHold = d
		}
	}
}

// tokenCache implements CachedBearer.
type tokenCache struct {
	fetch      TokenFunc
	skew       time.Duration
	header     string
	prefix     string
	now        func() time.Time
	rejectHold time.Duration

	mu        sync.Mutex
	tok       Token     // last token obtained (kept after invalidation for prev.Refresh)
	old       Token     // the one before: late requests may still quote it
	fetchedAt time.Time // when tok was obtained
	valid     bool      // tok may be used
	flight    *flight   // the fetch in progress, if any
	rejected  error     // last credential rejection ...
	rejectAt  time.Time // ... and when it happened
}

// flight is one fetch in progress that other callers wait for.
type flight struct {
	done       chan struct{}
	tok        Token
	err        error
	leaderGone bool // the fetching caller's ctx ended: no verdict on the credentials
}

// CachedBearer caches the token from fetch until Expiry-Skew, fetches at most
// once at a time (callers arriving meanwhile wait for that fetch), and
// refreshes on expiry or after Invalidate. A failed fetch is returned by
// Apply and not retried here; see WithRejectHold.
func CachedBearer(fetch TokenFunc, opts ...TokenOption) Auth {
	t := &tokenCache{
		fetch:      fetch,
		skew:       60 * time.Second,
		header:     "Authorization",
		prefix:     "Bearer ",
		now:        time.Now,
		rejectHold: 5 * time.Minute,
	}
	for _, o := range opts {
		o(t)
	}
	return t
}

func (t *tokenCache) Apply(ctx context.Context, r *http.Request) error {
	tok, err := t.token(ctx)
	if err != nil {
		return err
	}
	r.Header.Set(t.header, t.prefix+tok.Access)
	return nil
}

// token returns a usable token, fetching one if needed (single flight).
func (t *tokenCache) token(ctx context.Context) (Token, error) {
	for {
		t.mu.Lock()
		if t.valid && t.fresh() {
			tok := t.tok
			t.mu.Unlock()
			return tok, nil
		}
		if t.rejected != nil && t.now().Sub(t.rejectAt) < t.rejectHold {
			err := t.rejected
			t.mu.Unlock()
			return Token{}, err
		}
		if f := t.flight; f != nil {
			t.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return Token{}, ctx.Err()
			}
			// The leader's ctx ending is no verdict on the credentials:
			// loop and, if ours is still live, fetch ourselves.
			if f.err != nil && f.leaderGone && ctx.Err() == nil {
				continue
			}
			return f.tok, f.err
		}
		f := &flight{done: make(chan struct{})}
		t.flight = f
		prev := t.tok
		t.mu.Unlock()

		f.tok, f.err = t.callFetch(ctx, prev)
		f.leaderGone = ctx.Err() != nil

		t.mu.Lock()
		t.flight = nil
		if f.err == nil {
			t.old = t.tok
			t.tok, t.fetchedAt, t.valid, t.rejected = f.tok, t.now(), true, nil
		} else if isRejection(f.err) {
			t.rejected, t.rejectAt = f.err, t.now()
		}
		t.mu.Unlock()
		close(f.done)
		return f.tok, f.err
	}
}

// callFetch runs fetch, turning a panic or an empty token into an error.
func (t *tokenCache) callFetch(ctx context.Context, prev Token) (tok Token, err error) {
	defer func() {
		if recover() != nil {
			tok, err = Token{}, errors.New("token fetch failed unexpectedly")
		}
	}()
	tok, err = t.fetch(ctx, prev)
	if err == nil && tok.Access == "" {
		err = errors.New("token endpoint returned an empty access token")
	}
	return tok, err
}

// fresh reports whether t.tok is still usable; t.mu is held.
func (t *tokenCache) fresh() bool {
	if t.tok.Expiry.IsZero() {
		return true
	}
	skew := t.skew
	if life := t.tok.Expiry.Sub(t.fetchedAt); life < 2*skew {
		skew = life / 2
	}
	return t.now().Before(t.tok.Expiry.Add(-skew))
}

// Invalidate drops the cached token so the next Apply fetches a new one.
func (t *tokenCache) Invalidate() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.valid = false
	return true
}

func (t *tokenCache) invalidateFor(r *http.Request) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.valid && r.Header.Get(t.header) != t.prefix+t.tok.Access {
		return true // already replaced since that request was sent
	}
	t.valid = false
	return true
}

// Secrets returns the current and previous tokens for redaction.
func (t *tokenCache) Secrets() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return []string{t.tok.Access, t.tok.Refresh, t.old.Access, t.old.Refresh}
}

// isRejection reports whether the token endpoint refused the credentials.
func isRejection(err error) bool {
	var ae *model.APIError
	return errors.As(err, &ae) && (ae.Status == 400 || ae.Status == 401 || ae.Status == 403)
}

package fabric

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/providers/httpx"
)

// TokenPath is the Equinix OAuth2 token endpoint (accesstoken v1).
const TokenPath = "/oauth2/v1/token"

// Credentials authenticate against Fabric: either a client id and secret
// (OAuth2 client credentials, exchanged for a cached bearer token) or a
// ready-made bearer Token. They never print their values.
type Credentials struct {
	ClientID     string
	ClientSecret string
	Token        string
}

func (c Credentials) String() string {
	switch {
	case c.Token != "":
		return "fabric.Credentials{Token: [REDACTED]}"
	case c.ClientID != "" || c.ClientSecret != "":
		return "fabric.Credentials{ClientID: [REDACTED], ClientSecret: [REDACTED]}"
	}
	return "fabric.Credentials{}"
}

// GoString keeps %#v from printing the secrets.
func (c Credentials) GoString() string { return c.String() }

// LogValue keeps slog from printing the secrets.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

func (c Credentials) validate() error {
	switch {
	case c.Token != "":
		return nil
	case c.ClientID == "" && c.ClientSecret == "":
		return errorf("no credentials: set a client id and secret, or a token")
	case c.ClientID == "":
		return errorf("client secret given without a client id")
	case c.ClientSecret == "":
		return errorf("client id given without a client secret")
	}
	return nil
}

func (c Credentials) secrets() []string {
	return []string{c.ClientID, c.ClientSecret, c.Token}
}

// newAuth returns the Auth for creds. With a client id and secret it is a
// CachedBearer whose fetch posts to TokenPath through its own httpx client:
// no retries at all (a refused login must never be repeated: five failed
// attempts lock the account; a 5xx or timeout is left to the next refresh
// too, so logins are never hammered), and the token error decoder.
func newAuth(baseURL string, creds Credentials, cfg *config) (httpx.Auth, error) {
	if err := creds.validate(); err != nil {
		return nil, err
	}
	if creds.Token != "" {
		return httpx.StaticBearer(creds.Token), nil
	}
	tc, err := httpx.New(baseURL,
		httpx.WithProvider(cfg.name),
		httpx.WithHTTPClient(cfg.httpClient),
		httpx.WithTimeout(cfg.timeout),
		httpx.WithLogger(cfg.logger),
		httpx.WithErrorDecoder(decodeTokenError),
		httpx.WithRetry(httpx.RetryPolicy{MaxAttempts: 1}),
		httpx.WithMaxBody(1<<20),
		httpx.WithSecrets(creds.secrets()...),
		httpx.WithHeader("User-Agent", cfg.userAgent),
	)
	if err != nil {
		return nil, err
	}
	now := cfg.now
	fetch := func(ctx context.Context, _ httpx.Token) (httpx.Token, error) {
		var tr TokenResponse
		_, err := tc.Do(ctx, httpx.Request{
			Method: http.MethodPost,
			Path:   TokenPath,
			Body: TokenRequest{
				ClientID:     creds.ClientID,
				ClientSecret: creds.ClientSecret,
				GrantType:    "client_credentials",
			},
			Retry:  httpx.RetryNever,
			NoAuth: true,
			Login:  true, // the body holds the client secret: never redirected
		}, &tr)
		if err != nil {
			return httpx.Token{}, err
		}
		if tr.AccessToken == "" {
			return httpx.Token{}, errorf("token endpoint answered without an access_token")
		}
		tok := httpx.Token{Access: tr.AccessToken, Refresh: tr.RefreshToken}
		if d, ok := parseTokenTimeout(tr.TokenTimeout); ok {
			tok.Expiry = now().Add(d)
		}
		return tok, nil
	}
	return httpx.CachedBearer(fetch, httpx.WithClock(now), httpx.WithSkew(cfg.tokenSkew)), nil
}

// parseTokenTimeout reads token_timeout, a string of seconds per the spec
// ("3599"); its documented default even reads "3599 (60 minutes)", so the
// leading digits are what counts. Without a usable number the expiry is
// unknown and the token is used until a 401.
func parseTokenTimeout(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.ParseInt(s[:end], 10, 64)
	if err != nil || n <= 0 || n > 366*24*3600 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

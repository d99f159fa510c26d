package fabric

import (
	"context"
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
// ready-made bearer Token. Being httpx.Secrets, they never print their
// values.
type Credentials struct {
	ClientID     httpx.Secret
	ClientSecret httpx.Secret
	Token        httpx.Secret
}

func (c Credentials) validate() error {
	if err := httpx.KeyPair("client id", "client secret", c.ClientID, c.ClientSecret, c.Token, true); err != nil {
		return errorf("%v", err)
	}
	return nil
}

func (c Credentials) secrets() []string { return httpx.Values(c.ClientID, c.ClientSecret, c.Token) }

// newAuth returns the Auth for creds: the token as it is, or a cached
// bearer fetched from TokenPath with the client id and secret through a
// login client (httpx.Settings.BearerOrLogin: never retried, since five
// failed attempts lock the account).
func newAuth(baseURL string, creds Credentials, cfg *config) (httpx.Auth, error) {
	if err := creds.validate(); err != nil {
		return nil, err
	}
	now := cfg.Clock
	return cfg.BearerOrLogin(baseURL, creds.Token, decodeTokenError, creds.secrets(), cfg.tokenSkew, func(tc *httpx.Client) httpx.TokenFunc {
		return func(ctx context.Context, _ httpx.Token) (httpx.Token, error) {
			var tr TokenResponse
			_, err := tc.Do(ctx, httpx.Request{
				Method: http.MethodPost,
				Path:   TokenPath,
				Body: TokenRequest{
					ClientID:     creds.ClientID.Value(),
					ClientSecret: creds.ClientSecret.Value(),
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
	})
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

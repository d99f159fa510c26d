package ixapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Token endpoints.
const (
	TokenPath   = "/auth/token"
	RefreshPath = "/auth/refresh"
)

// Credentials authenticate against IX-API: an API key and secret
// (exchanged at /auth/token for an access and a refresh token), or a
// ready-made bearer Token. Being httpx.Secrets, they never print their
// values.
type Credentials struct {
	APIKey    httpx.Secret
	APISecret httpx.Secret
	Token     httpx.Secret
}

func (c Credentials) validate() error {
	if err := httpx.KeyPair("API key", "API secret", c.APIKey, c.APISecret, c.Token, true); err != nil {
		return errorf("%v", err)
	}
	return nil
}

func (c Credentials) secrets() []string { return httpx.Values(c.APIKey, c.APISecret, c.Token) }

// newAuth returns the Auth for creds: a static bearer for a token, or a
// CachedBearer whose fetch refreshes with the refresh token while it is
// valid and logs in again with key and secret otherwise. The token
// endpoints get their own login client that never retries
// (httpx.Settings.BearerOrLogin): a refused login must not be repeated.
//
// Expiry: the access token's JWT "exp" claim when it has one (the
// signature is not checked: the claim only schedules the renewal, the
// server stays the judge); without it the token is used until a 401, after
// which httpx invalidates it and the fetch runs once more.
func newAuth(baseURL string, creds Credentials, cfg *config) (httpx.Auth, error) {
	if err := creds.validate(); err != nil {
		return nil, err
	}
	return cfg.BearerOrLogin(baseURL, creds.Token, decodeTokenError, creds.secrets(), cfg.tokenSkew, func(tc *httpx.Client) httpx.TokenFunc {
		now := cfg.Clock
		post := func(ctx context.Context, path string, body any) (httpx.Token, error) {
			var at AuthToken
			if _, err := tc.Do(ctx, httpx.Request{Method: http.MethodPost, Path: path, Body: body, Retry: httpx.RetryNever, NoAuth: true, Login: true}, &at); err != nil {
				return httpx.Token{}, err
			}
			if at.AccessToken == "" {
				return httpx.Token{}, errorf("%s answered without an access_token", path)
			}
			return httpx.Token{Access: at.AccessToken, Refresh: at.RefreshToken, Expiry: jwtExpiry(at.AccessToken, now())}, nil
		}
		return func(ctx context.Context, prev httpx.Token) (httpx.Token, error) {
			if prev.Refresh != "" && refreshUsable(prev.Refresh, now()) {
				tok, err := post(ctx, RefreshPath, RefreshTokenRequest{RefreshToken: prev.Refresh})
				if err == nil {
					if tok.Refresh == "" {
						tok.Refresh = prev.Refresh // some servers keep the refresh token
					}
					return tok, nil
				}
				// Only a refused refresh (expired or revoked) falls back to a
				// login; an outage would just fail the login too.
				var ae *model.APIError
				if !errors.As(err, &ae) || (ae.Status != http.StatusBadRequest && ae.Status != http.StatusUnauthorized && ae.Status != http.StatusForbidden) {
					return httpx.Token{}, err
				}
				cfg.Logger.Info("ixapi: refresh token refused; logging in again", "provider", cfg.Provider)
			}
			return post(ctx, TokenPath, AuthTokenRequest{APIKey: creds.APIKey.Value(), APISecret: creds.APISecret.Value()})
		}
	})
}

// refreshUsable reports whether a refresh token is worth sending: not a JWT
// (unknown expiry: the server decides), or a JWT that has not expired.
func refreshUsable(tok string, now time.Time) bool {
	exp := jwtExpiry(tok, now)
	return exp.IsZero() || now.Before(exp)
}

// jwtExpiry reads the "exp" claim of a JWT (zero if tok is not a JWT, has no
// usable exp, or names a time absurdly far from now).
func jwtExpiry(tok string, now time.Time) time.Time {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || len(parts[1]) == 0 || len(parts[1]) > 8192 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp json.RawMessage `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || len(claims.Exp) == 0 {
		return time.Time{}
	}
	var f float64
	if json.Unmarshal(bytes.Trim(claims.Exp, `"`), &f) != nil || math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 || f > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	exp := time.Unix(int64(sec), int64(frac*1e9))
	if exp.Before(now.Add(-366*24*time.Hour)) || exp.After(now.Add(10*366*24*time.Hour)) {
		return time.Time{}
	}
	return exp
}

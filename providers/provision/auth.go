package provision

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/noctop/noctop/providers/httpx"
)

// Credentials are a ProVision API key and its secret key (Admin → API).
// Being httpx.Secrets, they never print their values.
type Credentials struct {
	APIKey    httpx.Secret
	SecretKey httpx.Secret
}

func (c Credentials) validate() error {
	if err := httpx.KeyPair("API key", "secret key", c.APIKey, c.SecretKey, "", false); err != nil {
		return errorf("%v", err)
	}
	if strings.ContainsAny(c.APIKey.Value(), "\r\n") {
		return errorf("the API key contains a line break (check the file or variable it comes from)")
	}
	return nil
}

// Signer is the httpx.Auth of API v1: it adds apiKey to the request's
// query, then hash = base64(HMAC-SHA256(query, secret)) as the last
// parameter. The server recomputes the HMAC over its raw QUERY_STRING with
// everything from "&hash=" on removed, so the signature covers exactly the
// bytes sent, and is computed afresh for every attempt.
type Signer struct {
	creds Credentials
}

var _ httpx.Auth = (*Signer)(nil)
var _ httpx.SecretSource = (*Signer)(nil)

// NewSigner returns the Auth for creds.
func NewSigner(creds Credentials) (*Signer, error) {
	if err := creds.validate(); err != nil {
		return nil, err
	}
	return &Signer{creds: creds}, nil
}

// Apply signs r's URL query in place.
func (s *Signer) Apply(_ context.Context, r *http.Request) error {
	if r == nil || r.URL == nil {
		return errors.New("provision: nothing to sign")
	}
	r.URL.RawQuery = SignQuery(StripAuth(r.URL.RawQuery), s.creds)
	return nil
}

// Invalidate reports false: a static key pair cannot be refreshed.
func (*Signer) Invalidate() bool { return false }

// Secrets lets httpx redact both keys from errors and logs.
func (s *Signer) Secrets() []string { return httpx.Values(s.creds.APIKey, s.creds.SecretKey) }

// SignQuery appends apiKey and hash to a raw (already encoded) query string.
// The input must not carry apiKey or hash (see StripAuth).
func SignQuery(rawQuery string, creds Credentials) string {
	q := rawQuery
	if q != "" {
		q += "&"
	}
	q += "apiKey=" + url.QueryEscape(creds.APIKey.Value())
	return q + "&hash=" + url.QueryEscape(Hash(q, creds.SecretKey.Value()))
}

// Hash is base64(HMAC-SHA256(query, secret)): the API v1 signature of a
// raw query string.
func Hash(query, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(query))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// StripAuth removes apiKey and hash parameters from a raw query, keeping
// every other parameter's bytes and order: a planned request already shown
// to the operator is signed exactly as shown.
func StripAuth(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	parts := strings.Split(rawQuery, "&")
	out := parts[:0]
	for _, p := range parts {
		name := p
		if i := strings.IndexByte(p, '='); i >= 0 {
			name = p[:i]
		}
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if name == "apiKey" || name == "hash" || p == "" {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, "&")
}

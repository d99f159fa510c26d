package provision

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// hmacSHA256ByHand is RFC 2104 spelled out (what `openssl dgst -sha256
// -hmac` does), so the signature test does not trust crypto/hmac or our
// own Hash: H((K ^ opad) || H((K ^ ipad) || m)) with a 64-byte block.
func hmacSHA256ByHand(key, msg []byte) []byte {
	const block = 64
	if len(key) > block {
		k := sha256.Sum256(key)
		key = k[:]
	}
	k := make([]byte, block)
	copy(k, key)
	inner := make([]byte, 0, block+len(msg))
	outer := make([]byte, 0, block+sha256.Size)
	for _, b := range k {
		inner = append(inner, b^0x36)
		outer = append(outer, b^0x5c)
	}
	ih := sha256.Sum256(append(inner, msg...))
	oh := sha256.Sum256(append(outer, ih[:]...))
	return oh[:]
}

func TestSignatureVector(t *testing.T) {
	// The worked example of 6connect's "Making API Requests" page: the
	// query string with apiKey appended, the secret key, and the hash the
	// page gives (also what `printf %s "$q" | openssl dgst -sha256 -hmac
	// "$secret" -binary | base64` prints).
	const (
		apiKey    = "32-5DAYTJQY2TZHOFOB"
		secret    = "48b278ec873bda4738923dbc467f8669"
		signed    = "target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB"
		published = "yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ="
	)
	byHand := base64.StdEncoding.EncodeToString(hmacSHA256ByHand([]byte(secret), []byte(signed)))
	if byHand != published {
		t.Fatalf("hand-made HMAC %s differs from the published hash %s: the test's oracle is wrong", byHand, published)
	}
	if got := Hash(signed, secret); got != published {
		t.Fatalf("Hash = %s, want %s", got, published)
	}

	// The Signer on a real request: apiKey appended, hash last and
	// URL-encoded ('+' would read as a space).
	s, err := NewSigner(Credentials{APIKey: apiKey, SecretKey: secret})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest(http.MethodGet, "https://cloud.example/6c_375/api/v1/api.php?target=ipam&action=get&type=IP&mask=24", nil)
	if err := s.Apply(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	want := signed + "&hash=" + url.QueryEscape(published)
	if r.URL.RawQuery != want {
		t.Fatalf("signed query\n got %s\nwant %s", r.URL.RawQuery, want)
	}
	// What the server does: strip "&hash=…" from the raw query and
	// recompute; the decoded hash parameter must match.
	i := strings.Index(r.URL.RawQuery, "&hash=")
	q, _ := url.ParseQuery(r.URL.RawQuery)
	if base64.StdEncoding.EncodeToString(hmacSHA256ByHand([]byte(secret), []byte(r.URL.RawQuery[:i]))) != q.Get("hash") {
		t.Fatal("server-side check of the signed request fails")
	}
}

func TestSignerIsFreshAndStripsOldAuth(t *testing.T) {
	s, _ := NewSigner(Credentials{APIKey: "7-KEY/WITH+CHARS", SecretKey: "s3cret-key-value"})
	cases := []struct{ in, wantPrefix string }{
		{"", "apiKey="},
		{"target=ipam&action=get", "target=ipam&action=get&apiKey="},
		// A request signed before (a retry) is re-signed, not double-signed.
		{"target=ipam&action=get&apiKey=old&hash=abc%3D", "target=ipam&action=get&apiKey="},
		{"hash=x&target=ipam&apiKey=y&action=get", "target=ipam&action=get&apiKey="},
	}
	for _, c := range cases {
		r, _ := http.NewRequest(http.MethodGet, "http://h/api/v1/api.php", nil)
		r.URL.RawQuery = c.in
		if err := s.Apply(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		got := r.URL.RawQuery
		if !strings.HasPrefix(got, c.wantPrefix) {
			t.Errorf("%q -> %q, want prefix %q", c.in, got, c.wantPrefix)
		}
		if strings.Count(got, "apiKey=") != 1 || strings.Count(got, "hash=") != 1 {
			t.Errorf("%q -> %q: apiKey and hash must appear once", c.in, got)
		}
		i := strings.Index(got, "&hash=")
		if i < 0 || strings.Contains(got[i+1:], "&") {
			t.Errorf("%q -> %q: hash must be the last parameter", c.in, got)
		}
		q, _ := url.ParseQuery(got)
		if q.Get("apiKey") != "7-KEY/WITH+CHARS" {
			t.Errorf("apiKey not escaped properly: %q", got)
		}
		if want := base64.StdEncoding.EncodeToString(hmacSHA256ByHand([]byte("s3cret-key-value"), []byte(got[:i]))); q.Get("hash") != want {
			t.Errorf("%q: hash %s, want %s", c.in, q.Get("hash"), want)
		}
	}
	// Different queries give different hashes (nothing cached).
	r1, _ := http.NewRequest(http.MethodGet, "http://h/?a=1", nil)
	r2, _ := http.NewRequest(http.MethodGet, "http://h/?a=2", nil)
	_ = s.Apply(context.Background(), r1)
	_ = s.Apply(context.Background(), r2)
	h1, h2 := r1.URL.Query().Get("hash"), r2.URL.Query().Get("hash")
	if h1 == h2 {
		t.Fatal("two different queries got the same hash")
	}
}

func TestCredentialsNeverPrint(t *testing.T) {
	c := Credentials{APIKey: "38-TMHQV8CV2XZYC2ZS", SecretKey: "6e04e5822ce90feaa8947ded46c46878"}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c)} {
		if strings.Contains(s, c.APIKey.Value()) || strings.Contains(s, c.SecretKey.Value()) {
			t.Fatalf("credentials printed: %s", s)
		}
	}
	for _, bad := range []Credentials{{}, {APIKey: "k"}, {SecretKey: "s"}, {APIKey: "a\nb", SecretKey: "s"}} {
		if _, err := NewSigner(bad); err == nil {
			t.Errorf("NewSigner(%#v) accepted incomplete credentials", bad)
		}
	}
	s, _ := NewSigner(c)
	if s.Invalidate() {
		t.Fatal("a static key pair cannot be refreshed")
	}
	if got := s.Secrets(); len(got) != 2 {
		t.Fatalf("secrets %v", got)
	}
}

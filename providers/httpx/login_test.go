package httpx

import (
	"errors"
	"testing"
)

func TestNewWithLogin(t *testing.T) {
	boom := errors.New("bad credentials")
	for _, tc := range []struct {
		name    string
		login   func() (Auth, []string, error)
		wantErr error
		secrets int
	}{
		{"no credentials", nil, nil, 0},
		{"login refused", func() (Auth, []string, error) { return nil, nil, boom }, boom, 0},
		{"login", func() (Auth, []string, error) { return nil, []string{"s3cret-value"}, nil }, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewWithLogin("https://api.example", Settings{}, nil, tc.login)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if got := c.redact("token s3cret-value"); tc.secrets > 0 && got == "token s3cret-value" {
				t.Errorf("the login's secret is not redacted: %q", got)
			}
		})
	}
}

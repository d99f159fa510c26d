package httpx

import (
	"fmt"
	"log/slog"
)

// Secret is a credential value (a token, an API key, a client secret) that
// never prints itself: fmt (%v, %+v, %#v, %s), slog and text encoders all
// show [REDACTED], so a struct of Secrets is safe to print as a whole.
// Value returns the secret for the code that must send it.
type Secret string

func (Secret) String() string   { return "[REDACTED]" }
func (Secret) GoString() string { return "[REDACTED]" }

// LogValue keeps slog from printing the secret.
func (Secret) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }

// MarshalText keeps secrets out of any encoding.
func (Secret) MarshalText() ([]byte, error) { return []byte("[REDACTED]"), nil }

// Value returns the secret itself.
func (s Secret) Value() string { return string(s) }

// Values returns the secrets as strings, for WithSecrets.
func Values(s ...Secret) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = string(v)
	}
	return out
}

// KeyPair checks credentials made of a key and a secret (keyName and
// secretName word the errors: "client id", "client secret"). With
// tokenOK, a ready-made token alone is accepted instead.
func KeyPair(keyName, secretName string, key, secret, token Secret, tokenOK bool) error {
	switch {
	case tokenOK && token != "":
		return nil
	case key == "" && secret == "" && tokenOK:
		return fmt.Errorf("no credentials: set a %s and %s, or a token", keyName, secretName)
	case key == "" && secret == "":
		return fmt.Errorf("no credentials: set a %s and %s", keyName, secretName)
	case key == "":
		return fmt.Errorf("%s given without a %s", secretName, keyName)
	case secret == "":
		return fmt.Errorf("%s given without a %s", keyName, secretName)
	}
	return nil
}

package httpx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// A struct of Secrets prints safely whatever the verb or the encoder: the
// provider packages rely on this instead of writing String methods.
func TestSecretsNeverPrint(t *testing.T) {
	creds := struct {
		Key, Secret Secret
		Note        string
	}{"KEY-1234567890", "SECRET-abcdefgh", "visible"}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "creds", creds, "one", creds.Secret)
	js, _ := json.Marshal(creds)
	for _, s := range []string{fmt.Sprint(creds), fmt.Sprintf("%v %+v %#v %s %q", creds, creds, creds, creds, creds.Key), logged.String(), string(js)} {
		if strings.Contains(s, "KEY-1234567890") || strings.Contains(s, "SECRET-abcdefgh") {
			t.Errorf("secret printed: %s", s)
		}
	}
	if creds.Key.Value() != "KEY-1234567890" || Values(creds.Key, creds.Secret)[1] != "SECRET-abcdefgh" {
		t.Fatal("Value")
	}
}

func TestKeyPair(t *testing.T) {
	cases := []struct {
		key, secret, token Secret
		tokenOK            bool
		want               string // "" = accepted
	}{
		{"k", "s", "", true, ""},
		{"", "", "t", true, ""},
		{"", "", "t", false, "no credentials: set a client id and client secret"},
		{"", "", "", true, "or a token"},
		{"k", "", "", true, "client id given without a client secret"},
		{"", "s", "", false, "client secret given without a client id"},
	}
	for _, c := range cases {
		err := KeyPair("client id", "client secret", c.key, c.secret, c.token, c.tokenOK)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: %v, want %q", c, err, c.want)
		}
	}
}

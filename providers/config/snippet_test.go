package config

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// A snippet parses back into the providers it was written from, and holds
// no secret value (only the variables' names).
func TestSnippetRoundTrip(t *testing.T) {
	in := []Provider{
		{Name: "fabric-demo", Kind: "fabric", BaseURL: "http://127.0.0.1:8001", Secrets: map[string]Secret{"client_id": "id-123456", "client_secret": "s3cr3t-\"quoted\""}},
		{Name: "ipam demo", Kind: "provision", BaseURL: "http://127.0.0.1:8005/x", ReadOnly: true,
			Secrets: map[string]Secret{"api_key": "k3y-value", "secret_key": "s3cr3t-2"}, KindConfig: &ipamConfig{EntityHandle: "NOC-ARIN"}},
	}
	in[0].Timeout.Duration = 15 * time.Second
	var buf bytes.Buffer
	vars, err := Snippet(&buf, in, EnvName)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"id-123456", "s3cr3t-", "k3y-value"} {
		if strings.Contains(buf.String(), secret) {
			t.Fatalf("secret %q in the snippet:\n%s", secret, buf.String())
		}
	}
	env := map[string]string{}
	for _, v := range vars {
		env[v.Name] = v.Value
	}
	if _, ok := env["NOCTOP_IPAM_DEMO_SECRET_KEY"]; !ok || len(vars) != 4 {
		t.Fatalf("vars %v", vars)
	}
	c, err := parse("snippet.toml", buf.Bytes(), func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(c.Providers) != 2 {
		t.Fatalf("%d providers", len(c.Providers))
	}
	for i, p := range c.Providers {
		w := in[i]
		if p.Name != w.Name || p.Kind != w.Kind || p.BaseURL != w.BaseURL || p.ReadOnly != w.ReadOnly || len(p.Secrets) != len(w.Secrets) {
			t.Errorf("provider %d: %+v, want %+v", i, p, w)
		}
		for k, v := range w.Secrets {
			if p.Secrets[k].Value() != v.Value() {
				t.Errorf("provider %d secret %s differs", i, k)
			}
		}
	}
	if c.Providers[0].Timeout.Duration != 15*time.Second {
		t.Errorf("timeout %v", c.Providers[0].Timeout)
	}
	if ic, _ := c.Providers[1].KindConfig.(*ipamConfig); ic == nil || ic.EntityHandle != "NOC-ARIN" {
		t.Errorf("kind config %#v", c.Providers[1].KindConfig)
	}
}

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const good = `
[ui]
refresh = "10s"
read_only = true

[[provider]]
name = "fabric-prod"
kind = "fabric"
base_url = "https://api.equinix.com"
client_id_env = "EQ_ID"
client_secret_env = "EQ_SECRET"

[[provider]]
name = "ix"
kind = "ixapi"
base_url = "https://ix.example.net/api/v2"
token_env = "IX_TOKEN"
`

func TestParseGood(t *testing.T) {
	c, err := parse("c.toml", []byte(good), env(map[string]string{"EQ_ID": "id", "EQ_SECRET": "s3cr3t-value", "IX_TOKEN": "tok-abc"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.UI.Refresh.Duration != 10*time.Second || !c.UI.ReadOnly {
		t.Errorf("ui = %+v", c.UI)
	}
	if len(c.Providers) != 2 || c.Providers[0].Secrets["client_secret"].Value() != "s3cr3t-value" {
		t.Fatalf("providers = %+v", c.Providers)
	}
	if c.Providers[1].Timeout.Duration != 30*time.Second {
		t.Errorf("default timeout not applied: %v", c.Providers[1].Timeout)
	}
	if c.UI.PoolThreshold != 80 {
		t.Errorf("default pool threshold = %v", c.UI.PoolThreshold)
	}
	if c.UI.LowLightDBM != -14 {
		t.Errorf("default low-light threshold = %v", c.UI.LowLightDBM)
	}
	c, err = parse("c.toml", []byte("[ui]\nlow_light_dbm = -18.5\n"), env(nil))
	if err != nil || c.UI.LowLightDBM != -18.5 {
		t.Errorf("low_light_dbm = -18.5: %v, %v", c, err)
	}
}

// [keys] binds in every pane, [keys.<pane>] in one.
func TestParseKeyTables(t *testing.T) {
	src := "[keys]\nrefresh = [\"r\", \"f5\"]\n\n[keys.approvals]\napprove = [\"A\"]\n\n[keys.ipam]\nassign = [\"ctrl+a\"]\n"
	c, err := Parse("c.toml", []byte(src), env(nil), testKinds)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Keys["refresh"]; len(got) != 2 || got[1] != "f5" || len(c.Keys) != 1 {
		t.Errorf("Keys = %v", c.Keys)
	}
	if got := c.PaneKeys["approvals"]["approve"]; len(got) != 1 || got[0] != "A" || c.PaneKeys["ipam"]["assign"][0] != "ctrl+a" {
		t.Errorf("PaneKeys = %v", c.PaneKeys)
	}
	// Errors about a pane's binding point at its line.
	if e := c.ErrorAt("x", "keys", "ipam", "assign"); e.Line != 8 || e.Key != "keys.ipam.assign" {
		t.Errorf("ErrorAt(keys.ipam.assign) = line %d key %q", e.Line, e.Key)
	}
	if e := c.ErrorAt("x", "keys", "refresh"); e.Line != 2 || e.Key != "keys.refresh" {
		t.Errorf("ErrorAt(keys.refresh) = line %d key %q", e.Line, e.Key)
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	c, err := parse("c.toml", []byte(good), env(map[string]string{"EQ_ID": "id", "EQ_SECRET": "s3cr3t-value", "IX_TOKEN": "tok-abc"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := strings.Join([]string{sprintf(format, c.Providers[0]), sprintf(format, c.Providers[0].Secrets)}, " ")
		if strings.Contains(out, "s3cr3t-value") {
			t.Errorf("%s leaked the secret: %s", format, out)
		}
	}
}

func TestParseErrors(t *testing.T) {
	base := "[[provider]]\nname = \"a\"\nkind = \"fabric\"\nbase_url = \"https://x\"\ntoken_env = \"T\"\n"
	cases := []struct {
		name     string
		src      string
		env      map[string]string
		wantLine int
		wantIn   []string
	}{
		{"syntax", "[ui]\nrefresh = \n", nil, 2, []string{"c.toml:2"}},
		{"unknown key ui", "[ui]\nrefersh = \"1s\"\n", nil, 2, []string{"ui.refersh", "unknown key"}},
		{"unknown key provider", base + "colour = \"red\"\n", map[string]string{"T": "x"}, 6, []string{"provider[1].colour", "unknown key for kind fabric"}},
		{"unknown kind", "[[provider]]\nname = \"a\"\nkind = \"azure\"\nbase_url = \"https://x\"\n", nil, 3, []string{"provider[1].kind", "unknown kind \"azure\""}},
		{"duplicate name", base + base, map[string]string{"T": "x"}, 7, []string{"duplicate provider name \"a\""}},
		{"missing env", base, nil, 5, []string{"provider[1].token_env", "environment variable T is not set"}},
		{"bad duration", "[ui]\nrefresh = \"soon\"\n", nil, 2, []string{"not a duration"}},
		{"wrong type", "[ui]\nread_only = \"yes\"\n", nil, 2, []string{"c.toml:2"}},
		{"bad url", "[[provider]]\nname = \"a\"\nkind = \"metal\"\nbase_url = \"ftp://x\"\ntoken_env = \"T\"\n", map[string]string{"T": "x"}, 4, []string{"base_url", "not an http(s) URL"}},
		{"missing creds", "[[provider]]\nname = \"a\"\nkind = \"fabric\"\nbase_url = \"https://x\"\nclient_id_env = \"I\"\n", map[string]string{"I": "x"}, 3, []string{"needs credentials", "client_secret_env"}},
		{"no name", "[[provider]]\nkind = \"fabric\"\n", nil, 1, []string{"no name"}},
		{"threshold", "[ui]\npool_threshold = 120.0\n", nil, 2, []string{"pool_threshold"}},
		{"full resync too often", "[ui]\nrefresh = \"5s\"\nfull_resync = \"20s\"\n", nil, 3, []string{"ui.full_resync", "at least a minute"}},
		{"light above zero", "[ui]\nlow_light_dbm = 3.0\n", nil, 2, []string{"low_light_dbm", "between -40 and 0"}},
		{"light far too low", "[ui]\nrefresh = \"5s\"\nlow_light_dbm = -60.0\n", nil, 3, []string{"low_light_dbm"}},
		{"keys not a list", "[keys]\nrefresh = \"r\"\n", nil, 2, []string{"keys.refresh", "want a list of key names"}},
		{"pane keys not a list", "[keys]\nrefresh = [\"r\"]\n\n[keys.approvals]\napprove = 1\n", nil, 5, []string{"keys.approvals.approve", "want a list"}},
		{"pane key not a string", "[keys.ipam]\nassign = [\"A\", 3]\n", nil, 2, []string{"keys.ipam.assign", "key names are strings"}},
		{"negative max_items", base + "max_items = -5\n", map[string]string{"T": "x"}, 6, []string{"provider[1].max_items", "between 1 and 50000000"}},
		{"absurd max_items", base + "max_items = 900000000\n", map[string]string{"T": "x"}, 6, []string{"max_items", "got 900000000"}},
		{"tiny listing_timeout", base + "listing_timeout = \"10ms\"\n", map[string]string{"T": "x"}, 6, []string{"provider[1].listing_timeout", "at least 1s"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse("c.toml", []byte(tc.src), env(tc.env))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("want *config.Error, got %v", err)
			}
			if ce.Line != tc.wantLine {
				t.Errorf("line = %d, want %d (%v)", ce.Line, tc.wantLine, err)
			}
			for _, w := range tc.wantIn {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestListingBounds(t *testing.T) {
	src := "[[provider]]\nname = \"a\"\nkind = \"fabric\"\nbase_url = \"https://x\"\ntoken_env = \"T\"\nmax_items = 5000\nlisting_timeout = \"30s\"\n"
	c, err := Parse("c.toml", []byte(src), env(map[string]string{"T": "x"}), testKinds)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Providers[0]; p.MaxItems != 5000 || p.ListingTimeout.Duration != 30*time.Second {
		t.Fatalf("bounds %d %v", p.MaxItems, p.ListingTimeout)
	}
}

func TestSecretFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "tok")
	if err := os.WriteFile(f, []byte("  file-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := "[[provider]]\nname = \"m\"\nkind = \"metal\"\nbase_url = \"https://api.equinix.com/metal/v1\"\ntoken_file = \"" + f + "\"\n"
	c, err := parse("c.toml", []byte(src), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Providers[0].Secrets["token"].Value(); got != "file-token" {
		t.Errorf("token = %q", got)
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, maxSecretFile+10), 0o600)
	_, err = parse("c.toml", []byte(strings.Replace(src, f, big, 1)), env(nil))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized secret file: %v", err)
	}
}

func TestExampleConfigParses(t *testing.T) {
	src, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Skip("config.example.toml not found")
	}
	// Every *_env in the example resolves to a dummy value.
	_, err = parse("config.example.toml", src, func(string) string { return "dummy" })
	if err != nil {
		t.Fatalf("config.example.toml does not parse: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("[ui]\nrefresh = \"1s\"\n[[provider]]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, _ = parse("f.toml", src, func(string) string { return "v" })
	})
}

// What a [[provider]] table may carry depends on its kind: its own secrets
// and settings, nothing of another kind's; errors keep file:line: key.
func TestKindSpecificKeys(t *testing.T) {
	metal := "[[provider]]\nname = \"m\"\nkind = \"metal\"\nbase_url = \"https://x\"\ntoken_env = \"T\"\n"
	ipam := "[[provider]]\nname = \"p\"\nkind = \"provision\"\nbase_url = \"https://x\"\napi_key_env = \"T\"\nsecret_key_env = \"T\"\n"
	vars := map[string]string{"T": "v4lue"}

	c, err := parse("c.toml", []byte(metal+"organization_id = \"org-1\"\nproject_id = \"p-1\"\n"+ipam+"entity_handle = \"NOC-ARIN\"\n"), env(vars))
	if err != nil {
		t.Fatal(err)
	}
	sc, ok := c.Providers[0].KindConfig.(*scopeConfig)
	if !ok || sc.OrganizationID != "org-1" || sc.ProjectID != "p-1" {
		t.Fatalf("metal settings %#v", c.Providers[0].KindConfig)
	}
	if ic, ok := c.Providers[1].KindConfig.(*ipamConfig); !ok || ic.EntityHandle != "NOC-ARIN" {
		t.Fatalf("provision settings %#v", c.Providers[1].KindConfig)
	}
	if c.Providers[1].Secrets["secret_key"].Value() != "v4lue" {
		t.Fatal("secret_key not resolved")
	}

	cases := []struct {
		name, src string
		want      string
	}{
		{"another kind's setting", metal + "entity_handle = \"X\"\n", "c.toml:6: provider[1].entity_handle: unknown key for kind metal"},
		{"another kind's secret", metal + "api_secret_env = \"T\"\n", "c.toml:6: provider[1].api_secret_env: unknown key for kind metal"},
		{"near miss", metal + "projectid = \"x\"\n", `provider[1].projectid: unknown key for kind metal (did you mean "project_id"?)`},
		{"second table", metal + ipam + "organization_id = \"o\"\n", "c.toml:12: provider[2].organization_id: unknown key for kind provision"},
		{"wrong type", metal + "project_id = 7\n", "c.toml:6: provider[1].project_id: incompatible types"},
		{"wrong type shared key", metal + ipam + "read_only = \"yes\"\n", "c.toml:12: provider[2].read_only: incompatible types"},
		{"secret not a string", metal + "token_file = 3\n", "provider[1].token_env: token_file must be a string"},
		{"env and file", strings.Replace(metal, "token_env = \"T\"\n", "token_env = \"T\"\ntoken_file = \"/x\"\n", 1), "c.toml:5: provider[1].token_env: set token_env or token_file, not both"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse("c.toml", []byte(tc.src), env(vars))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// Demo mode reads [ui] and [keys] but not the providers, whose secrets
// need not be set; the rest of the file is still checked.
func TestLoadWithoutProviders(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.toml")
	src := "[ui]\nrefresh = \"42s\"\n[[provider]]\nname = \"p\"\nkind = \"azure\"\ntoken_env = \"UNSET\"\n"
	os.WriteFile(path, []byte(src), 0o600)
	c, err := LoadWithoutProviders(path, env(nil), testKinds)
	if err != nil || c.UI.Refresh.Duration != 42*time.Second || len(c.Providers) != 0 {
		t.Fatalf("%v %+v", err, c)
	}
	if _, err := load(path, env(nil)); err == nil {
		t.Fatal("Load accepted the unknown kind")
	}
	os.WriteFile(path, []byte("[ui]\nrefersh = \"1s\"\n"), 0o600)
	if _, err := LoadWithoutProviders(path, env(nil), testKinds); err == nil || !strings.Contains(err.Error(), "c.toml:2: ui.refersh") {
		t.Fatalf("unknown ui key: %v", err)
	}
}

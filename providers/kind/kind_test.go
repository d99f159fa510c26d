package kind

import (
	"errors"
	"slices"
	"testing"
)

type scope struct {
	Org     string `toml:"organization_id,omitempty"`
	Project string `toml:"project_id"`
	Skip    string `toml:"-"`
	Untag   string
	hidden  string `toml:"hidden"` //nolint:unused // an unexported field is never a key
}

func TestDescriptorKeys(t *testing.T) {
	d := Descriptor{Name: "k", Credentials: [][]string{{"api_key", "api_secret"}, {"token"}, {"api_key", "token"}},
		Config: func() any { return new(scope) }}
	if got := d.SecretNames(); !slices.Equal(got, []string{"api_key", "api_secret", "token"}) {
		t.Errorf("SecretNames = %v", got)
	}
	if got := d.ConfigKeys(); !slices.Equal(got, []string{"organization_id", "project_id"}) {
		t.Errorf("ConfigKeys = %v", got)
	}
	if (Descriptor{}).ConfigKeys() != nil {
		t.Error("a kind without settings has keys")
	}
	if _, ok := Find([]Descriptor{d}, "k"); !ok || !slices.Equal(Names([]Descriptor{d, {Name: "j"}}), []string{"k", "j"}) {
		t.Error("Find/Names")
	}
}

func TestConfigOf(t *testing.T) {
	if c := ConfigOf[scope](Resolved{}); c == nil || c.Org != "" {
		t.Fatalf("no config: %+v", c)
	}
	if c := ConfigOf[scope](Resolved{Config: &scope{Org: "o"}}); c.Org != "o" {
		t.Fatalf("config: %+v", c)
	}
	// Another kind's settings are not taken for this kind's.
	if c := ConfigOf[scope](Resolved{Config: &struct{ Org string }{"x"}}); c.Org != "" {
		t.Fatalf("foreign config: %+v", c)
	}
}

type prov struct{}

func (*prov) Name() string { return "p" }
func (*prov) Kind() string { return "k" }

// A constructor's failure comes back as a nil interface, never as a typed
// nil pointer the registry would take for a provider.
func TestBuilt(t *testing.T) {
	p, err := Built((*prov)(nil), errors.New("bad"))
	if p != nil || err == nil {
		t.Fatalf("%v %v", p, err)
	}
	if p, err := Built(&prov{}, nil); p == nil || err != nil {
		t.Fatalf("%v %v", p, err)
	}
}

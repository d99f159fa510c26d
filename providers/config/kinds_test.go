package config

import "github.com/noctop/noctop/providers/kind"

// testKinds stands for providers.Kinds (which this package cannot import:
// providers imports config). The names and credential sets are the real
// ones; providers' tests check the real table against the example config.
var testKinds = []kind.Descriptor{
	{Name: "fabric", Credentials: [][]string{{"client_id", "client_secret"}, {"token"}}},
	{Name: "ixapi", Credentials: [][]string{{"api_key", "api_secret"}, {"token"}}},
	{Name: "metal", Credentials: [][]string{{"token"}}, Config: func() any { return new(scopeConfig) }},
	{Name: "packet", Credentials: [][]string{{"token"}}, Config: func() any { return new(scopeConfig) }},
	{Name: "provision", Credentials: [][]string{{"api_key", "secret_key"}}, Config: func() any { return new(ipamConfig) }},
}

type scopeConfig struct {
	OrganizationID string `toml:"organization_id"`
	ProjectID      string `toml:"project_id"`
}

type ipamConfig struct {
	EntityHandle string `toml:"entity_handle"`
}

func parse(path string, src []byte, getenv func(string) string) (*Config, error) {
	return Parse(path, src, getenv, testKinds)
}

func load(path string, getenv func(string) string) (*Config, error) {
	return Load(path, getenv, testKinds)
}

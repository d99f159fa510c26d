package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/noctop/noctop/providers/kind"
)

// maxSecretFile bounds a *_file read: a credential is never megabytes.
const maxSecretFile = 64 << 10

func (c *Config) validate(path string, loc *locator, getenv func(string) string, tables []table, kinds []kind.Descriptor) error {
	fail := func(k []string, format string, args ...any) error {
		line, key := loc.find(k)
		return &Error{File: path, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	if c.UI.PoolThreshold < 0 || c.UI.PoolThreshold > 100 {
		return fail([]string{"ui", "pool_threshold"}, "must be a percentage between 0 and 100, got %v", c.UI.PoolThreshold)
	}
	if err := checkRefresh(c.UI.Refresh); err != "" {
		return fail([]string{"ui", "refresh"}, "%s", err)
	}
	if d := c.UI.FullResync; d.set && d.Duration < time.Minute {
		return fail([]string{"ui", "full_resync"}, "%s is too short: a full listing must be at least a minute apart (it catches deletions; changes come in between)", d.Duration)
	}
	if v := c.UI.LowLightDBM; v < -40 || v >= 0 {
		return fail([]string{"ui", "low_light_dbm"}, "must be a receive level in dBm between -40 and 0 (exclusive), got %v", v)
	}
	seen := map[string]int{}
	for i := range c.Providers {
		p := &c.Providers[i]
		at := func(key string) []string { return []string{fmt.Sprintf("provider#%d", i), key} }
		if p.Name == "" {
			return fail(at(""), "provider #%d has no name (every [[provider]] needs a unique name)", i+1)
		}
		if j, dup := seen[p.Name]; dup {
			return fail(at("name"), "duplicate provider name %q (also provider #%d)", p.Name, j+1)
		}
		seen[p.Name] = i
		names := strings.Join(kind.Names(kinds), ", ")
		if p.Kind == "" {
			return fail(at(""), "provider %q has no kind (one of %s)", p.Name, names)
		}
		d, ok := kind.Find(kinds, p.Kind)
		if !ok {
			return fail(at("kind"), "unknown kind %q (one of %s)", p.Kind, names)
		}
		if k, msg := unknownKey(tables[i], d, loc, i); k != "" {
			return fail(at(k), "%s", msg)
		}
		if p.BaseURL == "" {
			return fail(at(""), "provider %q has no base_url", p.Name)
		}
		u, err := url.Parse(p.BaseURL)
		if hasUserinfo(p.BaseURL) || (err == nil && u.User != nil) {
			// Never echoed: what sits before the @ may be a password.
			return fail(at("base_url"), "credentials in base_url are not allowed (the URL is not shown: it may hold a password); use *_env or *_file")
		}
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fail(at("base_url"), "not an http(s) URL: %q", p.BaseURL)
		}
		if err := checkRefresh(p.Refresh); err != "" {
			return fail(at("refresh"), "%s", err)
		}
		if key, msg := p.checkBounds(); key != "" {
			return fail(at(key), "%s", msg)
		}
		if p.KindConfig, err = decodeKindConfig(tables[i], d); err != nil {
			return located(path, loc, err, i)
		}
		p.Secrets = map[string]Secret{}
		for _, name := range d.SecretNames() {
			env, file, err := secretRef(tables[i], name)
			if err != nil {
				return fail(at(name+"_env"), "%v", err)
			}
			if env != "" && file != "" {
				return fail(at(name+"_env"), "set %s_env or %s_file, not both", name, name)
			}
			switch {
			case env != "":
				v := getenv(env)
				if v == "" {
					return fail(at(name+"_env"), "environment variable %s is not set (provider %q needs it for %s)", env, p.Name, name)
				}
				p.Secrets[name] = Secret(v)
			case file != "":
				v, err := readSecretFile(file)
				if err != nil {
					return fail(at(name+"_file"), "%v", err)
				}
				p.Secrets[name] = Secret(v)
			}
		}
		if err := checkCredentials(p, d); err != nil {
			return fail(at("kind"), "provider %q: %v", p.Name, err)
		}
	}
	return nil
}

// minRefresh is the shortest refresh interval accepted: anything faster
// only hammers the provider (and its rate limit) without showing more.
const minRefresh = time.Second

func checkRefresh(d Duration) string {
	if d.set && d.Duration < minRefresh {
		return fmt.Sprintf("%s is too short: the refresh interval must be at least %s", d.Duration, minRefresh)
	}
	return ""
}

// hasUserinfo reports whether raw has a user or password before its host
// ("https://user:pass@host"), even when it does not parse as a URL.
func hasUserinfo(raw string) bool {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		rest = strings.TrimPrefix(raw, "//")
	}
	authority, _, _ := strings.Cut(rest, "/")
	authority, _, _ = strings.Cut(authority, "?")
	authority, _, _ = strings.Cut(authority, "#")
	return strings.Contains(authority, "@")
}

// checkCredentials requires one complete credential set of the kind.
func checkCredentials(p *Provider, d kind.Descriptor) error {
	sets := d.Credentials
	for _, set := range sets {
		complete := true
		for _, name := range set {
			if _, ok := p.Secrets[name]; !ok {
				complete = false
			}
		}
		if complete {
			return nil
		}
	}
	var alts []string
	for _, set := range sets {
		var names []string
		for _, n := range set {
			names = append(names, n+"_env")
		}
		alts = append(alts, strings.Join(names, " + "))
	}
	return fmt.Errorf("kind %s needs credentials: %s (or the *_file forms)", p.Kind, strings.Join(alts, ", or "))
}

func readSecretFile(path string) (string, error) {
	b, err := readRegular(path, maxSecretFile)
	if err != nil {
		return "", fmt.Errorf("secret file %s: %v", path, unwrapPath(err))
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("secret file %s is empty", path)
	}
	return v, nil
}

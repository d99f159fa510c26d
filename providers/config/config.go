// Package config loads and validates noctop's TOML configuration. Secrets are
// only ever referenced (an environment variable name or a file path) and are
// resolved here, so a bad reference fails before the screen is taken over.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// typeErr matches the decoder's type-mismatch errors, which carry the line
// only inside their text.
var typeErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// Kinds lists every provider kind noctop knows, in display order.
var Kinds = []string{"fabric", "ixapi", "metal", "packet", "provision"}

// Duration is a time.Duration written as "15s" in TOML.
type Duration struct {
	time.Duration
	set bool // written in the file (a "0s" is set, an absent key is not)
}

// UnmarshalText parses Go duration syntax.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("not a duration (want e.g. \"15s\", \"2m\"): %q", b)
	}
	if v < 0 {
		return fmt.Errorf("duration must not be negative: %q", b)
	}
	d.Duration, d.set = v, true
	return nil
}

// Config is the whole file.
type Config struct {
	Path      string `toml:"-"`
	loc       *locator
	UI        UI                  `toml:"ui"`
	Keys      map[string][]string `toml:"keys"`
	Providers []Provider          `toml:"provider"`
}

// UI holds dashboard-wide settings.
type UI struct {
	Refresh       Duration `toml:"refresh"`        // per-provider auto-refresh interval
	ReadOnly      bool     `toml:"read_only"`      // disable every mutation
	AuditLog      string   `toml:"audit_log"`      // default: $XDG_STATE_HOME/noctop/audit.log
	LogFile       string   `toml:"log_file"`       // default: $XDG_STATE_HOME/noctop/noctop.log
	PoolThreshold float64  `toml:"pool_threshold"` // IPAM: highlight pools above this percentage
	LowLightDBM   float64  `toml:"low_light_dbm"`  // inventory: flag ports receiving less light (dBm)
}

// Provider is one [[provider]] table. Secrets appear only as *_env (an
// environment variable name) or *_file (a path to a file holding the value).
type Provider struct {
	Name     string   `toml:"name"`
	Kind     string   `toml:"kind"`
	BaseURL  string   `toml:"base_url"`
	Timeout  Duration `toml:"timeout"`
	Refresh  Duration `toml:"refresh"`
	ReadOnly bool     `toml:"read_only"`

	// Scope for providers that need one (Metal organisation/project, Packet project).
	OrganizationID string `toml:"organization_id"`
	ProjectID      string `toml:"project_id"`
	// EntityHandle is the ProVision organisation handle deassign and SWIP
	// reassignments act for.
	EntityHandle string `toml:"entity_handle"`

	ClientIDEnv      string `toml:"client_id_env"`
	ClientIDFile     string `toml:"client_id_file"`
	ClientSecretEnv  string `toml:"client_secret_env"`
	ClientSecretFile string `toml:"client_secret_file"`
	TokenEnv         string `toml:"token_env"`
	TokenFile        string `toml:"token_file"`
	APIKeyEnv        string `toml:"api_key_env"`
	APIKeyFile       string `toml:"api_key_file"`
	APISecretEnv     string `toml:"api_secret_env"`
	APISecretFile    string `toml:"api_secret_file"`
	SecretKeyEnv     string `toml:"secret_key_env"`
	SecretKeyFile    string `toml:"secret_key_file"`

	// Secrets holds the resolved values by secret name ("client_secret" ...).
	// Never printed: Secret.String redacts.
	Secrets map[string]Secret `toml:"-"`
	index   int
}

// Secret is a credential value that refuses to print itself (the same
// type the clients take, so a resolved secret never passes through a
// plain string on its way to them).
type Secret = httpx.Secret

// Error is a configuration problem located in the file. It is what main
// prints before exiting with status 2.
type Error struct {
	File string
	Line int    // 0 when unknown
	Key  string // dotted key, e.g. provider[1].kind
	Msg  string
}

// Error renders file:line: key: message. Every part may quote the file
// (a key name, a value): it is made safe to print on a terminal.
func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Key != "" {
		return model.SafeText(fmt.Sprintf("%s: %s: %s", loc, e.Key, e.Msg))
	}
	return model.SafeText(fmt.Sprintf("%s: %s", loc, e.Msg))
}

// ErrorAt is a config error about key (a TOML key path, e.g. "keys",
// "approve"), located in the file the config was parsed from.
func (c *Config) ErrorAt(msg string, key ...string) *Error {
	e := &Error{File: c.Path, Key: strings.Join(key, "."), Msg: msg}
	if c.loc != nil && len(key) > 0 {
		e.Line, e.Key = c.loc.find(key)
	}
	return e
}

// DefaultPath is $XDG_CONFIG_HOME/noctop/config.toml (or ~/.config/...).
func DefaultPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "noctop", "config.toml")
}

// StateDir is $XDG_STATE_HOME/noctop (or ~/.local/state/noctop).
func StateDir() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return filepath.Join(os.TempDir(), "noctop")
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "noctop")
}

// Defaults fills unset values.
func (c *Config) Defaults() {
	if c.UI.Refresh.Duration == 0 && !c.UI.Refresh.set { // a written "0s" is refused, not replaced
		c.UI.Refresh.Duration = 15 * time.Second
	}
	if c.UI.AuditLog == "" {
		c.UI.AuditLog = filepath.Join(StateDir(), "audit.log")
	}
	if c.UI.LogFile == "" {
		c.UI.LogFile = filepath.Join(StateDir(), "noctop.log")
	}
	if c.UI.PoolThreshold == 0 {
		c.UI.PoolThreshold = 80
	}
	if c.UI.LowLightDBM == 0 {
		c.UI.LowLightDBM = model.DefaultLowLightDBM
	}
	for i := range c.Providers {
		if c.Providers[i].Timeout.Duration == 0 {
			c.Providers[i].Timeout.Duration = 30 * time.Second
		}
	}
}

// Load reads, decodes and validates the file at path and resolves every
// secret reference. getenv is os.Getenv outside tests.
func Load(path string, getenv func(string) string) (*Config, error) {
	src, err := readRegular(path, maxConfigFile)
	if err != nil {
		return nil, &Error{File: path, Msg: unwrapPath(err).Error()}
	}
	return Parse(path, src, getenv)
}

// unwrapPath drops the path an *fs.PathError repeats (the error is
// already located by its file).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot %s: %w", pe.Op, pe.Err)
	}
	return err
}

// Parse is Load on bytes already read.
func Parse(path string, src []byte, getenv func(string) string) (*Config, error) {
	// nan and inf first: in a field of another type they would only read
	// as a type mismatch.
	if k, v, ok := nonFinite(src); ok {
		loc := newLocator(src)
		line, key := loc.find(k)
		return nil, &Error{File: path, Line: line, Key: key, Msg: fmt.Sprintf("%v is not a number noctop can use (nan and inf are refused)", v)}
	}
	var c Config
	md, err := toml.Decode(string(src), &c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line := pe.Position.Line
			// The parser counts an offending newline as the start of the
			// next line; the byte offset points at the line it ends.
			if st := pe.Position.Start; st > 0 && st < len(src) && src[st] == '\n' {
				line = bytes.Count(src[:st], []byte{'\n'}) + 1
			}
			return nil, &Error{File: path, Line: line, Key: pe.LastKey, Msg: pe.Message}
		}
		if m := typeErr.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, &Error{File: path, Line: line, Key: m[2], Msg: m[3]}
		}
		return nil, &Error{File: path, Msg: err.Error()}
	}
	c.Path = path
	loc := newLocator(src)
	c.loc = loc
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		// Keys under [keys] are validated by the UI's keymap, not here.
		if k[0] != "keys" {
			line, key := loc.find(k)
			return nil, &Error{File: path, Line: line, Key: key, Msg: "unknown key" + suggest(k)}
		}
	}
	for i := range c.Providers {
		c.Providers[i].index = i
	}
	c.Defaults()
	if err := c.validate(path, loc, getenv); err != nil {
		return nil, err
	}
	return &c, nil
}

func suggest(k toml.Key) string {
	last := k[len(k)-1]
	var known []string
	switch {
	case len(k) == 2 && k[0] == "provider":
		known = providerKeys()
	case len(k) == 2 && k[0] == "ui":
		known = []string{"refresh", "read_only", "audit_log", "log_file", "pool_threshold", "low_light_dbm"}
	case len(k) == 1:
		known = []string{"ui", "keys", "provider"}
	}
	for _, s := range known {
		if strings.EqualFold(strings.ReplaceAll(s, "_", ""), strings.ReplaceAll(strings.ReplaceAll(last, "-", ""), "_", "")) {
			return fmt.Sprintf(" (did you mean %q?)", s)
		}
	}
	if len(known) > 0 {
		sort.Strings(known)
		return " (known: " + strings.Join(known, ", ") + ")"
	}
	return ""
}

func providerKeys() []string {
	return []string{"name", "kind", "base_url", "timeout", "refresh", "read_only", "organization_id", "project_id", "entity_handle",
		"client_id_env", "client_id_file", "client_secret_env", "client_secret_file", "token_env", "token_file",
		"api_key_env", "api_key_file", "api_secret_env", "api_secret_file", "secret_key_env", "secret_key_file"}
}

// Package config loads and validates noctop's TOML configuration. Secrets are
// only ever referenced (an environment variable name or a file path) and are
// resolved here, so a bad reference fails before the screen is taken over.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/kind"
)

// typeErr matches the decoder's type-mismatch errors, which carry the line
// only inside their text.
var typeErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

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
	UI        UI             `toml:"ui"`
	RawKeys   map[string]any `toml:"keys"`
	Providers []Provider     `toml:"-"` // decoded per kind, see providers.go

	// Keys is [keys]: action = [keys...], binding in every pane; PaneKeys
	// are the [keys.<pane>] tables, binding in that pane only. Both are
	// read from RawKeys by Parse; the UI's keymap validates the names.
	Keys     map[string][]string            `toml:"-"`
	PaneKeys map[string]map[string][]string `toml:"-"`
}

// UI holds dashboard-wide settings.
type UI struct {
	Refresh       Duration `toml:"refresh"`        // per-provider auto-refresh interval
	ReadOnly      bool     `toml:"read_only"`      // disable every mutation
	AuditLog      string   `toml:"audit_log"`      // default: $XDG_STATE_HOME/noctop/audit.log
	LogFile       string   `toml:"log_file"`       // default: $XDG_STATE_HOME/noctop/noctop.log
	PoolThreshold float64  `toml:"pool_threshold"` // IPAM: highlight pools above this percentage
	LowLightDBM   float64  `toml:"low_light_dbm"`  // inventory: flag ports receiving less light (dBm)
	ClockSeconds  bool     `toml:"clock_seconds"`  // header clock with seconds (wakes the dashboard every second)
	// FullResync is how often a connection listing refreshed by changes
	// only (Fabric) is still listed whole, to catch deletions (hub default 10m).
	FullResync Duration `toml:"full_resync"`
}

// Provider is one [[provider]] table: the keys every kind shares, the
// resolved secrets, and the kind's own settings. Secrets appear in the file
// only as NAME_env (an environment variable name) or NAME_file (a path to a
// file holding the value), NAME being one of the kind's secrets
// (kind.Descriptor.Credentials).
type Provider struct {
	Name     string   `toml:"name"`
	Kind     string   `toml:"kind"`
	BaseURL  string   `toml:"base_url"`
	Timeout  Duration `toml:"timeout"`
	Refresh  Duration `toml:"refresh"`
	ReadOnly bool     `toml:"read_only"`
	// MaxItems bounds the items one listing keeps (0: 1,000,000); beyond
	// it the listing is cut off with a warning.
	MaxItems int `toml:"max_items"`
	// ListingTimeout bounds one whole listing, every page (0: 2 minutes).
	ListingTimeout Duration `toml:"listing_timeout"`

	// Secrets holds the resolved values by secret name ("client_secret" ...).
	// Never printed: Secret.String redacts.
	Secrets map[string]Secret `toml:"-"`
	// KindConfig is the kind's own settings (what its
	// kind.Descriptor.Config returns, filled from the table); nil when the
	// kind has none.
	KindConfig any `toml:"-"`
	index      int
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
// secret reference. getenv is os.Getenv outside tests; kinds is the table
// of provider kinds (providers.Kinds), which says what each [[provider]]
// table may contain.
func Load(path string, getenv func(string) string, kinds []kind.Descriptor) (*Config, error) {
	src, err := readRegular(path, maxConfigFile)
	if err != nil {
		return nil, &Error{File: path, Msg: unwrapPath(err).Error()}
	}
	return Parse(path, src, getenv, kinds)
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

// LoadWithoutProviders is Load for demo mode: the file's [ui] and [keys]
// apply, its [[provider]] tables are neither read nor checked (the
// simulators replace them, and their secrets need not be at hand).
func LoadWithoutProviders(path string, getenv func(string) string, kinds []kind.Descriptor) (*Config, error) {
	src, err := readRegular(path, maxConfigFile)
	if err != nil {
		return nil, &Error{File: path, Msg: unwrapPath(err).Error()}
	}
	return parseFile(path, src, getenv, kinds, false)
}

// Parse is Load on bytes already read.
func Parse(path string, src []byte, getenv func(string) string, kinds []kind.Descriptor) (*Config, error) {
	return parseFile(path, src, getenv, kinds, true)
}

func parseFile(path string, src []byte, getenv func(string) string, kinds []kind.Descriptor, withProviders bool) (*Config, error) {
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
	for _, k := range md.Undecoded() {
		// Keys under [keys] are validated by the UI's keymap; provider
		// tables are decoded per kind (providers.go).
		if k[0] == "keys" || k[0] == "provider" {
			continue
		}
		line, key := loc.find(k)
		return nil, &Error{File: path, Line: line, Key: key, Msg: "unknown key" + suggest(k)}
	}
	var tables []table
	if withProviders {
		if tables, err = providerTables(path, src, loc); err != nil {
			return nil, err
		}
	}
	c.Providers = make([]Provider, len(tables))
	for i := range tables {
		c.Providers[i].index = i
	}
	if err := c.splitKeys(); err != nil {
		return nil, err
	}
	if err := c.decodeProviders(tables); err != nil {
		return nil, err
	}
	c.Defaults()
	if err := c.validate(path, loc, getenv, tables, kinds); err != nil {
		return nil, err
	}
	return &c, nil
}

// splitKeys reads [keys] into Keys (action = list of keys) and PaneKeys
// ([keys.<pane>] tables of the same); anything else is a located error.
func (c *Config) splitKeys() error {
	list := func(v any, at ...string) ([]string, error) {
		xs, ok := v.([]any)
		if !ok {
			return nil, c.ErrorAt("want a list of key names, e.g. [\"a\", \"ctrl+a\"]", at...)
		}
		out := make([]string, 0, len(xs))
		for _, x := range xs {
			s, ok := x.(string)
			if !ok {
				return nil, c.ErrorAt(fmt.Sprintf("key names are strings, not %v", x), at...)
			}
			out = append(out, s)
		}
		return out, nil
	}
	for _, name := range slices.Sorted(maps.Keys(c.RawKeys)) {
		v := c.RawKeys[name]
		if t, ok := v.(map[string]any); ok {
			pk := map[string][]string{}
			for _, action := range slices.Sorted(maps.Keys(t)) {
				ks, err := list(t[action], "keys", name, action)
				if err != nil {
					return err
				}
				pk[action] = ks
			}
			if c.PaneKeys == nil {
				c.PaneKeys = map[string]map[string][]string{}
			}
			c.PaneKeys[name] = pk
			continue
		}
		ks, err := list(v, "keys", name)
		if err != nil {
			return err
		}
		if c.Keys == nil {
			c.Keys = map[string][]string{}
		}
		c.Keys[name] = ks
	}
	return nil
}

func suggest(k toml.Key) string {
	var known []string
	switch {
	case len(k) == 2 && k[0] == "ui":
		known = tomlKeys(UI{})
	case len(k) == 1:
		known = []string{"ui", "keys", "provider"}
	}
	return suggestFrom(k[len(k)-1], known)
}

// suggestFrom is " (did you mean ...?)" for a near miss of one of known,
// else " (known: ...)".
func suggestFrom(last string, known []string) string {
	norm := func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(strings.ToLower(s), "-", ""), "_", "")
	}
	for _, s := range known {
		if norm(s) == norm(last) {
			return fmt.Sprintf(" (did you mean %q?)", s)
		}
	}
	if len(known) > 0 {
		known = slices.Clone(known)
		sort.Strings(known)
		return " (known: " + strings.Join(known, ", ") + ")"
	}
	return ""
}

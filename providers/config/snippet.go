package config

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// EnvVar is an environment variable a snippet's secret is read from, with
// its value.
type EnvVar struct {
	Name, Value string
}

// Snippet writes ps as [[provider]] tables that Parse reads back: the
// shared keys, the kind's own settings, and every secret as NAME_env, the
// variable named by envName (never the value). It returns the variables
// with their values, in the order written, for the caller to export.
func Snippet(w io.Writer, ps []Provider, envName func(p Provider, secret string) string) ([]EnvVar, error) {
	var buf bytes.Buffer
	var vars []EnvVar
	for i, p := range ps {
		if i > 0 {
			buf.WriteByte('\n')
		}
		fmt.Fprintf(&buf, "[[provider]]\nname = %s\nkind = %s\nbase_url = %s\n", quote(p.Name), quote(p.Kind), quote(p.BaseURL))
		if p.Timeout.Duration > 0 {
			fmt.Fprintf(&buf, "timeout = %s\n", quote(p.Timeout.Duration.String()))
		}
		if p.Refresh.Duration > 0 {
			fmt.Fprintf(&buf, "refresh = %s\n", quote(p.Refresh.Duration.String()))
		}
		if p.ReadOnly {
			buf.WriteString("read_only = true\n")
		}
		if p.KindConfig != nil {
			if err := toml.NewEncoder(&buf).Encode(p.KindConfig); err != nil {
				return nil, fmt.Errorf("provider %q: %w", p.Name, err)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(p.Secrets)) {
			env := envName(p, name)
			fmt.Fprintf(&buf, "%s_env = %s\n", name, quote(env))
			vars = append(vars, EnvVar{Name: env, Value: p.Secrets[name].Value()})
		}
	}
	_, err := w.Write(buf.Bytes())
	return vars, err
}

// EnvName is the conventional variable of a secret: NOCTOP_<NAME>_<SECRET>
// in upper case, anything but letters and digits as "_"
// (NOCTOP_FABRIC_DEMO_CLIENT_ID).
func EnvName(p Provider, secret string) string {
	up := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z':
				return r - 'a' + 'A'
			case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
				return r
			}
			return '_'
		}, s)
	}
	return "NOCTOP_" + up(p.Name) + "_" + up(secret)
}

// quote is a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

package config

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/noctop/noctop/providers/kind"
)

// A [[provider]] table is decoded in two steps, because what it may contain
// depends on its kind: the keys every kind shares first (into Provider),
// then, once the kind is known, its secrets (NAME_env / NAME_file for the
// kind's secret names) and the kind's own settings (into the struct its
// descriptor's Config returns). Any other key is an error naming the
// table, its line and the keys this kind knows.

// table is one [[provider]] table as found in the file.
type table struct {
	md   toml.MetaData
	prim toml.Primitive
	raw  map[string]any // every key of the table, for the unknown-key check
}

// providerTables finds the [[provider]] tables of src.
func providerTables(path string, src []byte, loc *locator) ([]table, error) {
	var f struct {
		Providers []toml.Primitive `toml:"provider"`
	}
	md, err := toml.Decode(string(src), &f)
	if err != nil {
		return nil, located(path, loc, err, -1)
	}
	out := make([]table, len(f.Providers))
	for i, p := range f.Providers {
		out[i] = table{md: md, prim: p}
		if err := md.PrimitiveDecode(p, &out[i].raw); err != nil {
			return nil, located(path, loc, err, i)
		}
	}
	return out, nil
}

// decodeProviders decodes the shared keys of every table.
func (c *Config) decodeProviders(tables []table) error {
	for i, t := range tables {
		if err := t.md.PrimitiveDecode(t.prim, &c.Providers[i]); err != nil {
			return located(c.Path, c.loc, err, i)
		}
	}
	return nil
}

// located turns a decoder's type error into an *Error at its line; the key
// is shown as provider[N].key when the error is about table n (n >= 0).
func located(path string, loc *locator, err error, n int) error {
	m := typeErr.FindStringSubmatch(err.Error())
	if m == nil {
		return &Error{File: path, Msg: err.Error()}
	}
	line, _ := strconv.Atoi(m[1])
	key := m[2]
	if last, ok := strings.CutPrefix(key, "provider."); ok && n >= 0 {
		_, key = loc.find([]string{fmt.Sprintf("provider#%d", n), last})
	}
	return &Error{File: path, Line: line, Key: key, Msg: m[3]}
}

// commonKeys are the keys every [[provider]] table may carry.
var commonKeys = tomlKeys(Provider{})

// tomlKeys lists the toml tags of v's fields.
func tomlKeys(v any) []string {
	t := reflect.TypeOf(v)
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// keysOf lists every key a table of kind d may carry.
func keysOf(d kind.Descriptor) []string {
	out := slices.Clone(commonKeys)
	for _, s := range d.SecretNames() {
		out = append(out, s+"_env", s+"_file")
	}
	return append(out, d.ConfigKeys()...)
}

// unknownKey returns the first key of t (in file order) that a table of
// kind d may not carry, with the message to show; "" when there is none.
func unknownKey(t table, d kind.Descriptor, loc *locator, n int) (string, string) {
	known := keysOf(d)
	var bad []string
	for k := range t.raw {
		if !slices.Contains(known, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return "", ""
	}
	line := func(k string) int {
		l, _ := loc.find([]string{fmt.Sprintf("provider#%d", n), k})
		return l
	}
	sort.Slice(bad, func(i, j int) bool {
		return line(bad[i]) < line(bad[j]) || (line(bad[i]) == line(bad[j]) && bad[i] < bad[j])
	})
	k := bad[0]
	return k, fmt.Sprintf("unknown key for kind %s%s", d.Name, suggestFrom(k, known))
}

// secretRef reads the NAME_env and NAME_file references of one secret.
func secretRef(t table, name string) (env, file string, err error) {
	get := func(key string) (string, error) {
		v, ok := t.raw[key]
		if !ok {
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("%s must be a string, got %T", key, v)
		}
		return s, nil
	}
	if env, err = get(name + "_env"); err != nil {
		return "", "", err
	}
	file, err = get(name + "_file")
	return env, file, err
}

// decodeKindConfig fills the kind's own settings from t.
func decodeKindConfig(t table, d kind.Descriptor) (any, error) {
	if d.Config == nil {
		return nil, nil
	}
	v := d.Config()
	if err := t.md.PrimitiveDecode(t.prim, v); err != nil {
		return nil, err
	}
	return v, nil
}

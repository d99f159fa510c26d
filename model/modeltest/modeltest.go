// Package modeltest helps tests prove that provider text cannot drive the
// operator's terminal: hostile strings to feed in, a filler that puts them
// in every string field of a model value, and checks that find any string,
// raw JSON or screen output a terminal would still interpret.
package modeltest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
)

// Hostile carries every attack the sanitiser must defuse: OSC 52
// (clipboard write), OSC 0 (window title), CSI 2J (clear), a C1 CSI
// (U+009B), a bidi override (U+202E), invalid UTF-8, DEL and a newline.
const Hostile = "n\x1b]52;c;SGVsbG8=\x07\x1b]0;pwned\x07\x1b[2J\u009b2J\u202eevil\xff\x7f\nend"

// HostileJSON is a valid JSON document whose keys and values decode to the
// same attacks, with raw C1, bidi and invalid bytes inside its strings.
var HostileJSON = json.RawMessage("{\"name\\u001b]0;t\\u0007\":\"x\\u001b[2J\u009b\u202e\xff\",\"n\":12345678901234567890.5,\"a\":[\"\\n\\t\\u001b]52;c;eA==\\u0007\",true,null,{\"\u009b\":\"\x7f\"}]}")

var (
	modelPkg = reflect.TypeOf(model.Connection{}).PkgPath()
	rawType  = reflect.TypeOf(json.RawMessage(nil))
)

// Fill sets every string reachable from the value ptr points to (fields of
// model structs, slices, pointers, string maps) to Hostile, and every
// json.RawMessage to HostileJSON. Slices get two elements; nested slices
// stop three levels down (Node.Children).
func Fill(ptr any) { fill(reflect.ValueOf(ptr).Elem(), 0) }

func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(Hostile)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fill(v.Elem(), depth)
	case reflect.Slice:
		if v.Type() == rawType {
			v.SetBytes(bytes.Clone(HostileJSON))
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 || depth > 2 {
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := 0; i < v.Len(); i++ {
			fill(v.Index(i), depth+1)
		}
	case reflect.Map:
		if v.Type().Key().Kind() == reflect.String && v.Type().Elem().Kind() == reflect.String {
			m := reflect.MakeMap(v.Type())
			m.SetMapIndex(reflect.ValueOf(Hostile).Convert(v.Type().Key()), reflect.ValueOf(Hostile).Convert(v.Type().Elem()))
			v.Set(m)
		}
	case reflect.Struct:
		if v.Type().PkgPath() != modelPkg {
			return // time.Time, netip.Prefix: no provider text
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth)
			}
		}
	}
}

// Dirty lists the paths (".A.Name", ".Fields[].Value") of every string
// reachable from v that is not TerminalSafe on one line, and of every
// json.RawMessage that is not CleanJSON. Paths in skip (and below them)
// are not checked.
func Dirty(v any, skip ...string) []string {
	var out []string
	sk := map[string]bool{}
	for _, s := range skip {
		sk[s] = true
	}
	dirty(reflect.ValueOf(v), "", sk, &out)
	return out
}

func dirty(v reflect.Value, path string, skip map[string]bool, out *[]string) {
	if skip[path] || !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.String:
		if !TerminalSafe(v.String(), false) {
			*out = append(*out, path)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			dirty(v.Elem(), path, skip, out)
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == rawType {
			if len(v.Bytes()) > 0 && !CleanJSON(v.Bytes()) {
				*out = append(*out, path)
			}
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := 0; i < v.Len(); i++ {
			dirty(v.Index(i), path+"[]", skip, out)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			dirty(k, path+"{key}", skip, out)
			dirty(v.MapIndex(k), path+"{}", skip, out)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				dirty(v.Field(i), path+"."+f.Name, skip, out)
			}
		}
	}
}

// CleanJSON reports whether raw is valid JSON whose every string decodes
// to one TerminalSafe line and whose bytes are TerminalSafe.
func CleanJSON(raw []byte) bool {
	if !json.Valid(raw) || !TerminalSafe(string(raw), true) {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err != nil {
			return true // io.EOF: json.Valid vouched for the syntax
		}
		if s, ok := tok.(string); ok && !TerminalSafe(s, false) {
			return false
		}
	}
}

// TerminalSafe reports whether s is valid UTF-8 free of anything a
// terminal interprets: C0 controls (newline allowed when multiline, and
// tab/CR with it, as JSON whitespace), ESC, DEL, C1 controls, bidi
// controls and the line/paragraph separators. This definition is written
// independently of model.SafeText, so it checks it rather than echoes it.
func TerminalSafe(s string, multiline bool) bool {
	return FirstControl(s, multiline) < 0
}

// FirstControl is the byte offset of the first thing TerminalSafe
// refuses, or -1.
func FirstControl(s string, multiline bool) int {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"): // an invalid byte
			return i
		case r == '\n' || r == '\t' || r == '\r':
			if !multiline {
				return i
			}
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
			return i
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			return i
		case r == 0x2028, r == 0x2029:
			return i
		}
	}
	return -1
}

// StripSGR removes the styling sequences lipgloss writes (CSI ... m) and
// nothing else, so that what is left of a styled screen can be checked
// with TerminalSafe: any other escape is not the app's own.
func StripSGR(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':') {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				i = j + 1
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// invalidMark stands for an invalid UTF-8 byte while InjectJSON encodes
// (encoding/json would replace it with U+FFFD).
const invalidMark = "\u2603INVALID\u2603"

// InjectJSON returns the JSON document raw with Hostile appended to every
// string value for which keep(key, value) is false, key being the object
// key the value sits under (the array's key for array elements). What goes
// on the wire is what a hostile server would send: escapes as \u001b, C1
// and bidi characters raw, and one raw invalid byte.
func InjectJSON(raw []byte, keep func(key, value string) bool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	bad := strings.ReplaceAll(Hostile, "\xff", invalidMark)
	var walk func(key string, v any) any
	walk = func(key string, v any) any {
		switch x := v.(type) {
		case string:
			if keep != nil && keep(key, x) {
				return x
			}
			return x + bad
		case []any:
			for i := range x {
				x[i] = walk(key, x[i])
			}
		case map[string]any:
			for k, e := range x {
				x[k] = walk(k, e)
			}
		}
		return v
	}
	v = walk("", v)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.ReplaceAll(b.Bytes(), []byte(invalidMark), []byte{0xff}), nil
}

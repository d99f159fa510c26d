package detail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// maxRawLines bounds what a hostile or enormous API object can cost.
const maxRawLines = 5000

// Flatten turns a JSON document into indented "key: value" lines in the
// order the API sent them. Objects and arrays open an indented block;
// array elements are labelled [i]. Malformed input yields the lines decoded
// so far plus an error line, never a panic.
func Flatten(raw []byte) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	f := flattener{dec: dec}
	if err := f.value("", 0); err != nil && err != errTooMany {
		f.lines = append(f.lines, "(could not decode the rest: "+model.SafeText(err.Error())+")")
	}
	if f.truncated {
		f.lines = append(f.lines, fmt.Sprintf("… truncated after %d lines", maxRawLines))
	}
	return f.lines
}

type flattener struct {
	dec       *json.Decoder
	lines     []string
	truncated bool
}

var errTooMany = fmt.Errorf("too many lines")

func (f *flattener) emit(depth int, s string) error {
	if len(f.lines) >= maxRawLines {
		f.truncated = true
		return errTooMany
	}
	f.lines = append(f.lines, strings.Repeat("  ", depth)+s)
	return nil
}

// value reads one JSON value labelled label (empty at the top level).
func (f *flattener) value(label string, depth int) error {
	if depth > 64 {
		return fmt.Errorf("nesting deeper than 64 levels")
	}
	tok, err := f.dec.Token()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	prefix := ""
	if label != "" {
		prefix = label + ":"
	}
	switch t := tok.(type) {
	case json.Delim:
		childDepth := depth
		if label != "" {
			childDepth = depth + 1
		}
		if t == '{' {
			if !f.dec.More() {
				_, err := f.dec.Token()
				if label != "" {
					return errors2(err, f.emit(depth, prefix+" {}"))
				}
				return err
			}
			if label != "" {
				if err := f.emit(depth, prefix); err != nil {
					return err
				}
			}
			for f.dec.More() {
				kt, err := f.dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				if err := f.value(model.SafeText(k), childDepth); err != nil {
					return err
				}
			}
			_, err := f.dec.Token()
			return err
		}
		// array
		if !f.dec.More() {
			_, err := f.dec.Token()
			if label != "" {
				return errors2(err, f.emit(depth, prefix+" []"))
			}
			return err
		}
		if label != "" {
			if err := f.emit(depth, prefix); err != nil {
				return err
			}
		}
		for i := 0; f.dec.More(); i++ {
			if err := f.value("["+strconv.Itoa(i)+"]", childDepth); err != nil {
				return err
			}
		}
		_, err := f.dec.Token()
		return err
	case string:
		return f.emit(depth, strings.TrimSpace(prefix+" "+model.SafeText(t)))
	case json.Number:
		return f.emit(depth, strings.TrimSpace(prefix+" "+t.String()))
	case bool:
		return f.emit(depth, strings.TrimSpace(prefix+" "+strconv.FormatBool(t)))
	case nil:
		return f.emit(depth, strings.TrimSpace(prefix+" null"))
	}
	return nil
}

func errors2(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// SafeJSON returns raw JSON whose every string (keys included) decodes to
// SafeText output, for the detail view of an object "as the API returned
// it". The common document (printable text, harmless escapes) is returned
// as is; one with a control character, a dangerous escape (\u001b, \n in a
// value), a bidi control or invalid UTF-8 is re-encoded compactly with its
// strings cleaned and its numbers kept digit for digit. A document that is
// not JSON becomes one JSON string holding its cleaned text, so nothing is
// lost from view and nothing reaches the terminal raw.
func SafeJSON(raw json.RawMessage) json.RawMessage {
	out, _ := safeJSON(raw)
	return out
}

func safeJSON(raw json.RawMessage) (json.RawMessage, bool) {
	if len(raw) == 0 || plainJSON(raw) {
		return raw, false
	}
	out, err := reencode(raw)
	if err != nil {
		b, _ := json.Marshal(SafeText(string(raw)))
		return b, true
	}
	return out, true
}

// plainJSON reports whether every string in raw would survive SafeText
// unchanged, scanning bytes (JSON whitespace between tokens is fine).
func plainJSON(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	for i := 0; i < len(raw); {
		// Most of a document is printable ASCII: skip it in a tight loop.
		for i < len(raw) && raw[i] >= 0x20 && raw[i] < 0x7f && raw[i] != '\\' {
			i++
		}
		if i == len(raw) {
			break
		}
		switch c := raw[i]; {
		case c == '\\':
			if i+1 >= len(raw) {
				return false
			}
			switch raw[i+1] {
			case '"', '\\', '/':
				i += 2
				continue
			case 'u':
				if i+6 > len(raw) {
					return false
				}
				r, ok := hex4(raw[i+2 : i+6])
				// Surrogates pair up or decode to U+FFFD: the slow path decides.
				if !ok || r < 0x20 || r == 0x7f || (r >= 0xd800 && r <= 0xdfff) || r != utf8.RuneError && unsafeRune(r) {
					return false
				}
				i += 6
				continue
			}
			return false // \n \t \r \b \f decode to controls
		case c == '\t' || c == '\n' || c == '\r':
			i++ // whitespace between tokens (inside a string it is invalid JSON, refused by the decoder anyway)
		case c < 0x80: // other C0 controls, DEL
			return false
		case c == 0xc2 || c == 0xd8 || c == 0xe2:
			// The lead bytes of every rune SafeText replaces (C1; U+061C;
			// U+200E-F, U+2028-9, U+202A-E, U+2066-9); raw is valid UTF-8,
			// so a lead byte is never a continuation byte.
			r, n := utf8.DecodeRune(raw[i:])
			if unsafeRune(r) {
				return false
			}
			i += n
		default:
			i++ // other lead and continuation bytes: valid, harmless
		}
	}
	return true
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// reencode copies raw token by token (iteratively: no recursion for a
// hostile depth), cleaning strings with SafeText.
func reencode(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b bytes.Buffer
	b.Grow(len(raw))
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	// Per open container: is it an object, and how many tokens so far.
	type frame struct {
		object bool
		n      int
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			b.WriteByte(byte(d))
			continue
		}
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			switch {
			case top.object && top.n%2 == 1:
				b.WriteByte(':')
			case top.n > 0:
				b.WriteByte(',')
			}
			top.n++
		} else if b.Len() > 0 {
			return nil, errTrailing
		}
		switch t := tok.(type) {
		case json.Delim:
			b.WriteByte(byte(t))
			stack = append(stack, frame{object: t == '{'})
		case string:
			if err := enc.Encode(SafeText(t)); err != nil {
				return nil, err
			}
			b.Truncate(b.Len() - 1) // Encode's newline
		case json.Number:
			b.WriteString(t.String())
		case bool:
			if t {
				b.WriteString("true")
			} else {
				b.WriteString("false")
			}
		case nil:
			b.WriteString("null")
		}
	}
	return b.Bytes(), nil
}

var errTrailing = errors.New("data after the JSON value")

// SafeError returns err with a message that is safe for a terminal
// (SafeMultiline: the first line stays the summary), keeping err reachable
// for errors.Is and errors.As. An error whose message needs no cleaning is
// returned as is, so identity comparisons keep working.
func SafeError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if s := SafeMultiline(msg); s != msg {
		return &safeError{msg: s, err: err}
	}
	return err
}

type safeError struct {
	msg string
	err error
}

func (e *safeError) Error() string { return e.msg }
func (e *safeError) Unwrap() error { return e.err }

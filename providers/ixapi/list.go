package ixapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// List shapes.
//
// IX-API 2.1.0 answers every list with a bare JSON array. Servers in front
// of big datasets paginate instead; the shape assumed for that is the
// common limit/offset envelope
//
//	{"count": 1234, "next": "<url>"|null, "previous": "<url>"|null, "results": [...]}
//
// (also accepted: "items" or "data" for the results, "total" or
// "total_count" for the count). The client accepts both on every list and
// every page: it asks for pages (limit/offset) only when configured with
// WithPageLimit, but follows an envelope whenever a server sends one. The
// simulator serves the spec's bare array unless the request carries limit
// or offset, and the envelope when it does.

// listPage is one decoded list response.
type listPage struct {
	items     []json.RawMessage
	enveloped bool
	total     int   // -1 when unknown
	next      *bool // envelope said whether a next page exists (nil: not said)
}

var (
	envelopeItemKeys  = []string{"results", "items", "data"}
	envelopeCountKeys = []string{"count", "total", "total_count"}
)

// decodeListPage reads a bare array or an envelope.
func decodeListPage(body []byte) (listPage, error) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return listPage{}, fmt.Errorf("%w: empty body, expected a JSON list", model.ErrBadResponse)
	}
	switch b[0] {
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return listPage{}, jsonError(err)
		}
		return listPage{items: items, total: -1}, nil
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			return listPage{}, jsonError(err)
		}
		p := listPage{enveloped: true, total: -1}
		found := false
		for _, k := range envelopeItemKeys {
			raw, ok := obj[k]
			if !ok {
				continue
			}
			if isNull(raw) {
				found = true
				break
			}
			if err := json.Unmarshal(raw, &p.items); err != nil {
				return listPage{}, fmt.Errorf("%w: list envelope field %q is not a list", model.ErrBadResponse, k)
			}
			found = true
			break
		}
		if !found {
			return listPage{}, fmt.Errorf("%w: expected a JSON list or a paginated envelope with \"results\"", model.ErrBadResponse)
		}
		for _, k := range envelopeCountKeys {
			var n int64
			if raw, ok := obj[k]; ok && json.Unmarshal(raw, &n) == nil && n >= 0 && n <= 1<<31 {
				p.total = int(n)
				break
			}
		}
		if raw, ok := obj["next"]; ok {
			has := !isNull(raw) && strings.Trim(string(bytes.TrimSpace(raw)), `"`) != ""
			p.next = &has
		}
		return p, nil
	}
	return listPage{}, fmt.Errorf("%w: expected a JSON list, got %s", model.ErrBadResponse, jsonKind(b[0]))
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func jsonKind(c byte) string {
	switch {
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	}
	return "something that is not JSON"
}

// jsonError turns an encoding/json error into one wrapping
// model.ErrBadResponse, saying where (never echoing the body).
func jsonError(err error) error {
	return fmt.Errorf("%w: %s", model.ErrBadResponse, httpx.DescribeJSONError(err))
}

// metaObject is a wire type embedding Meta.
type metaObject[T any] interface {
	*T
	meta() *Meta
}

// decodeObject decodes one object leniently: a field of the wrong type is
// skipped (encoding/json goes on with the others) and recorded in
// Meta.DecodeError; the raw bytes are kept. Only a value that is not a JSON
// object at all is an error.
func decodeObject[T any, PT metaObject[T]](raw json.RawMessage) (T, error) {
	var v T
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || b[0] != '{' {
		if len(b) == 0 {
			return v, fmt.Errorf("%w: empty body, expected a JSON object", model.ErrBadResponse)
		}
		return v, fmt.Errorf("%w: expected a JSON object, got %s", model.ErrBadResponse, jsonKind(b[0]))
	}
	err := json.Unmarshal(b, &v)
	m := PT(&v).meta()
	m.raw = append(json.RawMessage(nil), b...)
	if err != nil {
		var typ *json.UnmarshalTypeError
		if !errors.As(err, &typ) {
			var zero T
			return zero, jsonError(err)
		}
		m.decodeErr = jsonError(err)
	}
	return v, nil
}

// decodeItems decodes every item of a list leniently. An item that is not
// an object becomes a zero value with DecodeError set, so the caller can
// report it without losing the others.
func decodeItems[T any, PT metaObject[T]](raws []json.RawMessage) []T {
	out := make([]T, 0, len(raws))
	for _, r := range raws {
		v, err := decodeObject[T, PT](r)
		if err != nil {
			m := PT(&v).meta()
			m.raw = append(json.RawMessage(nil), r...)
			m.decodeErr = err
		}
		out = append(out, v)
	}
	return out
}

// typedPage is one list answer decoded as it streamed in.
type typedPage[T any] struct {
	items     []T // readable objects, in the order sent
	dropped   int // objects that could not be read (no id)
	problem   string
	enveloped bool
	total     int    // -1 when unknown
	next      *bool  // envelope said whether a next page exists (nil: not said)
	nextLink  string // the next link as sent (bounded)
	overfull  bool   // more objects than the bound; reading stopped
}

// decodeListStream reads a bare array or an envelope from r, one object
// at a time, each decoded leniently (decodeObject's rules). An object
// without an id is counted in dropped, not kept: nothing refers to it and
// nothing can be done with it. An envelope's results are read up to
// pageMax objects, a bare array (the whole list) up to listMax; with more,
// reading stops and overfull is set.
func decodeListStream[T any, PT metaObject[T]](r io.Reader, pageMax, listMax int) (typedPage[T], error) {
	p := typedPage[T]{total: -1}
	s := httpx.NewJSONStream(r)
	item := func() error {
		var v T
		raw, err := s.DecodeRaw(PT(&v))
		var verr *httpx.ValueError
		if err != nil && !errors.As(err, &verr) {
			return err
		}
		m := PT(&v).meta()
		m.raw = raw
		if err != nil {
			m.decodeErr = err
		}
		if idOf(any(&v)) == "" {
			p.dropped++
			if p.problem == "" {
				p.problem = "an object without an id"
				if b := bytes.TrimSpace(raw); len(b) > 0 && b[0] != '{' {
					p.problem += " (" + jsonKind(b[0]) + ", not an object)"
				} else if verr != nil {
					p.problem += " (" + verr.Msg + ")"
				}
			}
			return nil
		}
		p.items = append(p.items, v)
		return nil
	}
	t, err := s.Token()
	if err != nil {
		if errors.Is(err, model.ErrBadResponse) && s.Offset() == 0 {
			return p, fmt.Errorf("%w: empty body, expected a JSON list", model.ErrBadResponse)
		}
		return p, err
	}
	switch t {
	case json.Delim('['):
		more := false
		for s.More() {
			if listMax > 0 && len(p.items)+p.dropped >= listMax {
				more = true
				break
			}
			if err := item(); err != nil {
				return p, err
			}
		}
		if more {
			p.overfull = true
			return p, nil
		}
		if _, err := s.Token(); err != nil {
			return p, err
		}
		return p, s.End()
	case json.Delim('{'):
	default:
		return p, fmt.Errorf("%w: expected a JSON list, got %s", model.ErrBadResponse, tokenKindOf(t))
	}
	p.enveloped = true
	found := false
	counts := map[string]int{}
	for s.More() {
		kt, err := s.Token()
		if err != nil {
			return p, err
		}
		key, _ := kt.(string)
		switch {
		case slices.Contains(envelopeItemKeys, key) && !found:
			found = true
			_, more, err := s.Array(pageMax, item)
			if err != nil {
				return p, fmt.Errorf("list envelope field %q: %w", key, err)
			}
			if more {
				p.overfull = true
				return p, nil
			}
		case slices.Contains(envelopeCountKeys, key):
			var raw json.RawMessage
			if err := s.Decode(&raw); err != nil {
				return p, err
			}
			var n int64
			if !isNull(raw) && json.Unmarshal(raw, &n) == nil && n >= 0 && n <= 1<<31 {
				counts[key] = int(n)
			}
		case key == "next":
			var raw json.RawMessage
			if err := s.Decode(&raw); err != nil {
				return p, err
			}
			var link string
			_ = json.Unmarshal(raw, &link)
			has := !isNull(raw) && strings.Trim(string(bytes.TrimSpace(raw)), `"`) != ""
			p.next = &has
			p.nextLink = truncate(link, 2048)
		default:
			if err := s.Skip(); err != nil {
				return p, err
			}
		}
	}
	if _, err := s.Token(); err != nil {
		return p, err
	}
	if err := s.End(); err != nil {
		return p, err
	}
	if !found {
		return p, fmt.Errorf("%w: expected a JSON list or a paginated envelope with \"results\"", model.ErrBadResponse)
	}
	for _, k := range envelopeCountKeys {
		if n, ok := counts[k]; ok {
			p.total = n
			break
		}
	}
	return p, nil
}

func tokenKindOf(t json.Token) string {
	switch t.(type) {
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "something that is not a list"
}

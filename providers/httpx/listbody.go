package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/noctop/noctop/model"
)

// ListBody reads one page of a listing shaped as a JSON object holding
// its items under one key ({"projects": [...], "meta": {...}}) as the body
// streams in: the items one at a time, the other members handed to
// Member. It keeps at most Max items (more: reading stops there and the
// page is Overfull; the rest of the body is never read).
//
// Loss is counted, never silent and never kept as empty rows: an item
// without an id (ID returns "") is counted in Page.Dropped, with the first
// reason in Page.Problem. An item that does not fit T (a field of the
// wrong type) is dropped the same way, unless Salvage makes a marked item
// of it (the provider then shows it as broken). A body without the list,
// or with something else than a list there, is an error wrapping
// model.ErrBadResponse; "key": null is an empty page. The key is matched
// case-insensitively, as encoding/json does; when it repeats, the last
// list counts.
type ListBody[T any] struct {
	Key  string // the member holding the items ("projects")
	What string // one item, for Problem ("project")
	Max  int    // items read at most (<= 0: no bound)
	// ID identifies an item; required.
	ID func(*T) string
	// Salvage, when set, gets an item that does not fit T, its exact
	// bytes and why; it returns what could be read of it, marked, and
	// whether to keep it (it still needs an id).
	Salvage func(raw json.RawMessage, why *ValueError) (T, bool)
	// Member reads any other member's value (it must consume it); nil:
	// skipped. OptionalMember makes one.
	Member func(key string, s *JSONStream) error
	// Missing says why an item without an id is dropped (default: What
	// + " without an id").
	Missing string
}

// OptionalMember is a ListBody.Member that reads the member called name
// (case-insensitively) into *dst and skips the others. A value of the
// wrong type leaves *dst as it is: a page's meta or pagination only
// costs the page count when garbled, never the page.
func OptionalMember[M any](name string, dst **M) func(key string, s *JSONStream) error {
	return func(key string, s *JSONStream) error {
		if !strings.EqualFold(key, name) {
			return s.Skip()
		}
		var m *M
		err := s.Decode(&m)
		if errors.As(err, new(*ValueError)) {
			return nil
		}
		if err == nil {
			*dst = m
		}
		return err
	}
}

// Decode reads the page from r.
func (b ListBody[T]) Decode(r io.Reader) (Page[T], error) {
	var p Page[T]
	s := NewJSONStream(r)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s list at offset %d: %s", model.ErrBadResponse, b.What, s.Offset(), fmt.Sprintf(format, args...))
	}
	tok, err := s.Token()
	if err != nil {
		return p, err
	}
	if tok != json.Delim('{') {
		return p, bad("expected an object, got %s", tokenKind(tok))
	}
	found := false
	for s.More() {
		kt, err := s.Token()
		if err != nil {
			return p, err
		}
		key, _ := kt.(string)
		if !strings.EqualFold(key, b.Key) {
			if b.Member != nil {
				err = b.Member(key, s)
			} else {
				err = s.Skip()
			}
			if err != nil {
				return p, err
			}
			continue
		}
		found = true
		p.Items, p.Dropped, p.Problem = p.Items[:0], 0, ""
		_, more, err := s.Array(b.Max, func() error { return b.item(s, &p) })
		if err != nil {
			return p, err
		}
		if more {
			p.Overfull = true
			return p, nil // the rest is not read
		}
	}
	if _, err := s.Token(); err != nil { // the closing brace
		return p, err
	}
	if err := s.End(); err != nil {
		return p, err
	}
	if !found {
		return p, bad("no %q member in the answer", b.Key)
	}
	return p, nil
}

// item reads the next array element into p.
func (b ListBody[T]) item(s *JSONStream, p *Page[T]) error {
	var v T
	var raw json.RawMessage
	var err error
	if b.Salvage != nil {
		raw, err = s.DecodeRaw(&v)
	} else {
		err = s.Decode(&v)
	}
	var verr *ValueError
	if err != nil && !errors.As(err, &verr) {
		return err
	}
	keep := err == nil
	if verr != nil && b.Salvage != nil {
		v, keep = b.Salvage(raw, verr)
	}
	if keep && b.ID(&v) != "" {
		p.Items = append(p.Items, v)
		return nil
	}
	p.Dropped++
	if p.Problem == "" {
		switch {
		case verr != nil && !keep:
			p.Problem = fmt.Sprintf("%s not readable (%s)", b.What, verr.Msg)
		default:
			p.Problem = b.What + " without an id"
			if b.Missing != "" {
				p.Problem = b.Missing
			}
			if verr != nil {
				p.Problem += " (" + verr.Msg + ")"
			}
		}
	}
	return nil
}

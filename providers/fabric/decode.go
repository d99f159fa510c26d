package fabric

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// searchPage is one search response as the client read it.
type searchPage struct {
	Pagination *Pagination
	Data       []Connection // in the order sent; with validate only readable ones
	Dropped    int          // connections that could not be read (validate)
	Problem    string       // why the first of them could not be read
	Overfull   bool         // more than max connections were sent; reading stopped
}

// decodeSearch reads a ConnectionSearchResponse as it streams in, one
// connection at a time, each decoded straight into its struct with its raw
// bytes kept. A connection with a field of the wrong type keeps what
// identifies it, with DecodeError set; broken JSON fails the page. At most
// max connections are read (0: no bound): when the server sends more,
// reading stops there and Overfull is set. With validate, a connection
// without a uuid (nothing can be done with it, and a million of them is
// how a hostile page fills memory) is counted in Dropped instead of kept.
func decodeSearch(r io.Reader, max int, validate bool) (searchPage, error) {
	var out searchPage
	s := httpx.NewJSONStream(r)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: search response at offset %d: %s", model.ErrBadResponse, s.Offset(), fmt.Sprintf(format, args...))
	}
	tok, err := s.Token()
	if err != nil {
		return out, err
	}
	if tok != json.Delim('{') {
		return out, bad("expected an object")
	}
	for s.More() {
		kt, err := s.Token()
		if err != nil {
			return out, err
		}
		key, _ := kt.(string)
		switch {
		case strings.EqualFold(key, "data"): // encoding/json matches keys case-insensitively too
			out.Data, out.Dropped, out.Problem = out.Data[:0], 0, ""
			if p := out.Pagination; p != nil && cap(out.Data) == 0 && p.Limit > 0 {
				n := min(p.Limit, 1000)
				if max > 0 {
					n = min(n, max)
				}
				out.Data = make([]Connection, 0, n)
			}
			_, more, err := s.Array(max, func() error { return out.readConnection(s, validate) })
			if err != nil {
				return out, err
			}
			if more {
				out.Overfull = true
				return out, nil // the rest is not read
			}
		case strings.EqualFold(key, "pagination"):
			var p *Pagination
			if err := s.Decode(&p); err != nil {
				return out, err
			}
			out.Pagination = p
		default:
			if err := s.Skip(); err != nil {
				return out, err
			}
		}
	}
	if _, err := s.Token(); err != nil { // the closing brace
		return out, err
	}
	return out, s.End()
}

// readConnection decodes the next array item.
func (out *searchPage) readConnection(s *httpx.JSONStream, validate bool) error {
	type plain Connection // no UnmarshalJSON: decoded in place
	var p plain
	raw, err := s.DecodeRaw(&p)
	var c Connection
	var verr *httpx.ValueError
	switch {
	case err == nil:
		c = Connection(p)
		c.raw = raw
	case errors.As(err, &verr):
		// Read what identifies it; keep the row.
		_ = c.UnmarshalJSON(raw)
	default:
		return err
	}
	if validate && c.UUID == "" {
		out.Dropped++
		if out.Problem == "" {
			out.Problem = "connection without a uuid"
			if derr := c.DecodeError(); derr != nil {
				out.Problem += " (" + strings.TrimPrefix(derr.Error(), model.ErrBadResponse.Error()+": ") + ")"
			} else if b := bytes.TrimSpace(raw); len(b) > 0 && b[0] != '{' {
				out.Problem += " (not a JSON object)"
			}
		}
		return nil
	}
	out.Data = append(out.Data, c)
	return nil
}

// decodeSearchPage decodes a whole search response held in memory (tests,
// fuzzing): every connection is kept.
func decodeSearchPage(body []byte) (ConnectionSearchResponse, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return ConnectionSearchResponse{}, fmt.Errorf("%w: empty body, expected JSON", model.ErrBadResponse)
	}
	p, err := decodeSearch(bytes.NewReader(body), 0, false)
	if err != nil {
		return ConnectionSearchResponse{}, fmt.Errorf("search response: %w", err)
	}
	return ConnectionSearchResponse{Pagination: p.Pagination, Data: p.Data}, nil
}

package fabric

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/noctop/noctop/model"
)

// decodeSearchPage decodes a ConnectionSearchResponse in one streaming
// pass. Each connection is decoded straight into its struct while its raw
// bytes are sliced out of the body (no second scan, no copy), which halves
// the cost of the naive Unmarshal-with-raw-capture on large listings. A
// connection with a field of the wrong type becomes a row with
// DecodeError set; broken JSON fails the page.
func decodeSearchPage(body []byte) (ConnectionSearchResponse, error) {
	var out ConnectionSearchResponse
	dec := json.NewDecoder(bytes.NewReader(body))
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: search response at offset %d: %s", model.ErrBadResponse, dec.InputOffset(), fmt.Sprintf(format, args...))
	}
	wrap := func(err error) error {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return bad("unexpected end of JSON")
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("%w: search response: invalid JSON at offset %d: %s", model.ErrBadResponse, se.Offset, se.Error())
		}
		return bad("%s", err.Error())
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return out, fmt.Errorf("%w: empty body, expected JSON", model.ErrBadResponse)
	}
	if tok, err := dec.Token(); err != nil {
		return out, wrap(err)
	} else if tok != json.Delim('{') {
		return out, bad("expected an object, got %v", tok)
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return out, wrap(err)
		}
		key, _ := kt.(string)
		switch {
		case strings.EqualFold(key, "data"): // encoding/json matches keys case-insensitively too
			out.Data = out.Data[:0]
			if err := decodeData(dec, body, &out, wrap, bad); err != nil {
				return out, err
			}
		case strings.EqualFold(key, "pagination"):
			var p *Pagination
			if err := dec.Decode(&p); err != nil {
				return out, wrap(err)
			}
			out.Pagination = p
			if p != nil && out.Data == nil && p.Limit > 0 && p.Limit <= 1000 {
				out.Data = make([]Connection, 0, p.Limit)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return out, wrap(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return out, wrap(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return out, bad("unexpected data after the response object")
	}
	return out, nil
}

func decodeData(dec *json.Decoder, body []byte, out *ConnectionSearchResponse, wrap func(error) error, bad func(string, ...any) error) error {
	tok, err := dec.Token()
	if err != nil {
		return wrap(err)
	}
	if tok == nil {
		return nil // "data": null
	}
	if tok != json.Delim('[') {
		return bad("data is not an array")
	}
	type plain Connection // no UnmarshalJSON: decoded in place
	for dec.More() {
		start := dec.InputOffset()
		var p plain
		err := dec.Decode(&p)
		raw := json.RawMessage(bytes.TrimLeft(body[start:dec.InputOffset()], " \t\r\n,"))
		var te *json.UnmarshalTypeError
		switch {
		case err == nil:
			c := Connection(p)
			c.raw = raw
			out.Data = append(out.Data, c)
		case errors.As(err, &te):
			// Read what identifies it; keep the row.
			var c Connection
			_ = c.UnmarshalJSON(raw)
			out.Data = append(out.Data, c)
		default:
			return wrap(err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return wrap(err)
	}
	return nil
}

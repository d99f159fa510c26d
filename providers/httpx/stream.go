package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/noctop/noctop/model"
)

// Streaming: a listing page is decoded while it arrives, item by item, so
// memory follows the items kept, not the size or shape of the answer. A
// page of a million empty objects costs one object at a time, and reading
// stops as soon as the page has given what was asked for.

// DoStream sends req like Do and hands a 2xx body to consume as a stream
// instead of reading it whole. The body cap, the per-attempt timeout,
// retries and the error mapping are Do's: reading past the cap fails with
// an error wrapping model.ErrTooLarge, a body cut off or stalled is retried
// when req may be repeated (consume then runs again from the start, so it
// must begin afresh on every call), and non-2xx answers are *model.APIError
// as usual. An error consume returns on its own (bad JSON, a bound) ends the
// request without a retry and comes back named with provider, method and
// path. consume need not read the body to its end: stopping early is how a
// bound is kept; the rest is never read.
//
// The returned Response has Status and Header; Body is nil for a 2xx.
func (c *Client) DoStream(ctx context.Context, req Request, consume func(body io.Reader) error) (*Response, error) {
	if consume == nil {
		return nil, errors.New("httpx: DoStream: consume is nil")
	}
	op, err := c.prepare(req)
	if err != nil {
		return nil, err
	}
	op.stream = consume
	return c.send(ctx, op)
}

// streamBody runs op.stream over a 2xx body, under the attempt's timeout,
// and classifies what went wrong like attempt does for a body read whole.
func (c *Client) streamBody(ctx, actx context.Context, op *operation, hr *http.Response, limit int64) *attemptError {
	body := &cappedReader{r: hr.Body, left: limit}
	err := func() (err error) {
		defer func() {
			// The consumer decodes hostile input: a panic there is a bad
			// answer, not a crash of the program.
			if r := recover(); r != nil {
				err = fmt.Errorf("%w: the response could not be decoded (decoder panicked)", model.ErrBadResponse)
			}
		}()
		return op.stream(body)
	}()
	switch {
	case body.over:
		return &attemptError{kind: failTooLarge, err: fmt.Errorf("%w: body exceeds the %d byte cap", model.ErrTooLarge, limit)}
	case body.err != nil:
		rerr := body.err
		if ctx.Err() == nil && actx.Err() == nil && errors.Is(rerr, io.ErrUnexpectedEOF) {
			msg := fmt.Sprintf("truncated body after %d bytes", body.n)
			if hr.ContentLength > 0 {
				msg = fmt.Sprintf("truncated body: got %d of %d bytes", body.n, hr.ContentLength)
			}
			return &attemptError{kind: failTruncated, err: fmt.Errorf("%w: %s", model.ErrBadResponse, msg)}
		}
		ae := c.transportError(ctx, actx, rerr)
		ae.err = fmt.Errorf("reading body: %w", ae.err)
		return ae
	case err != nil && ctx.Err() != nil:
		return &attemptError{kind: failCanceled, err: ctx.Err()}
	case err != nil:
		return &attemptError{kind: failBody, err: err}
	}
	return nil
}

// cappedReader reads at most left bytes and remembers why reading stopped:
// over the cap, or the transport's error (io.EOF is not an error).
type cappedReader struct {
	r    io.Reader
	left int64
	n    int64
	over bool
	err  error
}

func (r *cappedReader) Read(p []byte) (int, error) {
	if r.over {
		return 0, model.ErrTooLarge
	}
	if r.err != nil {
		return 0, r.err
	}
	if int64(len(p)) > r.left+1 {
		p = p[:r.left+1] // one byte more tells an exact fit from an overflow
	}
	n, err := r.r.Read(p)
	if int64(n) > r.left {
		n = int(r.left)
		r.over = true
		err = model.ErrTooLarge
	}
	r.left -= int64(n)
	r.n += int64(n)
	if err != nil && err != io.EOF && !r.over {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		r.err = err
	}
	return n, err
}

// JSONStream decodes one JSON document as it streams in: tokens, values
// one at a time, arrays and objects item by item. It holds the value being
// decoded and a read buffer, never the document. Errors wrap
// model.ErrBadResponse and say where (a byte offset), never what the body
// says; an error from reading the body itself is returned unchanged.
type JSONStream struct {
	dec *json.Decoder
	rec recorder
}

// DefaultMaxJSONValue bounds one value (an item, a token, a skipped
// field) of a JSONStream: a listing's items are kilobytes, and one
// endless string must not take the body cap twice over in buffers.
const DefaultMaxJSONValue = 8 << 20

// NewJSONStream reads a document from r.
func NewJSONStream(r io.Reader) *JSONStream {
	s := &JSONStream{}
	s.rec.r, s.rec.max = r, DefaultMaxJSONValue
	s.dec = json.NewDecoder(&s.rec)
	return s
}

// SetMaxValue changes the bound on one value (n <= 0: DefaultMaxJSONValue).
// Reading a longer one fails with an error wrapping model.ErrTooLarge.
func (s *JSONStream) SetMaxValue(n int) {
	if n <= 0 {
		n = DefaultMaxJSONValue
	}
	s.rec.max = n
}

// Offset is the byte offset of the next token.
func (s *JSONStream) Offset() int64 { return s.dec.InputOffset() }

// Token returns the next token: json.Delim for [ ] { }, string, float64,
// bool or nil. The end of the body before the document ends is an error.
func (s *JSONStream) Token() (json.Token, error) {
	s.rec.trim(s.dec.InputOffset())
	t, err := s.dec.Token()
	if err != nil {
		return nil, s.streamErr(err)
	}
	return t, nil
}

// More reports whether the current array or object has another element.
func (s *JSONStream) More() bool { return s.dec.More() }

// Decode decodes the next value into v. When the value was read whole but
// does not fit v (a field of the wrong type, an UnmarshalJSON refusing
// it), the error is a *ValueError and the stream goes on after the value.
func (s *JSONStream) Decode(v any) error {
	s.rec.trim(s.dec.InputOffset())
	return s.decode(v)
}

// DecodeRaw is Decode that also returns the value's exact bytes (a copy),
// for callers that keep what the server sent. The bytes are returned with
// a *ValueError too.
func (s *JSONStream) DecodeRaw(v any) (json.RawMessage, error) {
	start := s.dec.InputOffset()
	s.rec.trim(start)
	err := s.decode(v)
	var verr *ValueError
	if err != nil && !errors.As(err, &verr) {
		return nil, err
	}
	raw := bytes.TrimLeft(s.rec.slice(start, s.dec.InputOffset()), " \t\r\n,")
	return append(json.RawMessage(nil), raw...), err
}

// Skip reads past the next value without keeping it.
func (s *JSONStream) Skip() error {
	s.rec.trim(s.dec.InputOffset())
	var v discard
	return s.decode(&v)
}

// discard is a value that accepts and forgets any JSON.
type discard struct{}

func (*discard) UnmarshalJSON([]byte) error { return nil }

func (s *JSONStream) decode(v any) error {
	at := s.dec.InputOffset()
	err := s.dec.Decode(v)
	if err == nil {
		return nil
	}
	if s.broken(err) {
		return s.streamErr(err)
	}
	return &ValueError{Offset: at, Msg: describeValueError(err)}
}

// broken reports whether err leaves the stream unusable: bad syntax, the
// body ending early, or a read failure. Anything else happened after the
// value was consumed.
func (s *JSONStream) broken(err error) bool {
	var syn *json.SyntaxError
	return errors.As(err, &syn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || s.rec.err != nil
}

func (s *JSONStream) streamErr(err error) error {
	if s.rec.err != nil {
		return s.rec.err // the body's own failure: the caller classifies it
	}
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%w: invalid JSON at offset %d: %s", model.ErrBadResponse, syn.Offset, syn.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: the body ends at offset %d before the JSON does", model.ErrBadResponse, s.dec.InputOffset())
	}
	return fmt.Errorf("%w: invalid JSON at offset %d: %s", model.ErrBadResponse, s.dec.InputOffset(), describeValueError(err))
}

// End checks that nothing but whitespace follows the document.
func (s *JSONStream) End() error {
	s.rec.trim(s.dec.InputOffset())
	if _, err := s.dec.Token(); err != io.EOF {
		if s.rec.err != nil {
			return s.rec.err
		}
		return fmt.Errorf("%w: unexpected data after the JSON document at offset %d", model.ErrBadResponse, s.dec.InputOffset())
	}
	return nil
}

// Array walks the array that starts at the next token ("null" is an empty
// array), calling each once per item with the stream positioned before
// it; each must consume exactly that item (Decode, DecodeRaw or Skip). At
// most max items are handed out (max <= 0: no bound); when the array has
// more, Array stops right there and reports more = true: the rest of the
// array, and of the body, is not read. An error from each ends the walk.
func (s *JSONStream) Array(max int, each func() error) (n int, more bool, err error) {
	t, err := s.Token()
	if err != nil {
		return 0, false, err
	}
	if t == nil {
		return 0, false, nil
	}
	if t != json.Delim('[') {
		return 0, false, fmt.Errorf("%w: expected a JSON array at offset %d, got %s", model.ErrBadResponse, s.dec.InputOffset(), tokenKind(t))
	}
	for s.dec.More() {
		if max > 0 && n >= max {
			return n, true, nil
		}
		if err := each(); err != nil {
			return n, false, err
		}
		n++
	}
	if _, err := s.Token(); err != nil {
		return n, false, err
	}
	return n, false, nil
}

// Object walks the object that starts at the next token ("null" is an
// empty object) like Array walks an array: each gets the member's key and
// must consume its value.
func (s *JSONStream) Object(max int, each func(key string) error) (n int, more bool, err error) {
	t, err := s.Token()
	if err != nil {
		return 0, false, err
	}
	if t == nil {
		return 0, false, nil
	}
	if t != json.Delim('{') {
		return 0, false, fmt.Errorf("%w: expected a JSON object at offset %d, got %s", model.ErrBadResponse, s.dec.InputOffset(), tokenKind(t))
	}
	for s.dec.More() {
		if max > 0 && n >= max {
			return n, true, nil
		}
		kt, err := s.Token()
		if err != nil {
			return n, false, err
		}
		key, _ := kt.(string)
		if err := each(key); err != nil {
			return n, false, err
		}
		n++
	}
	if _, err := s.Token(); err != nil {
		return n, false, err
	}
	return n, false, nil
}

// ValueError is a value that was read whole but does not fit the type it
// was decoded into. The stream is still usable.
type ValueError struct {
	Offset int64
	Msg    string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("%s at offset %d: %s", model.ErrBadResponse.Error(), e.Offset, e.Msg)
}

// Unwrap makes a ValueError match model.ErrBadResponse.
func (e *ValueError) Unwrap() error { return model.ErrBadResponse }

// describeValueError says what did not fit without quoting the value
// (a type error's Value carries a number's digits in full).
func describeValueError(err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := typ.Field
		if field == "" {
			field = "(top level)"
		}
		kind, _, _ := strings.Cut(typ.Value, " ")
		return fmt.Sprintf("field %s: got JSON %s, want %s", field, kind, typ.Type)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return truncateRunes(Sanitize(msg), 160)
}

func tokenKind(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		if v == '[' {
			return "an array"
		}
		return "a closing " + string(v)
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "something else"
}

// recorder keeps the bytes the decoder has read but not yet consumed, so
// a value's exact bytes can be handed out (DecodeRaw) without a second
// pass over the body. It is trimmed to the decoder's position at every
// call, so it holds one value and the read-ahead, not the body.
type recorder struct {
	r    io.Reader
	buf  []byte // buf[head:] are the bytes from stream offset base on
	head int
	base int64
	max  int   // bound on the bytes kept: one value and the read-ahead
	err  error // the first read error that is not io.EOF
}

func (r *recorder) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if room := r.max + 64<<10 - (len(r.buf) - r.head); len(p) > room {
		// The read-ahead is at most 64 KiB beyond the value; past that
		// the value itself is too long.
		if room <= 0 {
			r.err = fmt.Errorf("%w: a single JSON value at offset %d is longer than %d bytes", model.ErrTooLarge, r.base, r.max)
			return 0, r.err
		}
		p = p[:room]
	}
	n, err := r.r.Read(p)
	if r.head > 0 && r.head >= len(r.buf)/2 && len(r.buf)+n > cap(r.buf) {
		// Compact rather than grow: what lies before head is forgotten.
		k := copy(r.buf, r.buf[r.head:])
		r.buf, r.head = r.buf[:k], 0
	}
	r.buf = append(r.buf, p[:n]...)
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}

// trim forgets what lies before stream offset off.
func (r *recorder) trim(off int64) {
	k := int(off - r.base)
	if k <= 0 {
		return
	}
	r.head = min(r.head+k, len(r.buf))
	r.base = off
	if r.head == len(r.buf) {
		r.buf, r.head = r.buf[:0], 0
		// A huge value grew the buffer; do not keep that much for small ones.
		if cap(r.buf) > 1<<20 {
			r.buf = nil
		}
	}
}

// slice returns the recorded bytes of [from, to).
func (r *recorder) slice(from, to int64) []byte {
	a, b := r.head+int(from-r.base), r.head+int(to-r.base)
	if a < r.head || b > len(r.buf) || a > b {
		return nil
	}
	return r.buf[a:b]
}

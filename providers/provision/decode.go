package provision

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// blocksPage is one action=get answer as it streamed in.
type blocksPage struct {
	success  *Bool
	message  string
	blocks   []Block // the blocks that decoded
	dropped  int     // blocks that did not (a field that is no number ...)
	problem  string  // why the first of them did not
	overfull bool    // more than max blocks were sent; reading stopped
}

// maxSingleFields bounds a "data" object read whole because it is one
// block rather than an object of blocks (a block has about 40 fields).
const maxSingleFields = 1000

// decodeBlocksPage reads an action=get answer as it arrives: the envelope
// ({"success", "message", "data"} in any order), the blocks one at a time,
// at most max of them (more: reading stops, overfull). "data" may be a
// list, PHP's object keyed by position or id (values in key order), one
// block object, or null. A block that does not decode, or has no id
// (nothing can refer to it), is counted in dropped, not kept. The reference's single-quoted error body ({'success':0,
// 'message':'…'}) is understood too.
func decodeBlocksPage(r io.Reader, max int) (blocksPage, error) {
	var p blocksPage
	br := bufio.NewReader(r)
	for {
		b, err := br.Peek(1)
		if err != nil || (b[0] != ' ' && b[0] != '\t' && b[0] != '\r' && b[0] != '\n') {
			break
		}
		_, _ = br.Discard(1)
	}
	if head, _ := br.Peek(2); string(head) == "{'" {
		b, err := io.ReadAll(io.LimitReader(br, 64<<10))
		if err != nil {
			return p, err
		}
		if m := singleQuoted.FindSubmatch(b); m != nil {
			f := Bool(false)
			p.success, p.message = &f, strings.ReplaceAll(string(m[2]), `\'`, `'`)
			return p, nil
		}
		return p, fmt.Errorf("%w: the answer is not JSON", model.ErrBadResponse)
	}
	s := httpx.NewJSONStream(br)
	t, err := s.Token()
	if err != nil {
		if errors.Is(err, model.ErrBadResponse) && s.Offset() == 0 {
			return p, fmt.Errorf("%w: empty body, expected JSON", model.ErrBadResponse)
		}
		return p, err
	}
	if t != json.Delim('{') {
		return p, fmt.Errorf("%w: expected the answer's envelope (an object)", model.ErrBadResponse)
	}
	for s.More() {
		kt, err := s.Token()
		if err != nil {
			return p, err
		}
		// encoding/json matches keys regardless of case; so does this.
		key, _ := kt.(string)
		switch {
		case strings.EqualFold(key, "success"):
			var b *Bool
			if err := s.Decode(&b); err != nil {
				return p, fmt.Errorf("field success: %w", err)
			}
			p.success = b
		case strings.EqualFold(key, "message"):
			var m String
			if err := s.Decode(&m); err != nil {
				return p, fmt.Errorf("field message: %w", err)
			}
			p.message = string(m)
		case strings.EqualFold(key, "data"):
			p.blocks, p.dropped, p.problem = p.blocks[:0], 0, ""
			if err := p.readData(s, max); err != nil {
				return p, fmt.Errorf("field data: %w", err)
			}
			if p.overfull {
				return p, nil // the rest is not read
			}
		default:
			if err := s.Skip(); err != nil {
				return p, err
			}
		}
	}
	if _, err := s.Token(); err != nil {
		return p, err
	}
	return p, s.End()
}

// readData reads the value of "data".
func (p *blocksPage) readData(s *httpx.JSONStream, max int) error {
	t, err := s.Token()
	if err != nil {
		return err
	}
	switch t {
	case nil:
		return nil
	case json.Delim('['):
		for s.More() {
			if max > 0 && len(p.blocks)+p.dropped >= max {
				p.overfull = true
				return nil
			}
			if err := p.readBlock(s); err != nil {
				return err
			}
		}
		_, err := s.Token()
		return err
	case json.Delim('{'):
	default:
		return fmt.Errorf("%w: data is neither a list nor an object", model.ErrBadResponse)
	}
	if !s.More() {
		_, err := s.Token() // {}
		return err
	}
	// An object: of blocks (PHP's keyed array), or one block. The first
	// member tells: a block's members are scalars (and tags, a list).
	kt, err := s.Token()
	if err != nil {
		return err
	}
	var first json.RawMessage
	if err := s.Decode(&first); err != nil {
		return err
	}
	if b := bytes.TrimSpace(first); len(b) > 0 && b[0] == '{' {
		p.addBlock(first)
		for s.More() {
			if max > 0 && len(p.blocks)+p.dropped >= max {
				p.overfull = true
				return nil
			}
			if _, err := s.Token(); err != nil { // the key
				return err
			}
			if err := p.readBlock(s); err != nil {
				return err
			}
		}
		_, err := s.Token()
		return err
	}
	// One block: gather its members (bounded) and decode it whole.
	key, _ := kt.(string)
	obj := map[string]json.RawMessage{key: first}
	for s.More() {
		if len(obj) >= maxSingleFields {
			return fmt.Errorf("%w: data is an object with more than %d members", model.ErrBadResponse, maxSingleFields)
		}
		kt, err := s.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := s.Decode(&v); err != nil {
			return err
		}
		k, _ := kt.(string)
		obj[k] = v
	}
	if _, err := s.Token(); err != nil {
		return err
	}
	b, _ := json.Marshal(obj)
	p.addBlock(b)
	return nil
}

// readBlock decodes the next value as a block.
func (p *blocksPage) readBlock(s *httpx.JSONStream) error {
	var b Block
	err := s.Decode(&b)
	var verr *httpx.ValueError
	switch {
	case err == nil && !b.ID.Valid:
		p.drop("block without an id")
	case err == nil:
		p.blocks = append(p.blocks, b)
	case errors.As(err, &verr):
		p.drop("block at offset %d: %s", verr.Offset, verr.Msg)
	default:
		return err
	}
	return nil
}

// addBlock decodes one block held in memory.
func (p *blocksPage) addBlock(raw json.RawMessage) {
	var b Block
	if err := json.Unmarshal(raw, &b); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			p.drop("block: field %s: not a %s", typ.Field, typ.Type)
		} else {
			p.drop("block: %s", httpx.Sanitize(err.Error()))
		}
		return
	}
	if !b.ID.Valid {
		p.drop("block without an id")
		return
	}
	p.blocks = append(p.blocks, b)
}

func (p *blocksPage) drop(format string, args ...any) {
	p.dropped++
	if p.problem == "" {
		p.problem = fmt.Sprintf(format, args...)
	}
}

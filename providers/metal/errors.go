package metal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// decodeError is the httpx.ErrorDecoder for Metal. Error bodies are
// {"errors": ["...", ...]} or {"error": "..."} (the spec: "either error or
// errors will be set"); the first message becomes Message, the others
// Details, and a hint says what the operator can do about the status.
// Anything else falls back to httpx.DecodeProblem (an HTML page from a
// proxy, a problem document).
func decodeError(status int, header http.Header, body []byte, e *model.APIError) {
	if msgs, ok := metalMessages(body); ok {
		e.Message = msgs[0]
		if len(msgs) > 1 {
			e.Details = strings.Join(msgs[1:], "; ")
		}
	} else {
		httpx.DecodeProblem(status, header, body, e)
	}
	if e.CorrelationID == "" {
		e.CorrelationID = header.Get("X-Request-Id")
	}
	if hint := hintFor(status); hint != "" {
		if e.Details == "" {
			e.Details = hint
		} else {
			e.Details += "; " + hint
		}
	}
}

// maxMessages bounds how many of a (hostile) errors list are kept.
const maxMessages = 10

// metalMessages reads the Error schema. ok is false when the body is not
// that shape or carries no message at all.
func metalMessages(body []byte) (msgs []string, ok bool) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return nil, false
	}
	// Decoded leniently: a server may send errors as a string, or mix
	// numbers into the list; keep what reads as text.
	var raw struct {
		Error  json.RawMessage `json:"error"`
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(b, &raw) != nil {
		return nil, false
	}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && len(msgs) < maxMessages && !contains(msgs, s) {
			msgs = append(msgs, s)
		}
	}
	var one string
	if json.Unmarshal(raw.Errors, &one) == nil {
		add(one)
	}
	var list []json.RawMessage
	if json.Unmarshal(raw.Errors, &list) == nil {
		for _, item := range list {
			var s string
			if json.Unmarshal(item, &s) == nil {
				add(s)
			}
		}
	}
	if json.Unmarshal(raw.Error, &one) == nil {
		add(one)
	}
	return msgs, len(msgs) > 0
}

// hintFor says what an operator can do about an error status.
func hintFor(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "the API token was refused: check the token configured for this provider (token_env / token_file)"
	case status == http.StatusForbidden:
		return "the token's user lacks permission for this organization or project; ask an owner or admin of the Metal organization"
	case status == http.StatusNotFound:
		return "the object does not exist or is not visible to this token; refresh the list"
	case status == http.StatusUnprocessableEntity:
		return "Metal refused the values sent; nothing was changed"
	case status >= 500:
		return "Equinix Metal-side error; try again later, and quote the request id to Equinix support if it persists"
	}
	return ""
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary.
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// errorf builds a plain error for client-side problems (no HTTP involved).
func errorf(format string, args ...any) error { return fmt.Errorf("metal: "+format, args...) }

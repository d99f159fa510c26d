package packet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// maxErrorMessages bounds how many of the "errors" strings go into one
// message.
const maxErrorMessages = 5

// decodeError is the httpx.ErrorDecoder for Packet: {"errors": ["..."]}
// (or {"error": "..."}) becomes the message, extra errors the details, and
// a hint says what the operator can do about the status. Other bodies fall
// back to httpx.DecodeProblem. httpx sanitises and truncates every field
// afterwards.
func decodeError(status int, header http.Header, body []byte, e *model.APIError) {
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '{' {
		var v struct {
			Errors []json.RawMessage `json:"errors"`
			Error  json.RawMessage   `json:"error"`
		}
		if json.Unmarshal(b, &v) == nil {
			var msgs []string
			for _, raw := range v.Errors {
				if s := errorText(raw); s != "" && !contains(msgs, s) {
					msgs = append(msgs, s)
				}
				if len(msgs) == maxErrorMessages {
					break
				}
			}
			if s := errorText(v.Error); s != "" && !contains(msgs, s) {
				msgs = append([]string{s}, msgs...)
			}
			if len(msgs) > 0 {
				e.Message = msgs[0]
				e.Details = strings.Join(msgs[1:], "; ")
			}
		}
	}
	if e.Message == "" {
		httpx.DecodeProblem(status, header, body, e)
	}
	if e.CorrelationID == "" {
		e.CorrelationID = header.Get("X-Request-Id")
	}
	appendHint(e, hintFor(status))
}

// errorText reads one element of "errors" (a string, or an object with a
// message) or the "error" value.
func errorText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		for _, k := range []string{"message", "error", "detail"} {
			if json.Unmarshal(obj[k], &s) == nil && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

func appendHint(e *model.APIError, hint string) {
	switch {
	case hint == "":
	case e.Details == "":
		e.Details = hint
	default:
		e.Details += "; " + hint
	}
}

// hintFor says what an operator can do about an error.
func hintFor(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "the API token was refused: check token_env / token_file for this provider"
	case status == http.StatusForbidden:
		return "the token's user lacks the permission for this in the project; ask a project owner"
	case status == http.StatusNotFound:
		return "the object does not exist or is not visible to this token; refresh"
	case status == http.StatusUnprocessableEntity:
		return "Packet refused the request as it stands; nothing was changed"
	case status >= 500:
		return "Packet-side error; try again later"
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

// errorf builds a plain error for client-side problems (no HTTP involved).
func errorf(format string, args ...any) error { return fmt.Errorf("packet: "+format, args...) }

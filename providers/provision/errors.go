package provision

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Error is ProVision's answer {"success":0,"message":…}. The API reports
// failures this way whatever the HTTP status (usually 200), so Error wraps
// a *model.APIError carrying the real status, and additionally matches
// model.ErrUnauthorized / ErrForbidden / ErrNotFound when the message says
// so (errors.Is works for both).
type Error struct {
	API  *model.APIError
	Kind error // one of the model sentinels, or nil
}

func (e *Error) Error() string { return e.API.Error() }

// Unwrap exposes the APIError (errors.As) and the kind (errors.Is).
func (e *Error) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.API}
	}
	return []error{e.API, e.Kind}
}

// maxMessage bounds a server message kept in an error.
const maxMessage = 300

// envelopeError builds the error for a success:0 answer.
func envelopeError(provider, method, action string, status int, message string, secrets []string) *Error {
	msg := cleanMessage(message, secrets)
	if msg == "" {
		msg = "request failed (success=0, no message)"
	}
	api := &model.APIError{
		Provider: provider,
		Method:   method,
		Path:     APIPath,
		Status:   status,
		Code:     "success=0",
		Message:  msg,
		Details:  "action " + action,
	}
	kind := classify(msg)
	if hint := hintFor(kind); hint != "" {
		api.Details += "; " + hint
	}
	return &Error{API: api, Kind: kind}
}

var (
	authWords      = regexp.MustCompile(`(?i)\b(api ?key|hash|signature|authenticat\w*|unauthori[sz]ed|not logged in|login|credential\w*|invalid key)\b`)
	forbiddenWords = regexp.MustCompile(`(?i)\b(permission\w*|not allowed|access denied|forbidden|not authori[sz]ed to)\b`)
	notFoundWords  = regexp.MustCompile(`(?i)\b(not found|does not exist|doesn't exist|no such|unknown (block|resource|id))\b`)
)

// classify maps a failure message onto a model sentinel, so the status bar
// can say "unauthorized" although the HTTP status was 200.
func classify(msg string) error {
	switch {
	case forbiddenWords.MatchString(msg):
		return model.ErrForbidden
	case authWords.MatchString(msg):
		return model.ErrUnauthorized
	case notFoundWords.MatchString(msg):
		return model.ErrNotFound
	}
	return nil
}

func hintFor(kind error) string {
	switch kind {
	case model.ErrUnauthorized:
		return "check api_key_env/secret_key_env (Admin → API in ProVision) and the server's clock"
	case model.ErrForbidden:
		return "the API key's user lacks the IPAM permission for this"
	case model.ErrNotFound:
		return "refresh the block list"
	}
	return ""
}

// cleanMessage makes server text safe to show: secrets redacted, control
// characters dropped (terminal escapes), whitespace collapsed, bounded.
func cleanMessage(s string, secrets []string) string {
	out := httpx.Sanitize(httpx.Redact(s, secrets...))
	if r := []rune(out); len(r) > maxMessage {
		out = string(r[:maxMessage-1]) + "…"
	}
	return out
}

// singleQuoted matches the error body as the reference prints it:
// {'success':0, 'message':'error message'} — not JSON, but a server that
// answers like its documentation must still be understood.
var singleQuoted = regexp.MustCompile(`^\s*\{\s*'success'\s*:\s*'?(0|false)'?\s*,\s*'message'\s*:\s*'((?:[^'\\]|\\.)*)'\s*\}\s*$`)

// parseEnvelope reads the frame of a response body. It returns the
// envelope when success is true; a *Error when success is false; and an
// error wrapping model.ErrBadResponse when the body is not an envelope.
func parseEnvelope(body []byte, failed func(msg string) error) (Envelope, error) {
	var env Envelope
	if err := httpx.DecodeJSON(body, &env); err != nil {
		if m := singleQuoted.FindSubmatch(body); m != nil {
			return env, failed(strings.ReplaceAll(string(m[2]), `\'`, `'`))
		}
		return env, err
	}
	if env.Success == nil {
		return env, fmt.Errorf("%w: the answer has no \"success\" field", model.ErrBadResponse)
	}
	if !*env.Success {
		return env, failed(string(env.Message))
	}
	return env, nil
}

// decodeError is the httpx.ErrorDecoder for non-2xx answers: a proxy's
// page, or ProVision's own envelope with an HTTP error status.
func decodeError(status int, header http.Header, body []byte, e *model.APIError) {
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '{' {
		var env Envelope
		if json.Unmarshal(b, &env) == nil && env.Message != "" {
			e.Code = "success=0"
			e.Message = string(env.Message)
			return
		}
		if m := singleQuoted.FindSubmatch(b); m != nil {
			e.Code = "success=0"
			e.Message = string(m[2])
			return
		}
	}
	httpx.DecodeProblem(status, header, body, e)
}

// errorf builds a plain error for client-side problems (no HTTP involved).
func errorf(format string, args ...any) error { return fmt.Errorf("provision: "+format, args...) }

// errBadData marks a response whose payload does not fit the reference.
func errBadData(provider, action string, err error) error {
	if errors.Is(err, model.ErrBadResponse) {
		return fmt.Errorf("%s: action %s: %w", provider, action, err)
	}
	return fmt.Errorf("%s: action %s: %w: %v", provider, action, model.ErrBadResponse, err)
}

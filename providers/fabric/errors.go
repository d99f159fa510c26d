package fabric

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// decodeError is the httpx.ErrorDecoder for Fabric: it reads an ErrorList
// ([{errorCode, errorMessage, correlationId, details, help,
// additionalInfo}]), a single Error object, or the token endpoint's
// Oauth2TokenErrorResponse, and falls back to httpx.DecodeProblem. It adds
// a hint saying what the operator can do about the status.
func decodeError(status int, header http.Header, body []byte, e *model.APIError) {
	decodeBody(status, header, body, e)
	appendHint(e, hintFor(status))
}

// decodeTokenError is the ErrorDecoder of the token endpoint: the same
// bodies, but a 4xx is a refused login, and the hint says why noctop will
// not simply try again.
func decodeTokenError(status int, header http.Header, body []byte, e *model.APIError) {
	decodeBody(status, header, body, e)
	if status >= 400 && status < 500 && status != http.StatusTooManyRequests {
		appendHint(e, "login refused: check the client id and secret; noctop does not retry a refused login because five failed attempts lock the Equinix account")
		return
	}
	appendHint(e, hintFor(status))
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

func decodeBody(status int, header http.Header, body []byte, e *model.APIError) {
	b := bytes.TrimSpace(body)
	switch {
	case len(b) > 0 && b[0] == '[':
		var list ErrorList
		if json.Unmarshal(b, &list) == nil && len(list) > 0 {
			fillFromErrorList(list, e)
		}
	case len(b) > 0 && b[0] == '{':
		var one Error
		if json.Unmarshal(b, &one) == nil && (one.ErrorCode != "" || one.ErrorMessage != "") {
			fillFromErrorList(ErrorList{one}, e)
			break
		}
		var te TokenError
		if json.Unmarshal(b, &te) == nil && (te.ErrorCode != "" || te.ErrorMessage != "" || te.DeveloperMessage != "") {
			e.Code = te.ErrorCode
			e.Message = firstNonEmpty(te.ErrorMessage, te.ErrorTitle, te.DeveloperMessage)
			if te.DeveloperMessage != e.Message {
				e.Details = te.DeveloperMessage
			}
		}
	}
	if e.Message == "" && e.Code == "" {
		httpx.DecodeProblem(status, header, body, e)
	}
	if e.CorrelationID == "" {
		e.CorrelationID = firstNonEmpty(header.Get("X-Correlation-Id"), header.Get("Correlation-Id"))
	}
}

func fillFromErrorList(list ErrorList, e *model.APIError) {
	first := list[0]
	e.Code = first.ErrorCode
	e.Message = first.ErrorMessage
	e.CorrelationID = first.CorrelationID
	var details []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && s != e.Message && !contains(details, s) {
			details = append(details, s)
		}
	}
	add(first.Details)
	for _, ai := range first.AdditionalInfo {
		switch {
		case ai.Property != "" && ai.Reason != "":
			add(ai.Property + ": " + ai.Reason)
		default:
			add(ai.Property + ai.Reason)
		}
	}
	if first.Help != "" {
		add("help: " + first.Help)
	}
	for _, more := range list[1:] {
		msg := strings.TrimSpace(more.ErrorCode + " " + more.ErrorMessage)
		if more.Details != "" && more.Details != more.ErrorMessage {
			msg += " (" + more.Details + ")"
		}
		add(msg)
		if e.CorrelationID == "" {
			e.CorrelationID = more.CorrelationID
		}
	}
	e.Details = strings.Join(details, "; ")
}

// hintFor says what an operator can do about an error.
func hintFor(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "the access token was refused: check the client id/secret (or token) configured for this provider"
	case status == http.StatusForbidden:
		return "the API user lacks the Fabric permission for this; ask your Equinix portal administrator"
	case status == http.StatusNotFound:
		return "the object does not exist or is not visible to this account; refresh the list"
	case status >= 500:
		return "Equinix-side error; quote the correlation id to Equinix support if it persists"
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
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
func errorf(format string, args ...any) error { return fmt.Errorf("fabric: "+format, args...) }

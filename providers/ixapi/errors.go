package ixapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// decodeError is the httpx.ErrorDecoder for IX-API. IX-API errors are RFC
// 7807 problem documents, served as application/problem+json or (as the
// 2.1.0 spec declares them) application/json: httpx.DecodeProblem reads
// type, title, status, detail, instance and validation properties, so the
// operator sees title and detail. This adds what IX-API problem types carry
// beyond that (the earliest dates of a cancellation-policy-error) and a
// hint saying what to do.
func decodeError(status int, header http.Header, body []byte, e *model.APIError) {
	httpx.DecodeProblem(status, header, body, e)
	if e.Problem != nil && e.Problem.Type != "" && e.Code == "" {
		e.Code = problemCode(e.Problem.Type)
	}
	appendDetail(e, policyDates(body))
	appendDetail(e, hintFor(status, e))
}

// decodeTokenError is the decoder of the token endpoints: a refused login
// gets a hint saying why noctop does not simply try again.
func decodeTokenError(status int, header http.Header, body []byte, e *model.APIError) {
	httpx.DecodeProblem(status, header, body, e)
	if e.Problem != nil && e.Problem.Type != "" && e.Code == "" {
		e.Code = problemCode(e.Problem.Type)
	}
	if status == http.StatusBadRequest || status == http.StatusUnauthorized || status == http.StatusForbidden {
		appendDetail(e, "login refused: check the API key and secret configured for this provider; noctop does not repeat a refused login")
		return
	}
	appendDetail(e, hintFor(status, e))
}

// problemCode shortens an IX-API problem type URI to its name
// ("https://errors.ix-api.net/v2/not-found.html" -> "not-found").
func problemCode(typ string) string {
	s := typ
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ".html")
	if s == "" || s == "about:blank" || len(s) > 60 {
		return ""
	}
	return s
}

// policyDates reads the dates a cancellation-policy-error carries.
func policyDates(body []byte) string {
	var p struct {
		DecommissionAt string `json:"decommission_at"`
		ChargedUntil   string `json:"charged_until"`
	}
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &p) != nil {
		return ""
	}
	var parts []string
	if p.DecommissionAt != "" {
		parts = append(parts, "earliest decommission "+truncate(p.DecommissionAt, 20))
	}
	if p.ChargedUntil != "" {
		parts = append(parts, "charged until "+truncate(p.ChargedUntil, 20))
	}
	return strings.Join(parts, ", ")
}

func appendDetail(e *model.APIError, s string) {
	switch {
	case s == "":
	case e.Details == "":
		e.Details = s
	case !strings.Contains(e.Details, s):
		e.Details += "; " + s
	}
}

// hintFor says what an operator can do about an error.
func hintFor(status int, e *model.APIError) string {
	switch {
	case status == http.StatusUnauthorized:
		if e.Code == "signature-expired" {
			return "the access token expired and could not be renewed: check the API key and secret"
		}
		return "the access token was refused: check the API key and secret (or token) configured for this provider"
	case status == http.StatusForbidden:
		return "this API account may not do that; ask the exchange to grant the role"
	case status == http.StatusNotFound:
		return "the object does not exist or is not visible to this account; refresh the list"
	case status >= 500:
		return "exchange-side error; try again later, and tell the exchange if it persists"
	}
	return ""
}

// truncate shortens s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// errorf builds a plain error for client-side problems (no HTTP involved).
func errorf(format string, args ...any) error { return fmt.Errorf("ixapi: "+format, args...) }

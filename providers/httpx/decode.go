package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// ErrorDecoder fills e from a non-2xx response body (Code, Message, Details,
// CorrelationID, Problem ...). The client sets Provider, Method, Path and
// Status itself and redacts and sanitises every field afterwards.
type ErrorDecoder func(status int, header http.Header, body []byte, e *model.APIError)

// DecodeJSON decodes body into out. Bad input yields an error wrapping
// model.ErrBadResponse that says what is wrong and where (never the body
// itself, which may hold secrets: see DescribeJSONError).
func DecodeJSON(body []byte, out any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("%w: empty body, expected JSON", model.ErrBadResponse)
	}
	err := json.Unmarshal(body, out)
	if err == nil {
		return nil
	}
	var inv *json.InvalidUnmarshalError
	if errors.As(err, &inv) {
		return fmt.Errorf("httpx: DecodeJSON: %w", err) // a programming error, not the server's
	}
	return fmt.Errorf("%w: %s", model.ErrBadResponse, DescribeJSONError(err))
}

// Bounds of what a decode error may quote from a response.
const (
	maxFieldExcerpt = 80  // a JSON key path ("data.3.name")
	maxCauseExcerpt = 160 // a decoder's own message
)

// DescribeJSONError says what is wrong with a JSON document and where,
// quoting nothing of it beyond a short sanitised excerpt: the offset, the
// key path (cut at 80 runes), the kind of value found ("number", never
// the number: encoding/json would quote a 310-digit one in full, or a
// token sent with the wrong type) and the type wanted. Every decoder whose
// errors reach an operator uses it.
func DescribeJSONError(err error) string {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at offset %d: %s", syntax.Offset, Excerpt(syntax.Error(), maxCauseExcerpt))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(top level)"
		}
		want := "?"
		if typ.Type != nil {
			want = typ.Type.String()
		}
		kind, _, _ := strings.Cut(typ.Value, " ")
		return fmt.Sprintf("invalid JSON at offset %d: field %s: got %s, want %s",
			typ.Offset, Excerpt(field, maxFieldExcerpt), Excerpt(kind, 20), Excerpt(want, 60))
	}
	return "invalid JSON: " + Excerpt(err.Error(), maxCauseExcerpt)
}

// Excerpt makes text from a response safe to quote in an error: sanitised
// (model.SafeText: no control sequence reaches a terminal) and cut to n
// runes.
func Excerpt(s string, n int) string { return truncateRunes(model.SafeText(s), max(n, 2)) }

// DecodeProblem is the default ErrorDecoder. It understands RFC 7807 problem
// documents (application/problem+json, or any JSON object with "title" or a
// numeric "status"), including validation "properties" sent as an array of
// {name, reason} objects (IX-API) or as a map; then common JSON error shapes
// ({"message"}, {"error", "error_description"}, {"errors": [...]}, a list of
// {"errorCode", "errorMessage", "correlationId"}); and falls back to a short,
// sanitised text snippet. A correlation id may also come from headers.
func DecodeProblem(status int, header http.Header, body []byte, e *model.APIError) {
	if e.CorrelationID == "" {
		e.CorrelationID = correlationFromHeader(header)
	}
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '[' {
		var list []json.RawMessage
		if json.Unmarshal(b, &list) == nil && len(list) > 0 {
			b = bytes.TrimSpace(list[0])
		}
	}
	var obj map[string]json.RawMessage
	if len(b) > 0 && b[0] == '{' && json.Unmarshal(b, &obj) == nil {
		if isProblemType(header) || looksLikeProblem(obj) {
			e.Problem = decodeProblem(obj, status)
			if e.Message == "" {
				e.Message = e.Problem.Title
			}
			if e.Details == "" {
				e.Details = e.Problem.Detail
			}
		}
		fillCommon(obj, e, 0)
		if e.Message != "" || e.Code != "" || e.Problem != nil {
			return
		}
	}
	if e.Message == "" {
		e.Message = snippet(body)
	}
}

func isProblemType(h http.Header) bool {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && mt == "application/problem+json"
}

func looksLikeProblem(obj map[string]json.RawMessage) bool {
	if _, ok := str(obj["title"]); ok {
		return true
	}
	_, ok := num(obj["status"])
	return ok
}

func decodeProblem(obj map[string]json.RawMessage, status int) *model.Problem {
	p := &model.Problem{Status: status}
	p.Type, _ = str(obj["type"])
	p.Title, _ = str(obj["title"])
	p.Detail, _ = str(obj["detail"])
	p.Instance, _ = str(obj["instance"])
	if n, ok := num(obj["status"]); ok {
		p.Status = n
	}
	for _, key := range []string{"properties", "invalid-params", "invalid_params"} {
		if raw, ok := obj[key]; ok {
			p.Properties = append(p.Properties, decodeProperties(raw)...)
		}
	}
	return p
}

// decodeProperties accepts [{"name", "reason"}], {"name": "reason"} and
// {"name": ["reason", ...]}.
func decodeProperties(raw json.RawMessage) []model.ProblemProperty {
	var out []model.ProblemProperty
	var list []map[string]json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for _, item := range list {
			name, _ := str(item["name"])
			if name == "" {
				name, _ = str(item["property"])
			}
			reason, _ := str(item["reason"])
			if reason == "" {
				reason, _ = str(item["message"])
			}
			if name != "" || reason != "" {
				out = append(out, model.ProblemProperty{Name: name, Reason: reason})
			}
		}
		return out
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) == nil {
		for _, name := range slices.Sorted(maps.Keys(m)) {
			out = append(out, model.ProblemProperty{Name: name, Reason: text(m[name])})
		}
	}
	return out
}

// fillCommon fills still-empty fields from widespread error shapes.
func fillCommon(obj map[string]json.RawMessage, e *model.APIError, depth int) {
	set := func(dst *string, keys ...string) {
		for _, k := range keys {
			if *dst != "" {
				return
			}
			if s, ok := str(obj[k]); ok {
				*dst = s
			}
		}
	}
	set(&e.Code, "errorCode", "error_code", "code")
	set(&e.Message, "errorMessage", "message", "error_description", "error", "msg")
	set(&e.CorrelationID, "correlationId", "correlation_id", "requestId", "request_id", "traceId", "trace_id")
	if e.Details == "" {
		if d := text(obj["details"]); d != "" && d != e.Message {
			e.Details = d
		} else if d, _ := str(obj["detail"]); d != e.Message {
			e.Details = d
		}
	}
	if e.Message == "" {
		if errs, ok := obj["errors"]; ok {
			e.Message = text(errs)
		}
	}
	// {"error": {"code": ..., "message": ...}}
	if inner, ok := obj["error"]; ok && depth == 0 {
		var m map[string]json.RawMessage
		if json.Unmarshal(inner, &m) == nil {
			fillCommon(m, e, depth+1)
		}
	}
}

// str reads a JSON string or number as text.
func str(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, s != ""
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String(), true
	}
	return "", false
}

// num reads a JSON integer, also when sent as a string ("400").
func num(raw json.RawMessage) (int, bool) {
	s, ok := str(raw)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// text flattens a string, number, list or object into one short line.
func text(raw json.RawMessage) string {
	if s, ok := str(raw); ok {
		return s
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		parts := make([]string, 0, min(len(list), 5))
		for _, item := range list[:min(len(list), 5)] {
			if t := text(item); t != "" {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "; ")
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) == nil {
		for _, k := range []string{"reason", "message", "errorMessage", "detail", "title"} {
			if s, ok := str(m[k]); ok {
				return s
			}
		}
	}
	return ""
}

var (
	titleRe = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	tagRe   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// snippet makes one short line from a non-JSON body: an HTML page's title, or
// the text with tags, control characters and extra whitespace removed.
func snippet(body []byte) string {
	s := string(body[:min(len(body), 4096)])
	if m := titleRe.FindStringSubmatch(s); m != nil {
		s = m[1]
	} else if strings.Contains(s, "<") {
		s = tagRe.ReplaceAllString(s, " ")
	}
	return truncateRunes(Sanitize(s), 200)
}

func correlationFromHeader(h http.Header) string {
	for _, k := range []string{"X-Correlation-Id", "X-Request-Id", "Request-Id", "X-Amzn-Requestid", "Traceparent"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

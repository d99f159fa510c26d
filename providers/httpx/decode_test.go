package httpx

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
)

func TestDecodeProblem(t *testing.T) {
	problemCT := http.Header{"Content-Type": {"application/problem+json; charset=utf-8"}}
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   model.APIError
	}{
		{
			name: "ix-api validation, problem+json, properties array", status: 400, header: problemCT,
			body: `{"type":"https://errors.ix-api.net/v2/validation-error.html","title":"Validation Error","status":400,
				"detail":"Some fields did not validate.","instance":"/api/v2/connections",
				"properties":[{"name":"vlan","reason":"must be between 1 and 4094"},{"name":"capacity","reason":"required"}]}`,
			want: model.APIError{Message: "Validation Error", Details: "Some fields did not validate.", Problem: &model.Problem{
				Type: "https://errors.ix-api.net/v2/validation-error.html", Title: "Validation Error", Status: 400,
				Detail: "Some fields did not validate.", Instance: "/api/v2/connections",
				Properties: []model.ProblemProperty{{Name: "vlan", Reason: "must be between 1 and 4094"}, {Name: "capacity", Reason: "required"}}}},
		},
		{
			name: "problem served as application/json", status: 401, header: jsonCT,
			body: `{"type":"https://errors.ix-api.net/v2/authentication-error.html","title":"Authentication Credentials Invalid","status":401}`,
			want: model.APIError{Message: "Authentication Credentials Invalid", Problem: &model.Problem{
				Type: "https://errors.ix-api.net/v2/authentication-error.html", Title: "Authentication Credentials Invalid", Status: 401}},
		},
		{
			name: "properties as a map, sorted", status: 422, header: problemCT,
			body: `{"title":"Invalid","properties":{"z":"last","a":["one","two"],"m":{"reason":"obj"}}}`,
			want: model.APIError{Message: "Invalid", Problem: &model.Problem{Title: "Invalid", Status: 422,
				Properties: []model.ProblemProperty{{Name: "a", Reason: "one; two"}, {Name: "m", Reason: "obj"}, {Name: "z", Reason: "last"}}}},
		},
		{
			name: "rfc 7807 invalid-params", status: 400, header: problemCT,
			body: `{"title":"Bad","invalid-params":[{"name":"age","reason":"must be a positive integer"}]}`,
			want: model.APIError{Message: "Bad", Problem: &model.Problem{Title: "Bad", Status: 400,
				Properties: []model.ProblemProperty{{Name: "age", Reason: "must be a positive integer"}}}},
		},
		{
			name: "status only, string status", status: 409, header: jsonCT,
			body: `{"status":"409","detail":"already exists"}`,
			want: model.APIError{Details: "already exists", Problem: &model.Problem{Status: 409, Detail: "already exists"}},
		},
		{
			name: "problem type without JSON shape", status: 500, header: problemCT,
			body: `{"type":"about:blank"}`,
			want: model.APIError{Problem: &model.Problem{Type: "about:blank", Status: 500}},
		},
		{
			name: "fabric error list", status: 400, header: jsonCT,
			body: `[{"errorCode":"EQ-3040010","errorMessage":"Invalid argument","correlationId":"abc","details":"limit"},{"errorCode":"EQ-2"}]`,
			want: model.APIError{Code: "EQ-3040010", Message: "Invalid argument", Details: "limit", CorrelationID: "abc"},
		},
		{
			name: "oauth error", status: 401, header: jsonCT,
			body: `{"error":"invalid_client","error_description":"Client authentication failed"}`,
			want: model.APIError{Message: "Client authentication failed"},
		},
		{
			name: "metal errors list", status: 422, header: jsonCT,
			body: `{"errors":["Name can't be blank","Plan is invalid"]}`,
			want: model.APIError{Message: "Name can't be blank; Plan is invalid"},
		},
		{
			name: "nested error object", status: 403, header: jsonCT,
			body: `{"error":{"code":42,"message":"nope"}}`,
			want: model.APIError{Code: "42", Message: "nope"},
		},
		{
			name: "correlation id from header", status: 502, header: http.Header{"X-Request-Id": {"req-7"}},
			body: `Bad Gateway`,
			want: model.APIError{Message: "Bad Gateway", CorrelationID: "req-7"},
		},
		{
			name: "html page title", status: 503, header: http.Header{"Content-Type": {"text/html"}},
			body: "<html><head><title>503 Service\n Unavailable</title></head><body><h1>x</h1></body></html>",
			want: model.APIError{Message: "503 Service Unavailable"},
		},
		{
			name: "html without title", status: 500, header: nil,
			body: "<p>Internal <b>error</b></p>",
			want: model.APIError{Message: "Internal error"},
		},
		{
			name: "long text is cut", status: 500, header: nil,
			body: strings.Repeat("word ", 100),
			want: model.APIError{Message: strings.TrimSpace(strings.Repeat("word ", 40)[:199]) + "…"},
		},
		{
			name: "empty body", status: 404, header: nil, body: "",
			want: model.APIError{},
		},
		{
			name: "unknown JSON shape falls back to snippet", status: 400, header: jsonCT,
			body: `{"foo": 1}`,
			want: model.APIError{Message: `{"foo": 1}`},
		},
		{
			name: "wrong types tolerated", status: 400, header: problemCT,
			body: `{"title":{"x":1},"status":[1],"detail":5,"properties":"nope"}`,
			want: model.APIError{Details: "5", Problem: &model.Problem{Status: 400, Detail: "5"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got model.APIError
			DecodeProblem(tt.status, tt.header, []byte(tt.body), &got)
			if !reflect.DeepEqual(got, tt.want) {
				if got.Problem != nil {
					t.Logf("problem %#v", *got.Problem)
				}
				t.Fatalf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeJSON(t *testing.T) {
	type item struct {
		ID   string   `json:"id"`
		N    int      `json:"n"`
		Tags []string `json:"tags"`
	}
	tests := []struct {
		name    string
		body    string
		wantErr string // "" = ok
	}{
		{"ok", `{"id":"a","n":1,"tags":["x"]}`, ""},
		{"whitespace", " \n{\"id\":\"a\"}\n", ""},
		{"empty", "", "empty body"},
		{"blank", "  \n", "empty body"},
		{"syntax", `{"id":}`, "invalid JSON at offset 7"},
		{"truncated", `{"id":"a","n":1`, "invalid JSON at offset"},
		{"type", `{"n":"x"}`, "field n: got string, want int"},
		{"nested type", `{"tags":[1]}`, "field tags"},
		{"top-level type", `[1,2]`, "field (top level): got array"},
		{"trailing data", `{} {}`, "invalid JSON"},
		{"invalid utf8 in string is accepted", "{\"id\":\"\xff\"}", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out item
			err := DecodeJSON([]byte(tt.body), &out)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, model.ErrBadResponse) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want ErrBadResponse with %q", err, tt.wantErr)
			}
		})
	}
	if err := DecodeJSON([]byte(`{}`), item{}); err == nil || errors.Is(err, model.ErrBadResponse) {
		t.Fatalf("a non-pointer target is the caller's bug, not a bad response: %v", err)
	}
}

func FuzzDecodeProblem(f *testing.F) {
	for _, s := range []string{
		`{"type":"t","title":"T","status":400,"detail":"d","instance":"i","properties":[{"name":"n","reason":"r"}]}`,
		`{"title":"x","properties":{"a":"b","c":["d"]}}`,
		`[{"errorCode":"E","errorMessage":"m","correlationId":"c","details":[1,{"reason":"x"}]}]`,
		`{"errors":["a",{"message":"b"}]}`,
		`{"error":{"error":{"message":1}}}`,
		"<html><title>\x1b[2J</title>",
		"", "null", "[]", "[null]", `{"status":1e400}`,
	} {
		f.Add(400, "application/problem+json", []byte(s))
		f.Add(500, "text/html", []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		var e model.APIError
		DecodeProblem(status, http.Header{"Content-Type": {contentType}}, body, &e)
		_ = e.Error()
		if len([]rune(e.Message)) > 5000 && e.Problem == nil {
			t.Fatalf("fallback snippet not bounded: %d runes", len([]rune(e.Message)))
		}
		if e.Problem == nil {
			for _, r := range e.Message {
				if unicode.IsControl(r) {
					t.Fatalf("snippet carries a control character: %q", e.Message)
				}
			}
		}
	})
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"id":"a","n":1,"tags":["x"],"m":{"k":1.5}}`, `{"n":"x"}`, `[`, ``, `{"id":null}`, `"\ud800"`, `1e999`,
		strings.Repeat("1", 310), `{"n":` + strings.Repeat("9", 400) + `}`, `{"m":{"` + strings.Repeat("k", 300) + `":"x"}}`, "{\"id\":\"\x1b]52;c;aGk=\x07\"}x"} {
		f.Add([]byte(s))
	}
	type target struct {
		ID   string             `json:"id"`
		N    int                `json:"n"`
		Tags []string           `json:"tags"`
		M    map[string]float64 `json:"m"`
		P    *struct{ X bool }  `json:"p"`
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var a target
		var b any
		for _, out := range []any{&a, &b} {
			err := DecodeJSON(body, out)
			if err == nil {
				continue
			}
			if !errors.Is(err, model.ErrBadResponse) {
				t.Fatalf("error not wrapping ErrBadResponse: %v", err)
			}
			checkNoEcho(t, err.Error(), body)
		}
	})
}

// checkNoEcho asserts what every decode error must hold: short, free of
// control sequences, and quoting no more than an excerpt of the body.
func checkNoEcho(t *testing.T, msg string, body []byte) {
	t.Helper()
	if n := utf8.RuneCountInString(msg); n > 400 {
		t.Fatalf("error of %d runes: %.200q…", n, msg)
	}
	if model.SafeText(msg) != msg {
		t.Fatalf("error carries control characters or invalid UTF-8: %q", msg)
	}
	const run = 41 // an excerpt is at most 40 runes of a value
	for i := 0; i+run <= len(body); i++ {
		if strings.Contains(msg, string(body[i:i+run])) {
			t.Fatalf("error quotes %d+ bytes of the body: %q", run, msg)
		}
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("?token=", "s3cr3tValue")
	f.Add(" %20 ", "abcd")
	f.Fuzz(func(t *testing.T, sep, secret string) {
		// Alphanumeric secret, non-alphanumeric surroundings: the replacement
		// cannot rebuild the secret across a boundary, so it must be gone.
		isAlnum := func(r rune) bool { return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
		secret = strings.Map(func(r rune) rune {
			if isAlnum(r) {
				return r
			}
			return -1
		}, secret)
		sep = strings.Map(func(r rune) rune {
			if isAlnum(r) {
				return -1
			}
			return r
		}, sep)
		if len(secret) < 4 || strings.Contains(redacted, secret) {
			t.Skip()
		}
		in := sep + secret + sep + secret + sep
		if out := Redact(in, secret); strings.Contains(out, secret) {
			t.Fatalf("Redact(%q) = %q still holds the secret", in, out)
		}
	})
}

package httpx

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
)

const redacted = "[REDACTED]"

// SecretSource is implemented by Auths that hold credentials (all Auths in
// this package do): the client redacts the current values from every error
// and log line. Provider-written Auths should implement it too.
type SecretSource interface {
	Secrets() []string
}

const secretKey = `[\w.\-]*(?:api[_\-]?key|hash|token|secret|passw(?:or)?d|signature)[\w.\-]*`

var (
	// "Bearer abc", "Basic abc": an Authorization value echoed back.
	authSchemeRe = regexp.MustCompile(`\b([Bb]earer|BEARER|Basic)(\s+)([A-Za-z0-9\-._~+/]+=*)`)
	// key=value in a query string or form, where the key names a credential
	// (apiKey, api_key, hash, access_token, client_secret, password ...).
	secretParamRe = regexp.MustCompile(`(?i)\b(` + secretKey + `=)([^&\s"',;#]+)`)
	// "key": value in a JSON snippet.
	secretFieldRe = regexp.MustCompile(`(?i)("` + secretKey + `"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)`)
)

// Redact replaces every occurrence of each secret (len >= 4) in s with
// "[REDACTED]" (also in URL-encoded form), then scrubs values that look like
// credentials whatever they are: "Bearer <x>" and parameters named like
// apiKey, hash, token, secret or password.
func Redact(s string, secrets ...string) string {
	if s == "" {
		return s
	}
	// Longest first, so a secret containing another is replaced whole.
	ss := make([]string, 0, len(secrets))
	for _, x := range secrets {
		if len(x) >= 4 {
			ss = append(ss, x)
		}
	}
	slices.SortFunc(ss, func(a, b string) int { return len(b) - len(a) })
	for _, x := range ss {
		s = strings.ReplaceAll(s, x, redacted)
		if q := url.QueryEscape(x); q != x {
			s = strings.ReplaceAll(s, q, redacted)
		}
		if p := url.PathEscape(x); p != x {
			s = strings.ReplaceAll(s, p, redacted)
		}
	}
	s = authSchemeRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := authSchemeRe.FindStringSubmatch(m)
		if !looksLikeCredential(sub[3]) {
			return m // "Bearer authentication required" is prose
		}
		return sub[1] + sub[2] + redacted
	})
	s = secretParamRe.ReplaceAllString(s, "${1}"+redacted)
	s = secretFieldRe.ReplaceAllString(s, `${1}"`+redacted+`"`)
	return s
}

// looksLikeCredential tells a token from a word: credentials are long and
// carry digits or punctuation.
func looksLikeCredential(s string) bool {
	return len(s) >= 8 && strings.ContainsAny(s, "0123456789-._~+/=")
}

// redact applies Redact with the client's secrets and the Auth's current ones.
func (c *Client) redact(s string) string { return Redact(s, c.allSecrets()...) }

func (c *Client) allSecrets() []string {
	ss, ok := c.auth.(SecretSource)
	if !ok {
		return c.secrets
	}
	return append(slices.Clip(c.secrets), ss.Secrets()...)
}

// Sanitize makes server text one safe line for an error message: runs of
// whitespace (newlines, tabs ...) collapse to one space, the ends are
// trimmed, and everything else goes through model.SafeText, the sanitiser
// every renderer uses (terminal escapes from a hostile server show as
// visible control pictures, never as controls).
func Sanitize(s string) string {
	return model.SafeText(collapseSpace(s))
}

// collapseSpace replaces each run of Unicode white space with one space
// and trims both ends; it returns s itself when there is nothing to do.
func collapseSpace(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ') || c != ' ' && unicode.IsSpace(rune(c)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// truncateRunes shortens s to at most n runes, marking the cut with "…".
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// redactUserinfo hides "user:pass@" in a URL string that failed to parse.
func redactUserinfo(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		rest := s[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
			return s[:i+3] + redacted + rest[at:]
		}
	}
	return s
}

// pathOnly cuts the query and fragment off a raw path.
func pathOnly(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		return p[:i]
	}
	return p
}

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// parseErr parses src and returns the *Error it must fail with.
func parseErr(t *testing.T, src string, vars map[string]string) *Error {
	t.Helper()
	_, err := parse("c.toml", []byte(src), env(vars))
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("want a *config.Error, got %v", err)
	}
	return ce
}

const metal = "[[provider]]\nname = \"m\"\nkind = \"metal\"\nbase_url = \"https://api.equinix.com/metal/v1\"\ntoken_env = \"T\"\n"

var tokenSet = map[string]string{"T": "tok"}

func TestNonFiniteNumbersRefused(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
		key, in   string
	}{
		{"nan threshold", "[ui]\npool_threshold = nan\n", 2, "ui.pool_threshold", "NaN is not a number"},
		{"+inf threshold", "[ui]\nread_only = true\npool_threshold = +inf\n", 3, "ui.pool_threshold", "+Inf is not a number"},
		{"-inf threshold", "[ui]\npool_threshold = -inf\n", 2, "ui.pool_threshold", "-Inf is not a number"},
		// In a field of another type it would only read as a type mismatch.
		{"nan timeout", metal + "timeout = nan\n", 6, "provider[1].timeout", "NaN is not a number"},
		{"inf in the second provider", metal + strings.Replace(metal, `"m"`, `"n"`, 1) + "refresh = inf\n", 11, "provider[2].refresh", "+Inf"},
		{"nan in an array", "[keys]\nup = [\"k\", nan]\n", 2, "keys.up", "NaN"},
		{"the first of two", "[ui]\npool_threshold = inf\n[[provider]]\ntimeout = nan\n", 2, "ui.pool_threshold", "+Inf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ce := parseErr(t, tc.src, tokenSet)
			if ce.Line != tc.line || ce.Key != tc.key || !strings.Contains(ce.Error(), tc.in) || !strings.Contains(ce.Error(), "nan and inf are refused") {
				t.Errorf("got %q (line %d, key %q), want line %d, key %q, %q", ce, ce.Line, ce.Key, tc.line, tc.key, tc.in)
			}
		})
	}
	// Finite floats still parse.
	if _, err := parse("c.toml", []byte("[ui]\npool_threshold = 75.5\n"+metal), env(tokenSet)); err != nil {
		t.Errorf("a finite threshold is refused: %v", err)
	}
}

func TestRefreshBelowOneSecondRefused(t *testing.T) {
	cases := []struct {
		name, src string
		line      int // 0: accepted
		key       string
	}{
		{"ui 500ms", "[ui]\nrefresh = \"500ms\"\n" + metal, 2, "ui.refresh"},
		{"ui 999ms", "[ui]\nrefresh = \"999ms\"\n" + metal, 2, "ui.refresh"},
		{"ui 0s written", "[ui]\nrefresh = \"0s\"\n" + metal, 2, "ui.refresh"},
		{"provider 100ms", metal + "refresh = \"100ms\"\n", 6, "provider[1].refresh"},
		{"ui 1s", "[ui]\nrefresh = \"1s\"\n" + metal, 0, ""},
		{"provider 2m", metal + "refresh = \"2m\"\n", 0, ""},
		{"absent", metal, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse("c.toml", []byte(tc.src), env(tokenSet))
			if tc.line == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if c.UI.Refresh.Duration < time.Second {
					t.Errorf("refresh = %s", c.UI.Refresh.Duration)
				}
				return
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Line != tc.line || ce.Key != tc.key || !strings.Contains(err.Error(), "at least 1s") {
				t.Errorf("got %v, want %s at line %d: at least 1s", err, tc.key, tc.line)
			}
		})
	}
}

func TestPasswordInBaseURLNeverEchoed(t *testing.T) {
	for _, u := range []string{
		"https://ops:hunter2@api.equinix.com",
		"https://hunter2@api.equinix.com/fabric/v4",
		"http://ops:hunter2@127.0.0.1:8080/x?y=1",
		"https://ops:hunter2%zz@api.equinix.com", // does not parse
		"ftp://ops:hunter2@api.equinix.com",      // not http(s) either
		"https://ops:hun@ter2@api.equinix.com",   // an @ in the password
		"//ops:hunter2@api.equinix.com",
	} {
		t.Run(u, func(t *testing.T) {
			src := strings.Replace(metal, "https://api.equinix.com/metal/v1", u, 1)
			ce := parseErr(t, src, tokenSet)
			msg := ce.Error()
			if ce.Line != 4 || ce.Key != "provider[1].base_url" || !strings.Contains(msg, "credentials in base_url are not allowed") {
				t.Errorf("got %q", msg)
			}
			for _, leak := range []string{"hunter2", "ter2", "ops", "%zz"} {
				if strings.Contains(msg, leak) {
					t.Errorf("the error echoes %q: %q", leak, msg)
				}
			}
		})
	}
	// An @ after the host (a path, a query) is not a credential.
	src := strings.Replace(metal, "https://api.equinix.com/metal/v1", "https://api.equinix.com/v1/users/@me?who=a@b", 1)
	if _, err := parse("c.toml", []byte(src), env(tokenSet)); err != nil {
		t.Errorf("an @ in the path is refused: %v", err)
	}
}

func TestErrorsPrintNoControlSequences(t *testing.T) {
	cases := []struct{ name, src string }{
		{"env var name", strings.Replace(metal, `token_env = "T"`, `token_env = "T\u001b]52;c;SGVsbG8=\u0007\u009b2J"`, 1)},
		{"provider name", strings.Replace(metal, `name = "m"`, "name = \"m\u001b[2J\"\nkind = \"x\"", 1)},
		{"secret file path", strings.Replace(metal, `token_env = "T"`, `token_file = "/nonexistent/\u001b[2J\u202e"`, 1)},
		{"unknown key", "[ui]\n\"\\u001b]0;pwned\\u0007\" = 1\n"}, // TOML escapes: the key itself holds ESC and BEL
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := parseErr(t, tc.src, nil).Error()
			if strings.ContainsAny(msg, "\x1b\x07\u009b\u202e") {
				t.Errorf("control characters reach the terminal: %q", msg)
			}
		})
	}
	// The env var name is shown, made visible.
	msg := parseErr(t, cases[0].src, nil).Error()
	if !strings.Contains(msg, "environment variable T␛]52;c;SGVsbG8=␇") {
		t.Errorf("env var name not shown sanitised: %q", msg)
	}
}

func TestFilesMustBeRegular(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, []byte("# "+strings.Repeat("x", maxConfigFile)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "c.toml")
	if err := os.WriteFile(good, []byte(metal), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.toml")
	if err := os.Symlink(good, link); err != nil {
		t.Logf("no symlinks here: %v", err)
		link = good
	}
	cases := []struct {
		name, path string
		want       string // "" = loads
	}{
		{"directory", dir, "not a regular file (a directory)"},
		{"over 1 MiB", big, "larger than the 1 MiB allowed"},
		{"missing", filepath.Join(dir, "nope.toml"), "cannot open"},
		{"regular", good, ""},
		{"symlink to a regular file", link, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(tc.path, env(tokenSet))
			checkLoad(t, tc.path, err, tc.want)
		})
	}
	// The same for a *_file secret (its limit is 64 KiB).
	bigSecret := filepath.Join(dir, "big.secret")
	if err := os.WriteFile(bigSecret, make([]byte, maxSecretFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path, want string }{
		{"directory", dir, "not a regular file (a directory)"},
		{"over 64 KiB", bigSecret, "larger than the 64 KiB allowed"},
	} {
		t.Run("secret "+tc.name, func(t *testing.T) {
			ce := parseErr(t, strings.Replace(metal, `token_env = "T"`, `token_file = "`+tc.path+`"`, 1), nil)
			if ce.Line != 5 || ce.Key != "provider[1].token_file" || !strings.Contains(ce.Msg, tc.want) {
				t.Errorf("got %q, want line 5 provider[1].token_file %q", ce, tc.want)
			}
		})
	}
}

// checkLoad asserts Load's outcome on path: loaded when want is empty,
// else a *Error for the file mentioning want.
func checkLoad(t *testing.T, path string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("load(%s): %v", path, err)
		}
		return
	}
	var ce *Error
	if !errors.As(err, &ce) || ce.File != path || !strings.Contains(ce.Msg, want) {
		t.Errorf("load(%s) = %v, want a config error %q", path, err, want)
	}
}

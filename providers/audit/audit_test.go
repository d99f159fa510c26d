package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
)

type fakeRunner struct {
	calls int
	res   model.Result
	err   error
}

func (f *fakeRunner) Do(_ context.Context, a model.Action) (model.Result, error) {
	f.calls++
	r := f.res
	r.Action = a
	return r, f.err
}

func readLines(t *testing.T, path string) []Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

func action() model.Action {
	return model.Action{
		Request: model.ActionRequest{Kind: model.ActionReject, Reason: "wrong vlan",
			Target: model.Ref{Provider: "fab", Type: "connection", ID: "c-1", Name: "Conn-1"}},
		HTTP: model.HTTPRequest{Method: "POST", Path: "/fabric/v4/connections/c-1/actions",
			Body: []byte("{\n  \"type\": \"CONNECTION_CREATION_REJECTION\",\n  \"description\": \"wrong vlan\"\n}")},
	}
}

func TestAuditWritesRequestAndResult(t *testing.T) {
	cases := []struct {
		name    string
		runner  *fakeRunner
		outcome string
		status  int
	}{
		{"ok", &fakeRunner{res: model.Result{Status: 202, Message: "accepted"}}, "ok", 202},
		{"api error", &fakeRunner{err: &model.APIError{Status: 409, Message: "conflict"}}, "error", 409},
		{"read-only", &fakeRunner{err: model.ErrReadOnly}, "refused", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sub", "audit.log")
			l, err := Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			_, _ = l.Wrap("fab", tc.runner, nil).Do(context.Background(), action())
			if tc.runner.calls != 1 {
				t.Fatalf("runner called %d times", tc.runner.calls)
			}
			lines := readLines(t, path)
			if len(lines) != 2 {
				t.Fatalf("want 2 lines, got %d", len(lines))
			}
			req, res := lines[0], lines[1]
			if req.Phase != "request" || res.Phase != "result" || req.ID == "" || req.ID != res.ID {
				t.Errorf("phases/ids wrong: %+v %+v", req, res)
			}
			if req.Provider != "fab" || req.Action != "reject" || req.Target.ID != "c-1" || req.Reason != "wrong vlan" {
				t.Errorf("request line = %+v", req)
			}
			if !strings.Contains(string(req.Request.Body), `"CONNECTION_CREATION_REJECTION"`) || strings.Contains(string(req.Request.Body), "\n") {
				t.Errorf("body not compacted inline: %s", req.Request.Body)
			}
			if res.Outcome != tc.outcome || res.Status != tc.status {
				t.Errorf("result = %+v, want outcome %s status %d", res, tc.outcome, tc.status)
			}
			st, _ := os.Stat(path)
			if st.Mode().Perm() != 0o600 {
				t.Errorf("audit log mode = %v", st.Mode().Perm())
			}
		})
	}
}

func TestAuditRedactsAndAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	redact := func(s string) string { return strings.ReplaceAll(s, "hunter2", "[REDACTED]") }
	for i := 0; i < 2; i++ { // reopen: append, never truncate
		l, err := Open(path, redact)
		if err != nil {
			t.Fatal(err)
		}
		a := action()
		a.HTTP.Path += "?token=hunter2"
		_, _ = l.Wrap("fab", &fakeRunner{err: errors.New("bad token hunter2")}, nil).Do(context.Background(), a)
		l.Close()
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "hunter2") {
		t.Fatalf("secret in audit log: %s", raw)
	}
	if n := len(readLines(t, path)); n != 4 {
		t.Fatalf("want 4 lines after two runs, got %d", n)
	}
}

func TestLargeBodyHashed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l, _ := Open(path, nil)
	defer l.Close()
	a := action()
	a.HTTP.Body = []byte(`{"x":"` + strings.Repeat("a", maxInlineBody) + `"}`)
	_, _ = l.Wrap("fab", &fakeRunner{}, nil).Do(context.Background(), a)
	e := readLines(t, path)[0]
	if e.Request.Body != nil || e.Request.BodySHA256 == "" || e.Request.BodyBytes != len(a.HTTP.Body) {
		t.Errorf("large body not summarised: %+v", e.Request)
	}
}

func TestUnwritableLogStopsAction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l, _ := Open(path, nil)
	l.Close() // writes now fail
	r := &fakeRunner{}
	_, err := l.Wrap("fab", r, nil).Do(context.Background(), action())
	if err == nil || r.calls != 0 {
		t.Fatalf("action ran without an audit record: err=%v calls=%d", err, r.calls)
	}
}

func TestReadOnlyRefuses(t *testing.T) {
	_, err := ReadOnly{}.Do(context.Background(), action())
	if !errors.Is(err, model.ErrReadOnly) {
		t.Fatalf("err = %v", err)
	}
}

// An action of several requests is recorded whole before anything is
// sent, and its result says how many were accepted.
func TestAuditRecordsEveryRequestOfAnAction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a := model.Action{
		Request: model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{Type: "connection", ID: "nsc:1"}},
		HTTP:    model.HTTPRequest{Method: "PATCH", Path: "/network-services/ns1", Body: []byte(`{"type": "p2p_vc", "capacity": 2000}`), ContentType: "application/merge-patch+json"},
		Then:    []model.HTTPRequest{{Method: "PATCH", Path: "/network-service-configs/nsc1", Body: []byte(`{"type": "p2p_vc", "capacity": 2000}`)}},
	}
	r := &fakeRunner{res: model.Result{Status: 400, Sent: 1}, err: &model.APIError{Status: 400, Message: "step 2 failed"}}
	_, _ = l.Wrap("ix", r, nil).Do(context.Background(), a)
	lines := readLines(t, path)
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	req, res := lines[0], lines[1]
	if len(req.Then) != 1 || req.Then[0].Path != "/network-service-configs/nsc1" || string(req.Then[0].Body) != `{"type":"p2p_vc","capacity":2000}` {
		t.Errorf("request line: %+v", req)
	}
	if res.Sent == nil || *res.Sent != 1 || len(res.Then) != 1 || res.Then[0].Body != nil || res.Outcome != "error" {
		t.Errorf("result line: %+v", res)
	}
	// A single-request action has neither.
	_, _ = l.Wrap("ix", &fakeRunner{}, nil).Do(context.Background(), action())
	lines = readLines(t, path)
	if last := lines[len(lines)-1]; last.Sent != nil || last.Then != nil {
		t.Errorf("single request: %+v", last)
	}
}

type fakeVerifier struct {
	calls   int
	applied bool
	detail  string
	err     error
	panics  bool
	ctxErr  error // the ctx error seen by Verify
}

func (f *fakeVerifier) Verify(ctx context.Context, a model.Action) (bool, string, error) {
	f.calls++
	f.ctxErr = ctx.Err()
	if f.panics {
		panic("hostile body")
	}
	return f.applied, f.detail, f.err
}

func TestUnknownOutcomeReconciled(t *testing.T) {
	lost := &model.UnknownOutcome{Err: &model.APIError{Provider: "fab", Method: "POST", Path: "/x", Status: 401, Message: "Unauthorized"}}
	tests := []struct {
		name       string
		verifier   *fakeVerifier // nil: none
		wantOut    string
		wantMsg    string
		wantVerdct model.Verdict
	}{
		{"applied", &fakeVerifier{applied: true, detail: "state PROVISIONING"}, "applied", "unknown → applied: state PROVISIONING", model.VerdictApplied},
		{"not applied", &fakeVerifier{detail: "still waits for our decision"}, "not applied", "unknown → not applied: still waits for our decision", model.VerdictNotApplied},
		{"re-read fails", &fakeVerifier{err: errors.New("fab: GET /x: 503: down")}, "unknown", "unknown → still unknown: fab: GET /x: 503: down", model.VerdictUnknown},
		{"verifier panics", &fakeVerifier{panics: true}, "unknown", "unknown → still unknown: re-reading the target failed unexpectedly", model.VerdictUnknown},
		{"no verifier", nil, "unknown", "unknown → still unknown: this provider cannot re-read the target; check it by hand", model.VerdictUnknown},
		{"escapes in the detail", &fakeVerifier{applied: true, detail: "state \x1b]52;c;aGk=\x07X"}, "applied", "unknown → applied: state ␛]52;c;aGk=␇X", model.VerdictApplied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.log")
			l, err := Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			runner := &fakeRunner{res: model.Result{Status: 401, Sends: 1}, err: lost}
			var v model.ActionVerifier
			if tc.verifier != nil {
				v = tc.verifier
			}
			// The action's own ctx is already done (a timeout is a common way
			// to lose an answer): the re-read must run anyway.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err = l.Wrap("fab", runner, v).Do(ctx, action())
			if runner.calls != 1 {
				t.Fatalf("runner called %d times", runner.calls)
			}
			var uo *model.UnknownOutcome
			if !errors.Is(err, model.ErrOutcomeUnknown) || !errors.As(err, &uo) || uo.Verdict != tc.wantVerdct {
				t.Fatalf("err = %v, want an unknown outcome with verdict %v", err, tc.wantVerdct)
			}
			var ae *model.APIError
			if !errors.As(err, &ae) || ae.Status != 401 {
				t.Fatalf("the cause is lost: %v", err)
			}
			if tc.verifier != nil && (tc.verifier.calls != 1 || tc.verifier.ctxErr != nil) {
				t.Fatalf("verifier calls %d, ctx err %v", tc.verifier.calls, tc.verifier.ctxErr)
			}
			lines := readLines(t, path)
			if len(lines) != 3 {
				t.Fatalf("want request, result and reconcile lines, got %d: %+v", len(lines), lines)
			}
			req, res, rec := lines[0], lines[1], lines[2]
			if req.Phase != "request" || res.Phase != "result" || rec.Phase != "reconcile" || rec.ID != req.ID || res.ID != req.ID {
				t.Fatalf("phases/ids: %+v", lines)
			}
			if res.Outcome != "unknown" || res.Status != 401 || res.Sends == nil || *res.Sends != 1 || res.Attempt != 1 || req.Attempt != 1 {
				t.Fatalf("result line = %+v", res)
			}
			if rec.Outcome != tc.wantOut || rec.Message != tc.wantMsg || rec.Target.ID != "c-1" {
				t.Fatalf("reconcile line = %+v, want outcome %q message %q", rec, tc.wantOut, tc.wantMsg)
			}
			if !strings.Contains(err.Error(), "outcome unknown: ") {
				t.Fatalf("message %q", err)
			}
		})
	}
}

// The provider's own Verify is found when none is passed.
type verifyingRunner struct {
	fakeRunner
	fakeVerifier
}

func TestWrapFindsTheRunnersVerifier(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l, _ := Open(path, nil)
	defer l.Close()
	r := &verifyingRunner{fakeRunner: fakeRunner{err: &model.UnknownOutcome{Err: errors.New("reset")}}, fakeVerifier: fakeVerifier{applied: true}}
	_, err := l.Wrap("fab", r, nil).Do(context.Background(), action())
	var uo *model.UnknownOutcome
	if !errors.As(err, &uo) || uo.Verdict != model.VerdictApplied || r.fakeVerifier.calls != 1 {
		t.Fatalf("err = %v, verify calls %d", err, r.fakeVerifier.calls)
	}
}

func TestKnownOutcomesAreNotReconciled(t *testing.T) {
	for _, err := range []error{nil, &model.APIError{Status: 409}, model.ErrReadOnly} {
		path := filepath.Join(t.TempDir(), "audit.log")
		l, _ := Open(path, nil)
		v := &fakeVerifier{}
		_, _ = l.Wrap("fab", &fakeRunner{err: err, res: model.Result{Sends: 1}}, v).Do(context.Background(), action())
		l.Close()
		if v.calls != 0 || len(readLines(t, path)) != 2 {
			t.Fatalf("%v: verify called %d times, %d lines", err, v.calls, len(readLines(t, path)))
		}
	}
}

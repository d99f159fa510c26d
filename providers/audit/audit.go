// Package audit records every mutation noctop attempts, and enforces
// read-only mode, at the one place all mutations pass: model.ActionRunner.
// The registry wraps every provider's runner, so no code path can mutate
// without being recorded or without honouring --read-only.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/noctop/noctop/model"
)

// Entry is one JSON line of the audit log. Two lines are written per
// action: phase "request" before anything is sent (so a crash mid-request
// still leaves a trace) and phase "result" with the outcome. When the
// outcome is "unknown" (sent, answer lost: model.ErrOutcomeUnknown) the
// target is re-read and a third line, phase "reconcile", records what the
// re-read shows: outcome "applied", "not applied" or "unknown".
type Entry struct {
	Time     time.Time `json:"time"`
	ID       string    `json:"id"` // ties the request and result lines together
	Phase    string    `json:"phase"`
	Provider string    `json:"provider"`
	Action   string    `json:"action"`
	Target   Target    `json:"target"`
	Reason   string    `json:"reason,omitempty"`
	Request  Request   `json:"request"`
	// Then are the action's further requests (sent after Request, in
	// order, each only if the one before succeeded); Sent is how many of
	// all its requests were accepted (result lines of such actions).
	Then    []Request `json:"then,omitempty"`
	Sent    *int      `json:"sent,omitempty"`
	Outcome string    `json:"outcome,omitempty"` // result: ok | error | refused | unknown; reconcile: applied | not applied | unknown
	Status  int       `json:"status,omitempty"`
	// Attempt numbers the sends of this action: the request line is
	// attempt 1 (the audit wrapper never sends twice); the result line
	// repeats it and Sends says how often the transport actually put the
	// request on the wire (0: it never left).
	Attempt int    `json:"attempt,omitempty"`
	Sends   *int   `json:"sends,omitempty"`
	Message string `json:"message,omitempty"`
}

// Target is what the action was aimed at.
type Target struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Request summarises the HTTP request: method, path, and the body when it is
// small (else its size and SHA-256). Credentials are never part of it: the
// transport adds them after planning.
type Request struct {
	Method     string          `json:"method"`
	Path       string          `json:"path"`
	Body       json.RawMessage `json:"body,omitempty"`
	BodyBytes  int             `json:"body_bytes,omitempty"`
	BodySHA256 string          `json:"body_sha256,omitempty"`
}

// maxInlineBody is the largest body copied into the log verbatim.
const maxInlineBody = 4 << 10

// Log is an append-only JSON-lines file.
type Log struct {
	mu     sync.Mutex
	f      *os.File
	path   string
	now    func() time.Time
	seq    atomic.Uint64
	redact func(string) string
}

// Open opens (creating it and its directory, owner-only) the log at path.
// redact, when set, is applied to every free-text field (error messages).
func Open(path string, redact func(string) string) (*Log, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	if redact == nil {
		redact = func(s string) string { return s }
	}
	return &Log{f: f, path: path, now: time.Now, redact: redact}, nil
}

// Path is where the log lives (shown to the operator).
func (l *Log) Path() string { return l.path }

// Close closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}

func (l *Log) write(e Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	// One write per line with O_APPEND keeps lines whole even with several
	// noctop processes sharing the file.
	_, err = l.f.Write(b)
	return err
}

func (l *Log) entry(provider string, a model.Action, phase string) Entry {
	e := Entry{
		Time:     l.now().UTC(),
		Phase:    phase,
		Provider: provider,
		Action:   string(a.Request.Kind),
		Target:   Target{Type: a.Request.Target.Type, ID: a.Request.Target.ID, Name: a.Request.Target.Name},
		Reason:   l.redact(a.Request.Reason),
		Request:  l.request(a.HTTP),
	}
	for _, h := range a.Then {
		e.Then = append(e.Then, l.request(h))
	}
	return e
}

// request summarises one HTTP request for the log.
func (l *Log) request(h model.HTTPRequest) Request {
	req := Request{Method: h.Method, Path: l.redact(h.Path)}
	if n := len(h.Body); n > 0 {
		if n <= maxInlineBody && json.Valid(h.Body) {
			var buf bytes.Buffer
			if json.Compact(&buf, h.Body) == nil {
				req.Body = json.RawMessage(l.redact(buf.String()))
			}
		}
		if req.Body == nil {
			sum := sha256.Sum256(h.Body)
			req.BodyBytes, req.BodySHA256 = n, hex.EncodeToString(sum[:])
		}
	}
	return req
}

// Wrap returns a runner that records every action before and after next runs
// it. A failure to write the "request" line stops the action: an unrecorded
// mutation is worse than a refused one. verify reconciles unknown outcomes
// (nil: next's own ActionVerifier if it has one, else the reconcile line
// says the outcome stays unknown).
func (l *Log) Wrap(provider string, next model.ActionRunner, verify model.ActionVerifier) model.ActionRunner {
	if verify == nil {
		verify, _ = next.(model.ActionVerifier)
	}
	return &audited{log: l, provider: provider, next: next, verify: verify}
}

type audited struct {
	log      *Log
	provider string
	next     model.ActionRunner
	verify   model.ActionVerifier
}

// VerifyTimeout bounds the re-read after an unknown outcome. It runs even
// when the action's own context is done (that is often why the answer was
// lost), so the reconcile line is always written.
var VerifyTimeout = 20 * time.Second

// firstAttempt is the only attempt the wrapper makes: nothing here, nor
// below (httpx), sends a mutation twice.
const firstAttempt = 1

func (r *audited) Do(ctx context.Context, a model.Action) (model.Result, error) {
	id := strconv.FormatInt(r.log.now().UnixNano(), 36) + "-" + strconv.FormatUint(r.log.seq.Add(1), 10)
	e := r.log.entry(r.provider, a, "request")
	e.ID, e.Attempt = id, firstAttempt
	if err := r.log.write(e); err != nil {
		return model.Result{Action: a}, fmt.Errorf("not sent: cannot write audit log %s: %w", r.log.path, err)
	}
	res, err := r.next.Do(ctx, a)
	out := r.log.entry(r.provider, a, "result")
	out.ID, out.Attempt = id, firstAttempt
	out.Status = res.Status
	sends := res.Sends
	unknown := false
	switch {
	case errors.Is(err, model.ErrReadOnly):
		out.Outcome, out.Message = "refused", err.Error()
	case errors.Is(err, model.ErrOutcomeUnknown):
		unknown = true
		out.Outcome, out.Message = "unknown", r.log.redact(err.Error())
	case err != nil:
		out.Outcome, out.Message = "error", r.log.redact(err.Error())
	default:
		out.Outcome, out.Message = "ok", r.log.redact(res.Message)
	}
	if err != nil && !errors.Is(err, model.ErrReadOnly) {
		var ae *model.APIError
		if errors.As(err, &ae) && out.Status == 0 {
			out.Status = ae.Status
		}
	}
	if !errors.Is(err, model.ErrReadOnly) {
		out.Sends = &sends
	}
	out.Request = Request{Method: e.Request.Method, Path: e.Request.Path} // body already in the request line
	out.Then = nil
	for _, h := range e.Then {
		out.Then = append(out.Then, Request{Method: h.Method, Path: h.Path})
	}
	if len(a.Then) > 0 {
		sent := res.Sent
		out.Sent = &sent
	}
	werr := r.log.write(out)
	if unknown {
		err = r.reconcile(ctx, a, id, err)
	}
	if werr != nil && err == nil {
		err = fmt.Errorf("action done (status %d) but the audit log could not be written: %w", res.Status, werr)
	}
	return res, err
}

// reconcile re-reads the target of an action whose outcome is unknown,
// writes the "reconcile" line, and returns the unknown outcome with the
// verdict filled in (still errors.Is ErrOutcomeUnknown: the operator must
// learn that the answer was lost, whatever the re-read shows).
func (r *audited) reconcile(ctx context.Context, a model.Action, id string, err error) error {
	var uo *model.UnknownOutcome
	if !errors.As(err, &uo) {
		uo = &model.UnknownOutcome{Err: err}
	}
	v := &model.UnknownOutcome{Err: uo.Err, Verdict: model.VerdictUnknown}
	if r.verify == nil {
		v.Detail = "this provider cannot re-read the target; check it by hand"
	} else {
		vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), VerifyTimeout)
		applied, detail, verr := safeVerify(vctx, r.verify, a)
		cancel()
		switch {
		case verr != nil:
			v.Detail = model.ErrorSummary(verr)
		case applied:
			v.Verdict, v.Detail = model.VerdictApplied, detail
		default:
			v.Verdict, v.Detail = model.VerdictNotApplied, detail
		}
	}
	v.Detail = r.log.redact(model.SafeText(v.Detail))
	line := r.log.entry(r.provider, a, "reconcile")
	line.ID = id
	line.Request = Request{Method: a.HTTP.Method, Path: r.log.redact(a.HTTP.Path)}
	switch v.Verdict {
	case model.VerdictApplied:
		line.Outcome, line.Message = "applied", "unknown → applied"
	case model.VerdictNotApplied:
		line.Outcome, line.Message = "not applied", "unknown → not applied"
	default:
		line.Outcome, line.Message = "unknown", "unknown → still unknown"
	}
	if v.Detail != "" {
		line.Message += ": " + v.Detail
	}
	if werr := r.log.write(line); werr != nil {
		v.Detail += " (the audit log could not record this: " + werr.Error() + ")"
	}
	return v
}

// safeVerify calls the provider's Verify, turning a panic into an error:
// its input is whatever the provider answered.
func safeVerify(ctx context.Context, v model.ActionVerifier, a model.Action) (applied bool, detail string, err error) {
	defer func() {
		if recover() != nil {
			applied, detail, err = false, "", errors.New("re-reading the target failed unexpectedly")
		}
	}()
	return v.Verify(ctx, a)
}

// ReadOnly is a runner that refuses everything. The registry uses it in
// place of a provider's runner under --read-only (wrapped by the audit log,
// so refused attempts are recorded too).
type ReadOnly struct{}

// Do always refuses.
func (ReadOnly) Do(_ context.Context, a model.Action) (model.Result, error) {
	return model.Result{Action: a}, model.ErrReadOnly
}

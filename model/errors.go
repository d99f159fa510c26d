package model

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Sentinel errors the UI matches with errors.Is, whatever the provider.
var (
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrReadOnly     = errors.New("read-only mode: mutations are disabled")
	ErrUnsupported  = errors.New("not supported by this provider")
	ErrBadResponse  = errors.New("malformed response")
	ErrTooLarge     = errors.New("response too large")
	// ErrOutcomeUnknown: a mutation may have reached the provider, but its
	// answer was lost or ambiguous (401, 5xx, timeout, reset after
	// sending). It was not sent again. The error is an *UnknownOutcome.
	ErrOutcomeUnknown = errors.New("outcome unknown")
)

// Problem is an RFC 7807 problem document (also used to carry other
// providers' structured error bodies in a common shape).
type Problem struct {
	Type       string
	Title      string
	Status     int
	Detail     string
	Instance   string
	Properties []ProblemProperty // validation errors, per field
}

// ProblemProperty is one invalid field of a validation problem.
type ProblemProperty struct {
	Name   string
	Reason string
}

// APIError is a provider's error response, mapped to one shape.
type APIError struct {
	Provider      string
	Method        string
	Path          string // no query string: queries may carry signatures
	Status        int
	Code          string // provider error code (EQ-3040010 ...)
	Message       string // the human message the provider gave
	Details       string
	CorrelationID string
	Problem       *Problem
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	msg := e.Message
	if msg == "" && e.Problem != nil {
		msg = e.Problem.Title
	}
	if msg != "" {
		b.WriteString(": " + msg)
	}
	details := e.Details
	if details == "" && e.Problem != nil {
		details = e.Problem.Detail
	}
	if details != "" && details != msg {
		b.WriteString(" (" + details + ")")
	}
	if e.Problem != nil {
		for _, p := range e.Problem.Properties {
			fmt.Fprintf(&b, "; %s: %s", p.Name, p.Reason)
		}
	}
	if e.CorrelationID != "" {
		b.WriteString(" [correlation id " + e.CorrelationID + "]")
	}
	return b.String()
}

// Is maps HTTP statuses onto the sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == 401
	case ErrForbidden:
		return e.Status == 403
	case ErrNotFound:
		return e.Status == 404
	case ErrConflict:
		return e.Status == 409
	}
	return false
}

// RateLimited is returned when the provider throttles us and the wait it asks
// for is longer than we are willing to sleep inside one request.
type RateLimited struct {
	Provider   string
	RetryAfter time.Duration // the wait, as of when the answer arrived (after capping)
	// RetryAt is when requests may resume (answer time + RetryAfter); zero
	// when the provider named no wait.
	RetryAt time.Time
	// Capped is set when the provider asked for a longer wait than the
	// transport accepts (a day): RetryAfter and RetryAt are the cap.
	Capped bool
}

func (e *RateLimited) Error() string {
	p := ""
	if e.Provider != "" {
		p = e.Provider + ": "
	}
	if e.RetryAfter > 0 {
		s := fmt.Sprintf("%srate limited: retry after %s", p, e.RetryAfter.Round(time.Second))
		if e.Capped {
			s += " (capped: the provider asked for longer)"
		}
		return s
	}
	return p + "rate limited"
}

// Verdict is what re-reading the target of an action with an unknown
// outcome showed.
type Verdict int

const (
	VerdictUnchecked  Verdict = iota // not re-read
	VerdictApplied                   // the change is visible
	VerdictNotApplied                // the object is as it was before
	VerdictUnknown                   // the re-read failed or cannot tell
)

func (v Verdict) String() string {
	switch v {
	case VerdictApplied:
		return "applied"
	case VerdictNotApplied:
		return "not applied"
	case VerdictUnknown:
		return "still unknown"
	}
	return "not re-read"
}

// UnknownOutcome is the error of a mutation that was sent (once: it is never
// repeated) but whose answer was lost or ambiguous. errors.Is(err,
// ErrOutcomeUnknown) holds; Err stays reachable with errors.As (an
// *APIError for a 401 or 5xx). The audit wrapper re-reads the target and
// records the Verdict; until then it is VerdictUnchecked.
type UnknownOutcome struct {
	Err     error
	Verdict Verdict
	Detail  string // what the re-read showed, or why it could not tell
}

func (e *UnknownOutcome) Error() string {
	s := "outcome unknown"
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	switch e.Verdict {
	case VerdictUnchecked:
		return s
	case VerdictUnknown:
		s += "; re-read: still unknown"
	default:
		s += "; re-read shows " + e.Verdict.String()
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Summary is the one line an operator reads after the action: that the
// answer was lost, and what the re-read shows.
func (e *UnknownOutcome) Summary() string {
	s := "outcome unknown: sent once, the answer was lost"
	switch e.Verdict {
	case VerdictUnchecked:
		return s + " — re-read the object before trying again"
	case VerdictUnknown:
		s += " — re-read: still unknown"
	default:
		s += " — re-read shows " + e.Verdict.String()
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (e *UnknownOutcome) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrOutcomeUnknown) hold.
func (e *UnknownOutcome) Is(target error) bool { return target == ErrOutcomeUnknown }

// ErrorSummary is a one-line message for a pane or status bar: the first
// line of the error, safe for a terminal (SafeText).
func ErrorSummary(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return SafeText(s)
}

// Incomplete is returned together with the data a listing did read when
// some of it is missing: items the provider sent that could not be read
// (Dropped), or a listing cut short by a bound or by a misbehaving server
// (Truncated). The data returned with it is good and should be shown, with
// this as a warning; check with errors.As. A listing in which every item
// failed is not Incomplete but an error (see Err): there is nothing to show.
type Incomplete struct {
	Provider   string // instance name ("fabric-prod")
	What       string // plural noun of the items ("connections", "blocks")
	Got        int    // items returned with this error
	Dropped    int    // items that could not be read
	DropReason string // why the first of them could not be read
	Truncated  bool   // reading stopped before the listing's end
	Reason     string // why it stopped (when Truncated)
	// Cause classifies the truncation for errors.Is: ErrTooLarge (a bound
	// was reached), ErrBadResponse (the server contradicted itself),
	// context.DeadlineExceeded (the listing's deadline). Nil when only
	// items were dropped.
	Cause error

	whats []string // the kinds of items merged in (Merge)
}

func (e *Incomplete) Error() string {
	what := e.What
	if what == "" {
		what = "items"
	}
	var parts []string
	if e.Dropped > 0 {
		reason := ""
		if e.DropReason != "" {
			reason = ": " + e.DropReason
		}
		if e.Got == 0 {
			parts = append(parts, fmt.Sprintf("none of %d %s could be read%s", e.Dropped, what, reason))
		} else {
			parts = append(parts, fmt.Sprintf("%d of %d %s could not be read%s", e.Dropped, e.Got+e.Dropped, what, reason))
		}
	}
	if e.Truncated {
		reason := e.Reason
		if reason == "" {
			reason = "listing cut short"
		}
		if e.Got == 0 {
			parts = append(parts, "stopped reading: "+reason)
		} else {
			parts = append(parts, fmt.Sprintf("%s truncated at %d items: %s", what, e.Got, reason))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, what+" complete")
	}
	s := strings.Join(parts, "; ")
	if e.Provider != "" {
		s = e.Provider + ": " + s
	}
	return s
}

// Unwrap exposes Cause.
func (e *Incomplete) Unwrap() error { return e.Cause }

// Lossy reports whether anything is missing.
func (e *Incomplete) Lossy() bool { return e != nil && (e.Dropped > 0 || e.Truncated) }

// Partial makes an Incomplete a PartialError (hub.go): the data returned
// with it is kept and shown, with e as the warning.
func (e *Incomplete) Partial() bool { return e.Lossy() }

// Err is e as the error a listing returns: nil when nothing is missing;
// an error wrapping ErrBadResponse (not an *Incomplete, so no one shows
// the empty data as current) when items were sent but none could be read;
// e itself otherwise.
func (e *Incomplete) Err() error {
	if !e.Lossy() {
		return nil
	}
	if e.Got == 0 && e.Dropped > 0 {
		return &unreadable{e}
	}
	return e
}

// Merge adds o's counts and reasons to e (the first reasons are kept).
// Listings of different things become "objects" with both names kept.
func (e *Incomplete) Merge(o *Incomplete) {
	if o == nil {
		return
	}
	e.whats = append(e.whats[:0:0], e.names()...)
	for _, w := range o.names() {
		if !slices.Contains(e.whats, w) {
			e.whats = append(e.whats, w)
		}
	}
	switch n := len(e.whats); {
	case n == 1:
		e.What = e.whats[0]
	case n == 2:
		e.What = e.whats[0] + " and " + e.whats[1]
	case n > 2:
		e.What = fmt.Sprintf("objects (%s, %s, +%d more)", e.whats[0], e.whats[1], n-2)
	}
	if e.Provider == "" {
		e.Provider = o.Provider
	}
	e.Got += o.Got
	e.Dropped += o.Dropped
	if e.DropReason == "" {
		e.DropReason = o.DropReason
	}
	if o.Truncated {
		if !e.Truncated {
			e.Reason, e.Cause = o.Reason, o.Cause
		}
		e.Truncated = true
	}
}

// Losses gathers what the listings of one load could not read, so one
// incomplete listing neither fails the others nor goes unreported. Safe
// for concurrent use; the zero value is ready.
type Losses struct {
	mu sync.Mutex
	in *Incomplete
}

// Keep records err when it is an *Incomplete (and returns nil: the
// listing's data is good); any other error comes back unchanged.
func (l *Losses) Keep(err error) error {
	var in *Incomplete
	if !errors.As(err, &in) {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.in == nil {
		c := *in
		l.in = &c
	} else {
		l.in.Merge(in)
	}
	return nil
}

// Err is everything recorded, merged into one *Incomplete, or nil.
func (l *Losses) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.in == nil {
		return nil
	}
	c := *l.in
	return &c
}

// names are the kinds of items merged into e.
func (e *Incomplete) names() []string {
	if len(e.whats) > 0 {
		return e.whats
	}
	if e.What != "" {
		return []string{e.What}
	}
	return nil
}

// unreadable is the error of a listing whose every item failed.
type unreadable struct{ in *Incomplete }

func (u *unreadable) Error() string { return u.in.Error() }

func (u *unreadable) Unwrap() []error {
	if u.in.Cause != nil {
		return []error{ErrBadResponse, u.in.Cause}
	}
	return []error{ErrBadResponse}
}

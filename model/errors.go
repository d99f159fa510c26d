package model

import (
	"errors"
	"fmt"
	"strings"
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

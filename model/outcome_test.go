package model

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestUnknownOutcome(t *testing.T) {
	cause := &APIError{Provider: "fab", Method: "POST", Path: "/x/actions", Status: 401, Message: "Unauthorized"}
	tests := []struct {
		e           *UnknownOutcome
		wantErr     string
		wantSummary string
	}{
		{&UnknownOutcome{Err: cause}, "outcome unknown: fab: POST /x/actions: 401: Unauthorized",
			"outcome unknown: sent once, the answer was lost — re-read the object before trying again"},
		{&UnknownOutcome{Err: cause, Verdict: VerdictApplied, Detail: "state PROVISIONING"},
			"outcome unknown: fab: POST /x/actions: 401: Unauthorized; re-read shows applied (state PROVISIONING)",
			"outcome unknown: sent once, the answer was lost — re-read shows applied: state PROVISIONING"},
		{&UnknownOutcome{Err: cause, Verdict: VerdictNotApplied}, "outcome unknown: fab: POST /x/actions: 401: Unauthorized; re-read shows not applied",
			"outcome unknown: sent once, the answer was lost — re-read shows not applied"},
		{&UnknownOutcome{Err: cause, Verdict: VerdictUnknown, Detail: "GET: 503"}, "outcome unknown: fab: POST /x/actions: 401: Unauthorized; re-read: still unknown (GET: 503)",
			"outcome unknown: sent once, the answer was lost — re-read: still unknown: GET: 503"},
		{&UnknownOutcome{}, "outcome unknown", "outcome unknown: sent once, the answer was lost — re-read the object before trying again"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.wantErr {
			t.Errorf("Error() = %q, want %q", got, tt.wantErr)
		}
		if got := tt.e.Summary(); got != tt.wantSummary {
			t.Errorf("Summary() = %q, want %q", got, tt.wantSummary)
		}
		wrapped := fmt.Errorf("provider: %w", tt.e)
		if !errors.Is(wrapped, ErrOutcomeUnknown) {
			t.Errorf("errors.Is(%v, ErrOutcomeUnknown) = false", wrapped)
		}
		var ae *APIError
		if tt.e.Err != nil && (!errors.As(wrapped, &ae) || !errors.Is(wrapped, ErrUnauthorized)) {
			t.Errorf("the cause is not reachable through %v", wrapped)
		}
	}
	if errors.Is(cause, ErrOutcomeUnknown) {
		t.Fatal("a plain API error is not an unknown outcome")
	}
}

func TestRateLimitedSaysCapped(t *testing.T) {
	e := &RateLimited{Provider: "fab", RetryAfter: 24 * 3600e9, Capped: true}
	if !strings.Contains(e.Error(), "capped") {
		t.Fatalf("%q", e.Error())
	}
}

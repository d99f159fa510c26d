package model

import (
	"fmt"
	"testing"
)

// The hub keeps data returned with an Incomplete (IsPartial); the
// every-item-failed form is an error and must not be kept as data.
func TestIncompleteIsPartial(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"dropped some", (&Incomplete{What: "connections", Got: 2, Dropped: 1}).Err(), true},
		{"truncated", (&Incomplete{What: "connections", Got: 5, Truncated: true}).Err(), true},
		{"wrapped", fmt.Errorf("fab: %w", (&Incomplete{Got: 5, Truncated: true}).Err()), true},
		{"none readable", (&Incomplete{What: "connections", Dropped: 3}).Err(), false},
		{"plain error", ErrBadResponse, false},
		{"nothing lost", (&Incomplete{Got: 3}).Err(), false},
	}
	for _, tt := range tests {
		if got := IsPartial(tt.err); got != tt.want {
			t.Errorf("%s: IsPartial(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

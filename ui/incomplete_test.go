package ui_test

import (
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
)

// A partial listing is shown, and the status bar says what it lacks (the
// hub logs the whole message). A complete listing afterwards clears it.
func TestIncompleteListingShownWithWarning(t *testing.T) {
	w := fake.New("part", 20, 0, 1)
	w.ListWarn = &model.Incomplete{Provider: "part", What: "connections", Got: 20, Dropped: 3, DropReason: "connection without a uuid"}
	h := newHarness(t, ui.Options{}, w)
	if n := connList(h).Table().Total(); n != 20 {
		t.Fatalf("%d rows: the data read must be shown", n)
	}
	st := h.status()
	if !strings.Contains(st, "part ⚠ 3 of 23 connections could not be read") || strings.Contains(st, "● ok") {
		t.Errorf("status bar = %q", st)
	}

	w.ListWarn = nil
	h.keys("r")
	if st := h.status(); strings.Contains(st, "⚠") || !strings.Contains(st, "part ● ok") {
		t.Errorf("after a complete listing: %q", st)
	}

	w.ListWarn = &model.Incomplete{What: "connections", Got: 20, Truncated: true, Reason: "the listing has more than max_items (20)"}
	h.keys("r")
	if st := h.status(); !strings.Contains(st, "⚠ connections truncated at 20 items") {
		t.Errorf("truncated: %q", st)
	}
}

package ui_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
)

// A provider that lists connections without their API objects (Fabric)
// still shows them in the detail view: it reads the one it shows, once,
// and says so while it reads and when the read fails.
func TestDetailViewReadsTheAPIObjectTheListingLacks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		readErr error
		want    string
	}{
		{"read", nil, "equinixStatus: PENDING"},
		{"read fails", errors.New("connection refused"), "could not read the API object from p1: connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := fake.New("p1", 20, 2, 1)
			w.ListWithoutRaw = true
			w.ReadErr = tc.readErr
			h := newHarness(t, ui.Options{}, w)
			reads := w.ReadCalls
			h.keys("2", "enter")
			if !apprList(h).InDetail() {
				t.Fatal("enter did not open details")
			}
			h.keys("end")
			v := h.view()
			if !strings.Contains(v, tc.want) {
				t.Fatalf("detail lacks %q:\n%s", tc.want, v)
			}
			if strings.Contains(v, "returned no raw object") || strings.Contains(v, "reading the API object") {
				t.Fatalf("detail still says it has no object:\n%s", v)
			}
			if got := w.ReadCalls - reads; got != 1 {
				t.Fatalf("%d reads of the connection, want 1", got)
			}
		})
	}
}

package inventory

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/model"
)

func capKeys(cs []model.Capacity) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Location+"/"+c.Plan)
	}
	return strings.Join(out, ",")
}

func TestCapacityFromAServerStartsAtItsFacility(t *testing.T) {
	r := newServerRig(t, false, false)
	r.goTo("web-01") // in sjc1
	r.do(r.press("c"))
	open, cs := r.p.CapacityOpen()
	if !open {
		t.Fatalf("c opened no table: %q", r.toasts)
	}
	if got := capKeys(cs); got != "sjc1/c3.small.x86,sjc1/m3.large.x86,sjc1/s3.xlarge.x86" {
		t.Errorf("from web-01: %s", got)
	}
	v := r.p.View()
	for _, want := range []string{"/location==sjc1", "(3 of 4 location × plan)", "12 of 40", "limited"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "\x1b[5m") {
		t.Error("a provider's escape sequence reached the screen")
	}
	// esc drops the facility filter: every location, sorted.
	r.press("esc")
	if _, cs := r.p.CapacityOpen(); capKeys(cs) != "ams1/c3.small.x86,sjc1/c3.small.x86,sjc1/m3.large.x86,sjc1/s3.xlarge.x86" {
		t.Errorf("unfiltered: %s", capKeys(cs))
	}
	r.press("/")
	r.typeText("level=unavail")
	r.press("enter")
	if _, cs := r.p.CapacityOpen(); capKeys(cs) != "ams1/c3.small.x86" {
		t.Errorf("level filter: %s", capKeys(cs))
	}
	r.press("esc", "esc")
	if open, _ := r.p.CapacityOpen(); open {
		t.Error("esc twice did not close the table")
	}
}

func TestCapacityErrorAndReload(t *testing.T) {
	r := newServerRig(t, false, false)
	r.s.CapErr = errors.New("HTTP 503: capacity service down")
	r.do(r.press("c")) // on the provider row: no facility filter
	if open, _ := r.p.CapacityOpen(); !open || !strings.Contains(r.p.View(), "capacity service down") {
		t.Fatalf("error not shown:\n%s", r.p.View())
	}
	r.s.CapErr = nil
	r.do(r.press("c"))
	if _, cs := r.p.CapacityOpen(); len(cs) != 4 || strings.Contains(r.p.View(), "service down") {
		t.Errorf("reload: %d rows\n%s", len(cs), r.p.View())
	}
}

func TestGoldenCapacity(t *testing.T) {
	r := newServerRig(t, false, false)
	r.p.SetSize(100, 10)
	r.do(r.press("c"))
	golden.RequireEqual(t, []byte(r.p.View()))
}

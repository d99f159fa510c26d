package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
)

// longPlanner plans what the fake world plans, with the body of a real
// Fabric acceptance: the port and the VLAN it sends come last.
type longPlanner struct{ model.ActionPlanner }

func (p longPlanner) Plan(req model.ActionRequest) (model.Action, error) {
	a, err := p.ActionPlanner.Plan(req)
	if err != nil || req.Kind != model.ActionApprove {
		return a, err
	}
	a.HTTP.Body = []byte(`{
  "type": "CONNECTION_CREATION_ACCEPTANCE",
  "data": {
    "zSide": {
      "accessPoint": {
        "type": "COLO",
        "location": {
          "metroCode": "FR"
        },
        "linkProtocol": {
          "type": "DOT1Q",
          "vlanTag": 1140
        },
        "port": {
          "uuid": "c4d9b2a7-0c1e-4f5a-9e7b-2d3c4b5a6f70",
          "name": "FR2-Port-ETH-7"
        },
        "sellerRegion": "eu-central",
        "peeringType": "PRIVATE"
      }
    }
  }
}`)
	return a, nil
}

func longDialogHarness(t *testing.T, w, h int) (*harness, *fake.World) {
	t.Helper()
	world := fake.New("fabric-prod", 60, 6, 1)
	src := world.Source()
	src.Planner = longPlanner{src.Planner}
	hr := newHarnessSources(t, ui.Options{}, src)
	hr.size(w, h)
	hr.keys("2", "a")
	if apprList(hr).Flow.Dialog() == nil {
		t.Fatal("a did not open the dialog")
	}
	return hr, world
}

// Through the root model at 80×24 and 60×20: the request needs scrolling,
// Confirm is refused until its end was shown, and everything is reachable.
func TestDialogScrollsAndGatesThroughTheApp(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h, world := longDialogHarness(t, sz[0], sz[1])
			d := apprList(h).Flow.Dialog
			v := h.view()
			if strings.Contains(v, "FR2-Port-ETH-7") || !strings.Contains(v, "scroll to the end to enable Confirm") {
				t.Fatalf("the test needs a request that does not fit:\n%s", v)
			}
			h.keys("tab", "enter")
			if len(world.Calls()) != 0 || d() == nil {
				t.Fatalf("confirmed without the end shown: %d calls", len(world.Calls()))
			}
			var seen strings.Builder
			for i := 0; i < 60 && !d().SeenWhole(); i++ {
				h.keys("down")
				// Wrapped lines join up once spaces, borders and line
				// breaks are gone.
				seen.WriteString(strings.NewReplacer(" ", "", "│", "", "\n", "").Replace(h.view()) + "\n")
			}
			for _, s := range []string{`"vlanTag":1140`, "FR2-Port-ETH-7", "c4d9b2a7-0c1e-4f5a-9e7b-2d3c4b5a6f70", `"peeringType":"PRIVATE"`} {
				if !strings.Contains(seen.String(), s) {
					t.Errorf("%s never shown", s)
				}
			}
			if d() == nil || !d().FocusOnConfirm() {
				t.Fatal("scrolling lost the dialog or its focus")
			}
			h.keys("enter")
			if n := len(world.Calls()); n != 1 {
				t.Fatalf("end shown, enter: %d calls", n)
			}
		})
	}
}

// j/k and several of them at once scroll the dialog (no input has focus).
func TestDialogScrollsWithRunes(t *testing.T) {
	h, world := longDialogHarness(t, 80, 24)
	h.send(runes("jjj"))
	if off, _ := apprList(h).Flow.Dialog().Scroll(); off != 3 {
		t.Fatalf("jjj: offset %d, want 3", off)
	}
	h.send(runes("kG")) // G is bound to nothing here
	if off, _ := apprList(h).Flow.Dialog().Scroll(); off != 2 {
		t.Fatalf("k: offset %d, want 2", off)
	}
	if len(world.Calls()) != 0 {
		t.Fatal("sent")
	}
}

func TestGoldenDialog80x24Top(t *testing.T) {
	h, _ := longDialogHarness(t, 80, 24)
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenDialog80x24End(t *testing.T) {
	h, _ := longDialogHarness(t, 80, 24)
	h.keys("end", "tab")
	golden.RequireEqual(t, []byte(h.view()))
}

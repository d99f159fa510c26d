package confirm

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/styles"
)

// landing is a choice of ports, each with a suggested VLAN and the VLANs
// in use, re-planned like the Fabric acceptance.
func landingDialog(t *testing.T) (Model, *[]string) {
	t.Helper()
	st := styles.New(styles.DefaultTheme())
	ports := []string{"AM-1", "AM-2", "AM-3"}
	suggested := []string{"2", "7", "3"}
	used := map[string]bool{"AM-2/5": true}
	var plans []string
	replan := func(reason, v string, i int) (model.Action, error) {
		plans = append(plans, ports[i]+"/"+v)
		if used[ports[i]+"/"+v] {
			return model.Action{}, fmt.Errorf("VLAN %s is already in use on port %s: choose another", v, ports[i])
		}
		if strings.Trim(v, "0123456789") != "" || v == "" {
			return model.Action{}, errors.New("VLAN " + v + " is not a number")
		}
		return model.Action{Title: "Approve", HTTP: model.HTTPRequest{Method: "POST", Path: "/c/1/actions",
			Body: []byte(`{"port": "` + ports[i] + `", "vlan": ` + v + `}`)}}, nil
	}
	base, _ := replan("", "2", 0)
	plans = nil
	m := New(base, "t", nil, st).WithParam("VLAN", "", func(string, string) (model.Action, error) {
		t.Fatal("the param's own replan is replaced by the choice's")
		return model.Action{}, nil
	}).WithChoice(Choice{
		Label: "Port", Options: []string{"AM-1 · 10G", "AM-2 · 10G", "AM-3 · 1G"}, Selected: 0,
		ParamFor: func(i, prev int, cur string) string {
			if prev < 0 || cur == suggested[prev] {
				return suggested[i]
			}
			return cur
		},
		Warn: func(i int, v string) string {
			if v == "3" {
				return "IPAM block 10.0.0.0/24 carries VLAN 3"
			}
			return ""
		},
	}, replan)
	return m, &plans
}

func TestChoiceMovesReplansAndFillsParam(t *testing.T) {
	m, plans := landingDialog(t)
	if m.Param() != "2" || m.Choice() != 0 || len(*plans) != 1 {
		t.Fatalf("initial param %q choice %d plans %v", m.Param(), m.Choice(), *plans)
	}
	m, _ = keys(m, "down")
	if m.Choice() != 1 || m.Param() != "7" || !strings.Contains(string(m.Action().HTTP.Body), `"AM-2", "vlan": 7`) {
		t.Fatalf("after down: choice %d param %q body %s", m.Choice(), m.Param(), m.Action().HTTP.Body)
	}
	if v := m.View(100, 40); !strings.Contains(v, "▸ AM-2 · 10G") {
		t.Errorf("pick not marked:\n%s", v)
	}
	// Type a VLAN of one's own: moving the pick keeps it.
	m, _ = keys(m, "ctrl+n", "backspace", "5")
	if m.PlanError() == "" || !strings.Contains(m.View(100, 40), "already in use on port AM-2") {
		t.Fatalf("clash not refused: %q", m.PlanError())
	}
	if m, out := keys(m, "end", "tab", "enter"); out != Open || !strings.Contains(m.View(100, 40), "cannot confirm") {
		t.Fatalf("clash confirmed: %v", out)
	}
	m, _ = keys(m, "ctrl+p", "down")
	if m.Choice() != 2 || m.Param() != "5" || m.PlanError() != "" || !strings.Contains(string(m.Action().HTTP.Body), `"AM-3", "vlan": 5`) {
		t.Fatalf("after moving to AM-3: choice %d param %q err %q body %s", m.Choice(), m.Param(), m.PlanError(), m.Action().HTTP.Body)
	}
	m, _ = keys(m, "ctrl+n", "backspace", "3")
	if w := m.Warning(); w == "" || !strings.Contains(m.View(100, 40), "⚠ IPAM block 10.0.0.0/24") {
		t.Fatalf("warning not shown: %q", w)
	}
	if _, out := keys(m, "end", "tab", "enter"); out != Confirmed {
		t.Fatalf("a warning must not block: %v", out)
	}
}

func TestTypingOnChoiceGoesToParam(t *testing.T) {
	m, _ := landingDialog(t)
	m, _ = keys(m, "9")
	if m.Param() != "29" || m.Choice() != 0 || !strings.Contains(string(m.Action().HTTP.Body), `"vlan": 29`) {
		t.Fatalf("param %q choice %d body %s", m.Param(), m.Choice(), m.Action().HTTP.Body)
	}
	// Now on the input: up/down scroll again, the pick stays.
	m, _ = keys(m, "down")
	if m.Choice() != 0 {
		t.Fatal("down moved the pick from the input")
	}
}

func TestChoiceWrapsAndScrollsWindow(t *testing.T) {
	m, _ := landingDialog(t)
	m, _ = keys(m, "up")
	if m.Choice() != 2 {
		t.Fatalf("up from the first = %d, want the last", m.Choice())
	}
	// pgdown still scrolls the request, not the pick.
	m, _ = keys(m, "pgdown")
	if m.Choice() != 2 {
		t.Fatalf("pgdown moved the pick")
	}
}

package provision

import (
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/model/modeltest"
)

// wireKeep leaves numbers and prefixes alone, so that poisoned blocks can
// still be placed.
func wireKeep(_, v string) bool {
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return true
	}
	_, err := netip.ParsePrefix(v)
	return err == nil
}

// TestAdaptSanitisesEveryString poisons every string of the block fixture,
// a utilization answer and a mask report with terminal escapes and checks
// the adapter on its own returns nothing a terminal would interpret.
func TestAdaptSanitisesEveryString(t *testing.T) {
	raw, err := modeltest.InjectJSON([]byte(fixtureBlocks), wireKeep)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := phpList[Block](raw)
	if err != nil {
		t.Fatal(err)
	}
	ad := newAdapter("ipam", 0)
	var got []any
	for i := range ws {
		b, err := ad.block(&ws[i])
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b)
	}
	if len(got) == 0 || !strings.Contains(got[1].(model.Block).ResourceName, "␛]52;c;") {
		t.Fatalf("the escapes did not arrive (as pictures): %+v", got)
	}
	util, err := modeltest.InjectJSON([]byte(`{"success":1,"totalHosts":"256","hostsAssigned":"16",
		"resources":[{"id":"7","name":"Bluepeak","type":"entry","hosts":"16","blocks":"1","percentage":"6.25"}]}`), wireKeep)
	if err != nil {
		t.Fatal(err)
	}
	var hu HostUtilization
	if err := json.Unmarshal(util, &hu); err != nil {
		t.Fatal(err)
	}
	got = append(got, ad.utilization(model.IPv4, hu))
	masks, err := modeltest.InjectJSON([]byte(`{"IPv4":{"total":"256","prefixes":{"24":{"total":"256"}}}}`), wireKeep)
	if err != nil {
		t.Fatal(err)
	}
	var mr MaskReport
	if err := json.Unmarshal(masks, &mr); err != nil {
		t.Fatal(err)
	}
	got = append(got, ad.maskReport(mr))
	for i, v := range got {
		if bad := modeltest.Dirty(v); len(bad) > 0 {
			t.Errorf("result %d (%T): unclean fields: %s", i, v, strings.Join(bad, ", "))
		}
	}
}

package sim

import "testing"

func TestServiceVLANStableAndInRange(t *testing.T) {
	seen := map[int]bool{}
	for i := 0; i < 500; i++ {
		v := ServiceVLAN(1, "AM", i)
		if v < 100 || v > 3999 {
			t.Fatalf("vlan %d out of range", v)
		}
		if ServiceVLAN(1, "AM", i) != v {
			t.Fatal("not stable")
		}
		seen[v] = true
	}
	if len(seen) < 400 {
		t.Fatalf("only %d distinct tags for 500 companies", len(seen))
	}
	if ServiceVLAN(1, "AM", 3) == ServiceVLAN(2, "AM", 3) && ServiceVLAN(1, "FR", 3) == ServiceVLAN(2, "FR", 3) {
		t.Fatal("seed does not matter")
	}
}

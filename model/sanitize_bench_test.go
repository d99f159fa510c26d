package model_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
)

// BenchmarkSanitizeConnections is the boundary's cost on a clean listing
// (the common case: no allocation) of 10k connections with 1.5 KB raw
// objects.
func BenchmarkSanitizeConnections(b *testing.B) {
	raw := json.RawMessage(`{"uuid":"u","name":"Conn-AMS-1","bandwidth":1000,"aSide":{"accessPoint":{"port":{"name":"et-0/0/1"}}},"notes":"` + strings.Repeat("Zürich x ", 150) + `"}`)
	cs := make([]model.Connection, 10000)
	for i := range cs {
		cs[i] = model.Connection{Provider: "fabric-prod", ProviderKind: "fabric", ID: fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i),
			Name: fmt.Sprintf("Conn-AMS-%d", i), Type: "EVPL_VC", State: model.StateActive, RawState: "ACTIVE", Status: "PROVISIONED",
			A: model.Endpoint{Type: "COLO", Name: "port", PortName: "et-0/0/1", Metro: "AM", Account: "Bluepeak Networks"},
			Z: model.Endpoint{Type: "SP", Name: "aws-profile", Metro: "FR"}, Raw: raw}
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(cs) * len(raw)))
	for b.Loop() {
		model.SanitizeConnections(cs)
	}
}

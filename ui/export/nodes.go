package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// NodeRow is one inventory object and where it sits in its tree (the
// labels of its parents, outermost first).
type NodeRow struct {
	Node model.Node
	Path []string
}

// FlattenNodes walks trees depth first and keeps the nodes keep accepts,
// each with its path. Provider names missing on a node's Ref are filled
// from provider.
func FlattenNodes(provider string, trees []model.Node, keep func(*model.Node) bool) []NodeRow {
	var out []NodeRow
	var walk func(ns []model.Node, path []string)
	walk = func(ns []model.Node, path []string) {
		for i := range ns {
			n := &ns[i]
			if keep(n) {
				row := NodeRow{Node: *n, Path: append([]string(nil), path...)}
				row.Node.Children = nil
				if row.Node.Ref.Provider == "" {
					row.Node.Ref.Provider = provider
				}
				out = append(out, row)
			}
			walk(n.Children, append(path, n.Label))
		}
	}
	walk(trees, nil)
	return out
}

// NodeRecord is the stable JSON shape of one inventory object (ports,
// devices).
type NodeRecord struct {
	Provider string            `json:"provider"`
	Kind     string            `json:"kind"`
	Type     string            `json:"type,omitempty"`
	ID       string            `json:"id"`
	Name     string            `json:"name,omitempty"`
	Label    string            `json:"label"`
	State    string            `json:"state"`
	RawState string            `json:"raw_state,omitempty"`
	Path     []string          `json:"path,omitempty"`
	Fields   map[string]string `json:"fields,omitempty"`
	// LowestRXdBm is the weakest received optical level, when reported.
	LowestRXdBm *float64 `json:"lowest_rx_dbm,omitempty"`
}

// NodeRecordOf converts a row to its export shape.
func NodeRecordOf(r NodeRow) NodeRecord {
	n := r.Node
	rec := NodeRecord{
		Provider: n.Ref.Provider, Kind: n.Kind, Type: n.Ref.Type, ID: n.Ref.ID, Name: n.Ref.Name, Label: n.Label,
		State: string(n.State), RawState: n.RawState, Path: r.Path,
	}
	if len(n.Fields) > 0 {
		rec.Fields = make(map[string]string, len(n.Fields))
		for _, f := range n.Fields {
			if _, dup := rec.Fields[f.Key]; !dup {
				rec.Fields[f.Key] = f.Value
			}
		}
	}
	if v, ok := n.Light.LowestRX(); ok {
		rec.LowestRXdBm = &v
	}
	return rec
}

// fieldsText is "k=v; k=v" in the provider's order.
func fieldsText(n model.Node) string {
	parts := make([]string, 0, len(n.Fields))
	for _, f := range n.Fields {
		parts = append(parts, f.Key+"="+f.Value)
	}
	return strings.Join(parts, "; ")
}

// Nodes writes inventory objects in format ("table", "json" or "csv").
func Nodes(w io.Writer, format string, rows []NodeRow) error {
	switch format {
	case "json":
		return writeJSON(w, rows, NodeRecordOf)
	case "csv":
		cw := newCSV(w)
		cw.write([]string{"provider", "kind", "type", "id", "name", "label", "state", "raw_state", "path", "lowest_rx_dbm", "fields"})
		for _, r := range rows {
			rec := NodeRecordOf(r)
			cw.write([]string{rec.Provider, rec.Kind, rec.Type, rec.ID, rec.Name, rec.Label, rec.State, rec.RawState,
				strings.Join(rec.Path, " > "), dbm(rec.LowestRXdBm), fieldsText(r.Node)})
		}
		return cw.flush()
	case "table", "":
		tw := newTable(w)
		tw.row("PROVIDER", "ID", "NAME", "STATE", "WHERE", "DETAILS")
		for _, r := range rows {
			rec := NodeRecordOf(r)
			tw.row(rec.Provider, rec.ID, firstNonEmpty(rec.Name, rec.Label), rec.State, strings.Join(rec.Path, " > "), tableDetails(r.Node))
		}
		return tw.flush()
	default:
		return fmt.Errorf("unknown output format %q (one of %s)", format, strings.Join(Formats, ", "))
	}
}

// tableDetails is the fields a table row has room for: the common ones
// first, at most four.
func tableDetails(n model.Node) string {
	pref := []string{"speed", "used bandwidth", "available bandwidth", "encapsulation", "plan", "facility", "network type", "vlan"}
	var parts []string
	seen := map[string]bool{}
	for _, k := range pref {
		for _, f := range n.Fields {
			if f.Key == k && !seen[k] && len(parts) < 4 {
				parts = append(parts, f.Key+" "+f.Value)
				seen[k] = true
			}
		}
	}
	if v, ok := n.Light.LowestRX(); ok {
		parts = append(parts, "rx "+strconv.FormatFloat(v, 'f', 1, 64)+" dBm")
	}
	return strings.Join(parts, ", ")
}

func dbm(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

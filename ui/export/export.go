// Package export writes connections for scripts and files: an aligned text
// table, JSON (an array of objects) or CSV. It is used by `noctop get` and by
// the dashboard's export key, so both print the same fields.
package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/noctop/noctop/model"
)

// Formats lists the accepted -o values.
var Formats = []string{"table", "json", "csv"}

// ConnectionRecord is the stable JSON shape of one connection.
type ConnectionRecord struct {
	Provider      string `json:"provider"`
	ProviderKind  string `json:"provider_kind"`
	ID            string `json:"id"`
	Name          string `json:"name"`
	Type          string `json:"type"`
	State         string `json:"state"`
	RawState      string `json:"raw_state"`
	Status        string `json:"status,omitempty"`
	BandwidthMbps int64  `json:"bandwidth_mbps"`
	ASide         Side   `json:"a_side"`
	ZSide         Side   `json:"z_side"`
	VLANs         string `json:"vlans,omitempty"`
	Pending       string `json:"pending_change,omitempty"` // creation | update | deletion
	WaitingOnUs   bool   `json:"waiting_on_us,omitempty"`
	Created       string `json:"created,omitempty"`
	Updated       string `json:"updated,omitempty"`
}

// Side is one end of a connection in exports.
type Side struct {
	Type  string `json:"type,omitempty"`
	Name  string `json:"name,omitempty"`
	Port  string `json:"port,omitempty"`
	Metro string `json:"metro,omitempty"`
	VLANs []int  `json:"vlans,omitempty"`
}

func side(e model.Endpoint) Side {
	return Side{Type: e.Type, Name: e.Name, Port: firstNonEmpty(e.PortName, e.PortID), Metro: e.Metro, VLANs: e.VLANs}
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Record converts a connection to its export shape.
func Record(c model.Connection) ConnectionRecord {
	r := ConnectionRecord{
		Provider: c.Provider, ProviderKind: c.ProviderKind, ID: c.ID, Name: c.Name, Type: c.Type,
		State: string(c.State), RawState: c.RawState, Status: c.Status, BandwidthMbps: c.BandwidthMbps,
		ASide: side(c.A), ZSide: side(c.Z), VLANs: c.VLANString(),
		Created: stamp(c.Created), Updated: stamp(c.Updated),
	}
	if c.Pending != nil {
		r.Pending, r.WaitingOnUs = string(c.Pending.Kind), c.Pending.WaitingOnUs
	}
	return r
}

// Connections writes conns in format ("table", "json" or "csv").
func Connections(w io.Writer, format string, conns []model.Connection) error {
	switch format {
	case "json":
		return writeJSON(w, conns, Record)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(csvHeader)
		for _, c := range conns {
			_ = cw.Write(csvRow(Record(c)))
		}
		cw.Flush()
		return cw.Error()
	case "table", "":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PROVIDER\tID\tNAME\tSTATE\tRAW STATE\tBW\tA-SIDE\tZ-SIDE\tVLAN\tPENDING")
		for _, c := range conns {
			r := Record(c)
			pending := r.Pending
			if r.WaitingOnUs {
				pending += " (waiting on us)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Provider, r.ID, clean(r.Name), r.State, r.RawState,
				model.FormatMbps(r.BandwidthMbps), clean(sideLabel(r.ASide)), clean(sideLabel(r.ZSide)), r.VLANs, pending)
		}
		return tw.Flush()
	default:
		return fmt.Errorf("unknown output format %q (one of %s)", format, strings.Join(Formats, ", "))
	}
}

// writeJSON writes items as an indented JSON array of their export records
// (always an array, "[]" when empty).
func writeJSON[T, R any](w io.Writer, items []T, record func(T) R) error {
	recs := make([]R, len(items))
	for i, it := range items {
		recs[i] = record(it)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(recs)
}

var csvHeader = []string{"provider", "provider_kind", "id", "name", "type", "state", "raw_state", "status", "bandwidth_mbps",
	"a_port", "a_metro", "z_name", "z_port", "z_metro", "vlans", "pending_change", "waiting_on_us", "created", "updated"}

func csvRow(r ConnectionRecord) []string {
	return []string{r.Provider, r.ProviderKind, r.ID, r.Name, r.Type, r.State, r.RawState, r.Status,
		strconv.FormatInt(r.BandwidthMbps, 10), r.ASide.Port, r.ASide.Metro, r.ZSide.Name, r.ZSide.Port, r.ZSide.Metro,
		r.VLANs, r.Pending, strconv.FormatBool(r.WaitingOnUs), r.Created, r.Updated}
}

func sideLabel(s Side) string {
	parts := []string{}
	for _, p := range []string{firstNonEmpty(s.Port, s.Name), s.Metro} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "@")
}

// clean keeps provider-supplied text from breaking the table (tabs, newlines,
// terminal escape sequences).
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// Package export writes connections for scripts and files: an aligned text
// table, JSON (an array of objects) or CSV. It is used by `noctop get` and by
// the dashboard's export key, so both print the same fields.
//
// Whatever a provider put in a field, the output cannot drive a terminal it
// is printed on, nor a spreadsheet it is opened in:
//   - table: every cell goes through model.SafeText, like every TUI cell;
//   - CSV: every cell goes through model.SafeText, and a cell that starts
//     with = + - @ (after any spaces) gets a leading single quote, as OWASP
//     recommends against formula injection, so a spreadsheet shows it as
//     text;
//   - JSON: values stay exact, but the output is valid UTF-8 (invalid bytes
//     become U+FFFD) and every character a terminal could interpret (C0 and
//     C1 controls, DEL, bidi controls) is written as a \u escape.
package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

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
		cw := newCSV(w)
		cw.write(csvHeader)
		for _, c := range conns {
			cw.write(csvRow(Record(c)))
		}
		return cw.flush()
	case "table", "":
		tw := newTable(w)
		tw.row("PROVIDER", "ID", "NAME", "STATE", "RAW STATE", "BW", "A-SIDE", "Z-SIDE", "VLAN", "PENDING")
		for _, c := range conns {
			r := Record(c)
			pending := r.Pending
			if r.WaitingOnUs {
				pending += " (waiting on us)"
			}
			tw.row(r.Provider, r.ID, r.Name, r.State, r.RawState, model.FormatMbps(r.BandwidthMbps),
				sideLabel(r.ASide), sideLabel(r.ZSide), r.VLANs, pending)
		}
		return tw.flush()
	default:
		return fmt.Errorf("unknown output format %q (one of %s)", format, strings.Join(Formats, ", "))
	}
}

// writeJSON writes items as an indented JSON array of their export records
// (always an array, "[]" when empty), one record encoded at a time, with
// the characters a terminal could interpret escaped (escapeTerminal).
func writeJSON[T, R any](w io.Writer, items []T, record func(T) R) error {
	if len(items) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("[\n  ")
	var buf []byte
	for i, it := range items {
		b, err := json.MarshalIndent(record(it), "  ", "  ")
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteString(",\n  ")
		}
		buf = escapeTerminal(buf[:0], b)
		bw.Write(buf)
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// escapeTerminal appends b (encoded JSON) to dst with every DEL, C1
// control, bidi control and line/paragraph separator written as a \u
// escape. encoding/json already escapes C0 controls and replaces invalid
// UTF-8; outside strings JSON is ASCII, so every such rune sits inside a
// string, where the escape means the same character: the data stays exact.
func escapeTerminal(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		if c := b[i]; c < 0x7f {
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1: // cannot come out of encoding/json; still never raw
			dst = append(dst, `\ufffd`...)
		case r == 0x7f || model.SafeText(string(r)) != string(r):
			dst = fmt.Appendf(dst, `\u%04x`, r)
		default:
			dst = append(dst, b[i:i+n]...)
		}
		i += n
	}
	return dst
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

// table writes aligned columns; every cell goes through model.SafeText
// (which also keeps tabs and newlines from breaking the alignment).
type table struct {
	tw  *tabwriter.Writer
	buf []byte
}

func newTable(w io.Writer) *table {
	return &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
}

func newTableRight(w io.Writer) *table {
	return &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)}
}

func (t *table) row(cells ...string) {
	t.buf = t.buf[:0]
	for i, c := range cells {
		if i > 0 {
			t.buf = append(t.buf, '\t')
		}
		t.buf = append(t.buf, model.SafeText(c)...)
	}
	t.buf = append(t.buf, '\n')
	t.tw.Write(t.buf)
}

// rowTerminated is row for a right-aligned table: with AlignRight a cell
// is only aligned when a tab ends it.
func (t *table) rowTerminated(cells ...string) { t.row(append(cells, "")...) }

func (t *table) flush() error { return t.tw.Flush() }

// csvWriter writes CSV records whose cells are safe (SafeCSVCell).
type csvWriter struct {
	cw   *csv.Writer
	cell []string
	err  error
}

func newCSV(w io.Writer) *csvWriter { return &csvWriter{cw: csv.NewWriter(w)} }

func (c *csvWriter) write(rec []string) {
	c.cell = c.cell[:0]
	for _, s := range rec {
		c.cell = append(c.cell, SafeCSVCell(s))
	}
	if err := c.cw.Write(c.cell); err != nil && c.err == nil {
		c.err = err
	}
}

func (c *csvWriter) flush() error {
	c.cw.Flush()
	if c.err != nil {
		return c.err
	}
	return c.cw.Error()
}

// SafeCSVCell is s made safe for a CSV cell: model.SafeText (no terminal
// controls; tabs, CR and newlines become spaces), then, when the cell
// starts with = + - or @ (after leading spaces, which spreadsheets skip),
// a leading single quote so that a spreadsheet shows it as text and never
// evaluates it (OWASP's advice against CSV injection).
func SafeCSVCell(s string) string {
	s = model.SafeText(s)
	if t := strings.TrimLeft(s, " "); t != "" && strings.ContainsRune("=+-@", rune(t[0])) {
		return "'" + s
	}
	return s
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/model/modeltest"
)

// These tests give the writers model data that was not sanitised at the
// boundary: they must make it safe on their own.

func hostileConnections() []model.Connection {
	var c model.Connection
	modeltest.Fill(&c)
	c.Name = "=HYPERLINK(\"http://x\")" + modeltest.Hostile // a formula too
	c.BandwidthMbps = 1000
	return []model.Connection{c}
}

func hostileBlocks() []model.Block {
	var b model.Block
	modeltest.Fill(&b)
	b.Prefix = netip.MustParsePrefix("10.0.0.0/24")
	b.Description = "@SUM(1+1)*cmd|' /C calc'!A0"
	return []model.Block{b}
}

// terminalSafeOutput fails when out carries anything but text, newlines
// and (JSON) whitespace a terminal would not interpret.
func terminalSafeOutput(t *testing.T, what string, out []byte) {
	t.Helper()
	if i := modeltest.FirstControl(string(out), true); i >= 0 {
		t.Errorf("%s: a control reaches the terminal at byte %d: …%q…", what, i, out[max(i-30, 0):min(i+10, len(out))])
	}
	if bytes.ContainsAny(out, "\x1b\x07\r\t") {
		t.Errorf("%s: raw ESC, BEL, CR or tab in the output", what)
	}
}

func TestTableAndCSVOfHostileData(t *testing.T) {
	for _, format := range []string{"table", "csv"} {
		var b bytes.Buffer
		if err := Connections(&b, format, hostileConnections()); err != nil {
			t.Fatal(err)
		}
		terminalSafeOutput(t, "connections "+format, b.Bytes())
		if !strings.Contains(b.String(), "␛]52;c;") {
			t.Errorf("connections %s: the escapes are not shown as pictures:\n%s", format, b.String())
		}
		b.Reset()
		if err := Blocks(&b, format, hostileBlocks()); err != nil {
			t.Fatal(err)
		}
		terminalSafeOutput(t, "blocks "+format, b.Bytes())
	}
	var u model.Utilization
	modeltest.Fill(&u)
	var b bytes.Buffer
	if err := Utilization(&b, "table", []model.Utilization{u}); err != nil {
		t.Fatal(err)
	}
	terminalSafeOutput(t, "utilization table", b.Bytes())
}

// TestCSVCellsCannotBeFormulas reads the CSV back: every cell is the
// cleaned text, and none starts (after spaces) with = + - @.
func TestCSVCellsCannotBeFormulas(t *testing.T) {
	var b bytes.Buffer
	if err := Connections(&b, "csv", hostileConnections()); err != nil {
		t.Fatal(err)
	}
	if err := Blocks(&b, "csv", hostileBlocks()); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&b)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("rows %d, err %v", len(rows), err)
	}
	quoted := 0
	for _, row := range rows {
		for _, cell := range row {
			if c := strings.TrimLeft(cell, " "); c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Errorf("cell %q can be evaluated as a formula", cell)
			}
			if strings.HasPrefix(cell, "'") {
				quoted++
			}
		}
	}
	if quoted != 2 {
		t.Errorf("%d cells were quoted, want the connection name and the block description", quoted)
	}
}

func TestSafeCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                     "plain",
		"":                          "",
		"a=b":                       "a=b",
		"=1+1":                      "'=1+1",
		"+1":                        "'+1",
		"-2":                        "'-2",
		"@SUM(A1)":                  "'@SUM(A1)",
		"  =cmd|' /C calc'!A0":      "'  =cmd|' /C calc'!A0",
		"\t=1":                      "' =1", // tab: a space, then the formula is quoted
		"\r-1":                      "' -1",
		"x\ny":                      "x y",
		"\x1b]0;t\x07":              "␛]0;t␇",
		"Zürich":                    "Zürich",
		"=\u009b\u202eevil\xff\x7f": "'=\uFFFD\uFFFDevil\uFFFD␡",
	} {
		if got := SafeCSVCell(in); got != want {
			t.Errorf("SafeCSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJSONIsExactButTerminalSafe: no raw ESC (or other control) in the
// bytes, valid UTF-8, and every value decodes back exactly (invalid UTF-8
// as U+FFFD).
func TestJSONIsExactButTerminalSafe(t *testing.T) {
	cs := hostileConnections()
	var b bytes.Buffer
	if err := Connections(&b, "json", cs); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if bytes.IndexByte(out, 0x1b) >= 0 {
		t.Fatal("a raw ESC in the JSON output")
	}
	terminalSafeOutput(t, "json", out)
	if !bytes.Contains(out, []byte(`\u009b`)) || !bytes.Contains(out, []byte(`\u202e`)) || !bytes.Contains(out, []byte(`\u007f`)) {
		t.Errorf("C1, bidi or DEL not escaped:\n%s", out)
	}
	var got []ConnectionRecord
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := Record(cs[0])
	valid := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	rv := reflect.ValueOf(&want).Elem()
	for i := 0; i < rv.NumField(); i++ {
		if f := rv.Field(i); f.Kind() == reflect.String {
			f.SetString(valid(f.String()))
		}
	}
	for _, s := range []*Side{&want.ASide, &want.ZSide} {
		s.Type, s.Name, s.Port, s.Metro = valid(s.Type), valid(s.Name), valid(s.Port), valid(s.Metro)
	}
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("JSON is not exact:\n got %+v\nwant %+v", got[0], want)
	}
	b.Reset()
	if err := Blocks(&b, "json", hostileBlocks()); err != nil {
		t.Fatal(err)
	}
	terminalSafeOutput(t, "blocks json", b.Bytes())
	var blocks []BlockRecord
	if err := json.Unmarshal(b.Bytes(), &blocks); err != nil || len(blocks) != 1 || blocks[0].Region != valid(modeltest.Hostile) {
		t.Errorf("blocks JSON: %v %+v", err, blocks)
	}
}

// TestJSONFormatUnchanged: streaming one record at a time writes what one
// indented encoding of the whole array wrote.
func TestJSONFormatUnchanged(t *testing.T) {
	cs := append(sample(), sample()...)
	cs[1].ID = "c-2 <&>"
	var b bytes.Buffer
	if err := Connections(&b, "json", cs); err != nil {
		t.Fatal(err)
	}
	recs := []ConnectionRecord{Record(cs[0]), Record(cs[1])}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(recs); err != nil {
		t.Fatal(err)
	}
	if b.String() != want.String() {
		t.Errorf("format changed:\n got %s\nwant %s", b.String(), want.String())
	}
}

package connections

import (
	"context"
	"encoding/json"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/widgets/detail"
)

// The detail view's API fields. A provider may list connections without
// the object each was decoded from (Fabric keeps none at 100k
// connections: that is most of its memory); the detail view then reads
// the one it shows through the provider's ConnectionReader, in a command,
// and shows what model.Connection has until it arrives. The read changes
// nothing and is not merged into the shared listing.

// RawReadTimeout bounds the detail view's read of one connection.
var RawReadTimeout = 30 * time.Second

// rawRead is the detail view's read of its connection's API object.
type rawRead struct {
	key string // model.Connection.Key of the connection read ("": none)
	seq int
	raw json.RawMessage // nil until read
	err error
}

type rawReadMsg struct {
	owner *Model
	key   string
	seq   int
	raw   json.RawMessage
	err   error
}

// readRaw starts reading c's API object when the listing came without it
// and its provider can read one connection (nil otherwise).
func (m *Model) readRaw(c model.Connection) tea.Cmd {
	if len(c.Raw) > 0 {
		return nil
	}
	src, ok := m.ctx.Source(c.Provider)
	if !ok || src.Connection == nil {
		return nil
	}
	m.rawSeq++
	seq, key, reader, id := m.rawSeq, c.Key(), src.Connection, c.ID
	m.raw = rawRead{key: key, seq: seq}
	ctx, cancel := context.WithTimeout(m.ctx.Background(), RawReadTimeout)
	return func() (msg tea.Msg) {
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				msg = rawReadMsg{owner: m, key: key, seq: seq, err: errRecovered}
			}
		}()
		got, err := reader.Connection(ctx, id)
		return rawReadMsg{owner: m, key: key, seq: seq, raw: got.Raw, err: err}
	}
}

type recoveredError struct{}

func (recoveredError) Error() string { return "internal error while reading (recovered)" }

var errRecovered error = recoveredError{}

// rawArrived shows a read's result, if it is the detail view's latest.
func (m *Model) rawArrived(msg rawReadMsg) {
	if msg.owner != m || msg.seq != m.raw.seq || m.detail == nil || m.detail.Conn().Key() != msg.key {
		return // superseded, or the view closed or moved on
	}
	m.raw.raw, m.raw.err = msg.raw, msg.err
	if msg.err == nil && len(msg.raw) == 0 {
		m.raw.raw = json.RawMessage{} // read, and there is none
	}
	c := m.detail.Conn()
	c.Raw = nil // the listing's value: detailOf applies the read
	off := m.detail.Offset()
	m.detail = m.detailOf(c)
	m.detail.MoveTo(off)
}

// detailOf is the detail view of c, with the API object read for it
// when the listing has none.
func (m *Model) detailOf(c model.Connection) *detail.Model {
	note := ""
	if len(c.Raw) == 0 && m.raw.key == c.Key() {
		switch {
		case len(m.raw.raw) > 0:
			c.Raw = m.raw.raw
		case m.raw.err != nil:
			note = "could not read the API object from " + c.Provider + ": " + model.ErrorSummary(m.raw.err)
		case m.raw.raw == nil:
			note = "reading the API object from " + c.Provider + "…"
		}
	}
	d := detail.NewWithNote(c, m.now(), m.ctx.Styles, m.decideHint(c), note)
	d.SetSize(m.w, max(m.h-1, 0))
	return &d
}

package traffic

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/errtext"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/widgets/graph"
	"github.com/noctop/noctop/ui/widgets/list"
	"github.com/noctop/noctop/ui/widgets/vtable"
)

// Peer list columns.
const (
	PeerASN = iota
	PeerName
	PeerIPv4
	PeerIPv6
	PeerMAC
	PeerAvgIn
	PeerAvgOut
)

var peerCols = []struct {
	name   string
	kind   model.ColumnKind
	layout vtable.Column
}{
	{"ASN", model.ColNumber, vtable.Column{Min: 7, Max: 12, Priority: 9, Right: true}},
	{"NAME", model.ColText, vtable.Column{Min: 10, Max: 32, Flex: 2, Priority: 8}},
	{"IPV4", model.ColText, vtable.Column{Min: 9, Max: 15, Priority: 6}},
	{"IPV6", model.ColText, vtable.Column{Min: 10, Max: 39, Flex: 1, Priority: 3}},
	{"MAC", model.ColText, vtable.Column{Min: 17, Max: 17, Priority: 4}},
	{"AVG IN", model.ColNumber, vtable.Column{Min: 10, Max: 10, Priority: 7, Right: true}},
	{"AVG OUT", model.ColNumber, vtable.Column{Min: 10, Max: 10, Priority: 7, Right: true}},
}

// MaxCompare is how many peers one plot compares (one line style each).
var MaxCompare = len(graph.Styles)

// peerView lists the peers of one network service config.
type peerView struct {
	vid    int64
	config Target
	ctx    *pane.Context

	table  *model.Table
	view   vtable.Model
	marked map[string]bool
	order  []string // marking order, so the plot legend follows it

	loading   bool
	seq       uint64
	cancel    context.CancelFunc
	err       error
	fetchedAt time.Time

	input list.Filter // the shared "/" input
	w, h  int
}

func newPeerView(id int64, config Target, ctx *pane.Context) *peerView {
	cols := make([]model.Column, len(peerCols))
	vcols := make([]vtable.Column, len(peerCols))
	for i, c := range peerCols {
		cols[i] = model.Column{Name: c.name, Kind: c.kind}
		vcols[i] = c.layout
		vcols[i].Title = c.name
	}
	t := model.NewTable(cols)
	t.SetSort(PeerAvgIn, true) // the busiest peers first
	return &peerView{vid: id, config: config, ctx: ctx, table: t, view: vtable.New(vcols, ctx.Styles),
		marked: map[string]bool{}, input: list.NewFilter("text  asn=64500  !negate")}
}

func (v *peerView) id() int64 { return v.vid }

func (v *peerView) close() {
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	v.loading = false
}

func (v *peerView) setSize(w, h int) {
	v.w, v.h = w, h
	v.view.SetSize(w, max(h-1, 0))
	v.input.SetWidth(max(w-40, 10))
}

// Table exposes the sorted, filtered peers (tests).
func (v *peerView) Table() *model.Table { return v.table }

// peersMsg carries one peer list back to Update.
type peersMsg struct {
	view  int64
	seq   uint64
	peers []model.Peer
	err   error
	at    time.Time
}

func (p *Pane) fetchPeers(v *peerView) tea.Cmd {
	src, ok := p.source(v.config.Source)
	if v.cancel != nil {
		v.cancel()
	}
	v.seq++
	if !ok || src.Peers == nil {
		v.err = fmt.Errorf("%s cannot list peers: %w", v.config.Source, model.ErrUnsupported)
		return nil
	}
	v.loading = true
	ctx, cancel := context.WithTimeout(p.storeCtx(), FetchTimeout)
	v.cancel = cancel
	ps, ref, view, seq, now := src.Peers, v.config.Ref, v.vid, v.seq, p.now
	return func() tea.Msg {
		defer cancel()
		peers, err := safePeers(ctx, ps, ref)
		return peersMsg{view: view, seq: seq, peers: peers, err: err, at: now()}
	}
}

func safePeers(ctx context.Context, s model.PeerSource, ref model.Ref) (out []model.Peer, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, errors.New("internal error while listing peers (recovered)")
		}
	}()
	return s.Peers(ctx, ref)
}

func (p *Pane) applyPeers(m peersMsg) {
	var v *peerView
	for _, s := range p.stack {
		if pv, ok := s.(*peerView); ok && pv.vid == m.view {
			v = pv
		}
	}
	if v == nil || m.seq != v.seq || !v.loading {
		return
	}
	v.loading, v.cancel = false, nil
	if m.err != nil {
		if !errors.Is(m.err, context.Canceled) {
			v.err = m.err
		}
		return
	}
	v.err, v.fetchedAt = nil, m.at
	v.setPeers(m.peers)
}

// peerKey identifies a peer: its Ref.ID, or what else makes it unique.
func peerKey(pr model.Peer) string {
	if pr.Ref.ID != "" {
		return pr.Ref.ID
	}
	return fmt.Sprintf("AS%d/%s/%s", pr.ASN, pr.MAC, strings.Join(pr.IPs, ","))
}

// PeerCells renders one peer into the list's columns.
func PeerCells(pr model.Peer) ([]string, []int64) {
	var v4, v6 []string
	for _, ip := range pr.IPs {
		if strings.Contains(ip, ":") {
			v6 = append(v6, ip)
		} else {
			v4 = append(v4, ip)
		}
	}
	asn := ""
	if pr.ASN > 0 {
		asn = "AS" + strconv.FormatInt(pr.ASN, 10)
	}
	cells := []string{asn, pr.Name, strings.Join(v4, " "), strings.Join(v6, " "), pr.MAC,
		model.FormatBits(pr.AvgIn), model.FormatBits(pr.AvgOut)}
	for i := range cells {
		cells[i] = text.Clean(cells[i])
	}
	nums := make([]int64, len(cells))
	nums[PeerASN] = pr.ASN
	nums[PeerAvgIn] = clampInt(pr.AvgIn)
	nums[PeerAvgOut] = clampInt(pr.AvgOut)
	return cells, nums
}

func clampInt(f float64) int64 {
	switch {
	case f != f: // NaN sorts first
		return -1
	case f >= 9e18:
		return 9e18
	case f <= 0:
		return 0
	}
	return int64(f)
}

func (v *peerView) setPeers(peers []model.Peer) {
	sel := ""
	if v.table.Len() > 0 {
		sel = v.table.At(v.view.Cursor()).Key
	}
	rows := make([]*model.Row, 0, len(peers))
	seen := map[string]bool{}
	for i := range peers {
		k := peerKey(peers[i])
		if seen[k] {
			continue
		}
		seen[k] = true
		cells, nums := PeerCells(peers[i])
		pr := peers[i]
		rows = append(rows, model.NewRow(k, cells, nums, &pr))
	}
	for k := range v.marked {
		if !seen[k] {
			delete(v.marked, k)
		}
	}
	kept := v.order[:0]
	for _, k := range v.order {
		if v.marked[k] {
			kept = append(kept, k)
		}
	}
	v.order = kept
	v.table.SetRows(rows)
	v.view.SetContentWidths(vtable.ContentWidths(rows, len(peerCols)))
	v.view.SetLen(v.table.Len())
	if i := v.table.Index(sel); sel != "" && i >= 0 {
		v.view.SetCursor(i)
	}
}

func (v *peerView) selected() (*model.Peer, bool) {
	if v.table.Len() == 0 {
		return nil, false
	}
	pr, ok := v.table.At(v.view.Cursor()).Item.(*model.Peer)
	return pr, ok
}

// markedPeers returns the marked peers in marking order.
func (v *peerView) markedPeers() []model.Peer {
	var out []model.Peer
	for _, k := range v.order {
		if i := v.table.Index(k); i >= 0 {
			out = append(out, *v.table.At(i).Item.(*model.Peer))
		} else {
			for _, r := range v.table.All() {
				if r.Key == k {
					out = append(out, *r.Item.(*model.Peer))
				}
			}
		}
	}
	return out
}

func (v *peerView) toggleMark() tea.Cmd {
	pr, ok := v.selected()
	if !ok {
		return nil
	}
	k := peerKey(*pr)
	if v.marked[k] {
		delete(v.marked, k)
		for i, o := range v.order {
			if o == k {
				v.order = append(v.order[:i], v.order[i+1:]...)
				break
			}
		}
	} else {
		if len(v.order) >= MaxCompare {
			return pane.Toast(fmt.Sprintf("at most %d peers on one plot", MaxCompare), true)
		}
		v.marked[k] = true
		v.order = append(v.order, k)
	}
	v.view.SetCursor(v.view.Cursor() + 1)
	return nil
}

func (v *peerView) setFilter(q string) {
	sel := ""
	if v.table.Len() > 0 {
		sel = v.table.At(v.view.Cursor()).Key
	}
	v.table.SetFilter(q)
	v.view.SetLen(v.table.Len())
	if i := v.table.Index(sel); sel != "" && i >= 0 {
		v.view.SetCursor(i)
	}
}

func (v *peerView) filterKey(msg tea.KeyMsg) tea.Cmd {
	out, q, cmd := v.input.Key(msg)
	switch out {
	case list.Cleared:
		v.setFilter("")
	case list.Typing:
		if q != v.table.Filter().Query {
			v.setFilter(q)
		}
	}
	return cmd
}

func (v *peerView) resort(col int, desc bool) {
	sel := ""
	if v.table.Len() > 0 {
		sel = v.table.At(v.view.Cursor()).Key
	}
	v.table.SetSort(col, desc)
	if i := v.table.Index(sel); sel != "" && i >= 0 {
		v.view.SetCursor(i)
	}
}

func peerLabel(pr model.Peer) string {
	var parts []string
	if pr.ASN > 0 {
		parts = append(parts, "AS"+strconv.FormatInt(pr.ASN, 10))
	}
	if pr.Name != "" {
		parts = append(parts, pr.Name)
	}
	if len(parts) == 0 {
		return peerKey(pr)
	}
	return strings.Join(parts, " ")
}

// peerDecor adapts the list to vtable.Decor: marked peers carry the marker.
type peerDecor struct{ v *peerView }

func (d peerDecor) CellPaint(*model.Row, int) styles.Paint { return styles.Paint{} }
func (d peerDecor) Marked(r *model.Row) bool               { return d.v.marked[r.Key] }
func (d peerDecor) Cell(r *model.Row, col int) string      { return r.Cells[col] }

func (v *peerView) render(spin string) string {
	st := v.ctx.Styles
	var b strings.Builder
	title := st.PaneTitle.Render(fmt.Sprintf("Peers of %s", text.Clean(label(v.config))))
	if v.table.Len() == v.table.Total() {
		title += st.Dim.Render(fmt.Sprintf(" (%d)", v.table.Total()))
	} else {
		title += st.Dim.Render(fmt.Sprintf(" (%d/%d)", v.table.Len(), v.table.Total()))
	}
	if v.input.Opened() {
		title += " " + v.input.View()
	} else if q := v.table.Filter().Query; q != "" {
		title += " " + st.Key.Render("/"+text.Clean(q))
	}
	if n := len(v.order); n > 0 {
		title += "  " + st.Info.Render(fmt.Sprintf("● %d marked: %s compares them", n, v.ctx.Keys.For(keys.Scope(pane.Traffic)).Graph.Help().Key))
	}
	if v.loading && v.table.Total() > 0 {
		title += "  " + st.Dim.Render(spin+" refreshing")
	}
	if v.err != nil && v.table.Total() > 0 {
		title += "  " + st.Warn.Render("STALE: "+errtext.Long(v.err, v.config.Source))
	}
	b.WriteString(text.Truncate(title, v.w))
	b.WriteByte('\n')
	switch {
	case v.table.Len() > 0:
		b.WriteString(v.view.View(v.table, peerDecor{v}))
	case v.loading:
		b.WriteString(fmt.Sprintf("\n  %s Loading peers of %s…", spin, text.Clean(label(v.config))))
	case v.err != nil:
		b.WriteString("\n" + st.Error.Render(text.Truncate("  ✗ "+errtext.Long(v.err, v.config.Source), v.w)))
	case v.table.Total() > 0:
		b.WriteString("\n" + st.Dim.Render(fmt.Sprintf("  Nothing matches /%s — esc clears the filter.", v.table.Filter().Query)))
	default:
		b.WriteString("\n" + st.Dim.Render("  No peers on this service."))
	}
	return b.String()
}

package mutate

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/ui/pane"
)

// FollowDelays are the waits between the re-reads that follow an object
// still in a transitional status after an action (activating,
// changing_vlan, deleting ...): backing off, then giving up with a line.
var FollowDelays = []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 15 * time.Second, 30 * time.Second}

// followMsg asks for re-read n of a followed action.
type followMsg struct {
	flow, seq int64
	n         int
}

// followedMsg is the outcome of re-read n.
type followedMsg struct {
	flow, seq int64
	n         int
	reread    Reread
}

// following is the action whose target is being followed.
type following struct {
	seq    int64
	what   string
	head   string // the action's outcome line, kept in front of the follow's
	prov   string
	reread func(ctx context.Context) Reread
	delays []time.Duration
}

// Following describes the object being followed ("" when none).
func (f *Flow) Following() string {
	if f.follow == nil {
		return ""
	}
	return f.follow.what
}

// startFollow follows spec's target when the re-read after the action
// found it in a transitional status and the spec asks to follow.
func (f *Flow) startFollow(spec Spec, r Reread, head string) tea.Cmd {
	f.follow = nil
	if !spec.Follow || spec.Reread == nil || r.Transitional == "" {
		return nil
	}
	f.followSeq++
	delays := FollowDelays
	pctx, prov, id, word := f.ctx, spec.provider(), spec.Request.Target.ID, spec.Reread
	reread := func(ctx context.Context) Reread { return word(pctx.RereadConnection(ctx, prov, id)) }
	f.follow = &following{seq: f.followSeq, what: spec.Name, head: head, prov: prov, reread: reread, delays: delays}
	return f.ctx.After(delays[0], followMsg{flow: f.id, seq: f.followSeq})
}

// followUpdate handles the follow's messages.
func (f *Flow) followUpdate(msg tea.Msg) tea.Cmd {
	switch m := msg.(type) {
	case followMsg:
		fl := f.follow
		if fl == nil || m.seq != fl.seq {
			return nil
		}
		id, seq, n, reread, parent := f.id, m.seq, m.n, fl.reread, f.ctx.Background()
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(parent, Timeout)
			defer cancel()
			return followedMsg{flow: id, seq: seq, n: n, reread: reread(ctx)}
		}
	case followedMsg:
		fl := f.follow
		if fl == nil || m.seq != fl.seq {
			return nil
		}
		var cmds []tea.Cmd
		r := m.reread
		var line string
		switch {
		case r.Transitional == "":
			f.follow = nil
			line = fmt.Sprintf("settled after %d re-read%s", m.n+1, plural(m.n+1))
			// Settled: the provider's other views (its inventory tree)
			// catch up now rather than at the next refresh.
			prov := fl.prov
			cmds = append(cmds, func() tea.Msg { return pane.RefreshMsg{Provider: prov} })
		case m.n+1 >= len(fl.delays):
			f.follow = nil
			line = fmt.Sprintf("stopped following after %d re-reads: still %s; the list's refresh will show when it ends", m.n+1, r.Transitional)
		default:
			line = fmt.Sprintf("following: still %s, re-reading in %s", r.Transitional, fl.delays[m.n+1])
			cmds = append(cmds, f.ctx.After(fl.delays[m.n+1], followMsg{flow: f.id, seq: fl.seq, n: m.n + 1}))
		}
		if r.Now != "" {
			line = r.Now + " · " + line
		}
		if fl.head != "" {
			line = fl.head + " · " + line
		}
		f.Last, f.LastErr = line, strings.Contains(r.Now, "failed")
		cmds = append(cmds, pane.Toast(line, false), f.expire())
		return tea.Batch(cmds...)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

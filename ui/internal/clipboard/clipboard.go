// Package clipboard copies text for the panes' copy key (y): OSC 52 through
// termenv, which works over ssh and inside tmux/screen, always from a
// command so Update never writes to the terminal itself.
package clipboard

import (
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/pane"
)

// OSC52 asks the terminal to put s on the clipboard. Terminals that ignore
// OSC 52 do nothing, and the sequence cannot report that, so this never
// fails.
func OSC52(s string) error {
	termenv.NewOutput(os.Stdout).Copy(s)
	return nil
}

// Cmd copies s with ctx.Copy (OSC52 when nil) in a command and toasts
// "copied <s>", or the error. s is provider text: what lands on the
// clipboard is what the screen shows (model.SafeText), so pasting an id
// into a shell cannot carry a newline or an escape sequence with it.
func Cmd(ctx *pane.Context, s string) tea.Cmd {
	s = model.SafeText(s)
	if s == "" {
		return pane.Toast("nothing to copy: the selection has no id", true)
	}
	write := OSC52
	if ctx != nil && ctx.Copy != nil {
		write = ctx.Copy
	}
	return func() tea.Msg {
		if err := write(s); err != nil {
			return pane.ToastMsg{Text: "copy failed: " + model.ErrorSummary(err), Err: true}
		}
		return pane.ToastMsg{Text: "copied " + s}
	}
}

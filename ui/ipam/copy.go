package ipam

import (
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/ui/internal/text"
)

// copiedMsg reports a clipboard write.
type copiedMsg struct {
	text string
	err  error
}

// copyCmd copies s with the pane's Copy function, off the Update goroutine
// (cleaned like the screen: nothing pasted from it carries a control).
func (p *Pane) copyCmd(s string) tea.Cmd {
	s = text.Clean(s)
	fn := p.Copy
	return func() tea.Msg { return copiedMsg{text: s, err: fn(s)} }
}

// osc52Copy asks the terminal to put s on the clipboard with an OSC 52
// sequence, which also works over SSH and inside tmux (set-clipboard on)
// and screen; terminals that ignore OSC 52 simply do nothing.
func osc52Copy(s string) error {
	termenv.NewOutput(os.Stdout).Copy(s)
	return nil
}

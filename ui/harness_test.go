package ui_test

import (
	"bytes"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// fixedNow is the goldens' clock: one hour after the fake data's base time.
var fixedNow = fake.Base.Add(time.Hour)

func clock() time.Time { return fixedNow }

// harness drives a ui.Model with messages and runs the commands it returns
// in goroutines, as Bubble Tea would, delivering their results until the
// program is idle. Timers (refresh ticks, toast expiry) are far longer than
// the idle window, so they never fire inside a test; spinner ticks are
// dropped.
type harness struct {
	t       *testing.T
	m       ui.Model
	results chan tea.Msg
	wg      sync.WaitGroup
	log     *bytes.Buffer
	quit    bool
	w, h    int
}

func newHarness(t *testing.T, opts ui.Options, worlds ...*fake.World) *harness {
	t.Helper()
	var srcs []model.Source
	for _, w := range worlds {
		srcs = append(srcs, w.Source())
	}
	return newHarnessSources(t, opts, srcs...)
}

// newHarnessSources is newHarness for hand-assembled sources.
func newHarnessSources(t *testing.T, opts ui.Options, srcs ...model.Source) *harness {
	t.Helper()
	h := &harness{t: t, results: make(chan tea.Msg, 4096), log: &bytes.Buffer{}}
	if opts.Now == nil {
		opts.Now = clock
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(&lockedWriter{b: h.log}, nil))
	}
	if opts.Hub == nil {
		fh := fakehub.New(opts.Now, srcs...)
		t.Cleanup(fh.Close)
		opts.Hub = fh
	}
	h.m = ui.New(opts, srcs)
	h.size(120, 40)
	h.exec(h.m.Init())
	return h
}

type lockedWriter struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (h *harness) size(w, ht int) {
	h.w, h.h = w, ht
	h.send(tea.WindowSizeMsg{Width: w, Height: ht})
}

// update delivers one message and renders, as Bubble Tea does after
// every message (what a dialog allows depends on what it has shown).
func (h *harness) update(msg tea.Msg) tea.Cmd {
	nm, cmd := h.m.Update(msg)
	h.m = nm.(ui.Model)
	h.m.View()
	return cmd
}

// send delivers msg and runs the resulting commands until idle.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	h.exec(h.update(msg))
}

// sendNoRun delivers msg and returns its command without running it.
func (h *harness) sendNoRun(msg tea.Msg) tea.Cmd { return h.update(msg) }

func (h *harness) spawn(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { h.results <- cmd() }()
}

// exec runs cmd and everything it leads to until nothing arrives for a
// short while.
func (h *harness) exec(cmd tea.Cmd) {
	h.t.Helper()
	h.spawn(cmd)
	idle := 40 * time.Millisecond
	for {
		select {
		case msg := <-h.results:
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				for _, c := range msg {
					h.spawn(c)
				}
			case spinner.TickMsg:
			case tea.QuitMsg:
				h.quit = true
			default:
				h.spawn(h.update(msg))
			}
		case <-time.After(idle):
			return
		}
	}
}

func (h *harness) keys(ks ...string) {
	h.t.Helper()
	for _, k := range ks {
		h.send(keyMsg(k))
	}
}

func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+d":
		return tea.KeyMsg{Type: tea.KeyCtrlD}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	case "ctrl+n":
		return tea.KeyMsg{Type: tea.KeyCtrlN}
	case "ctrl+p":
		return tea.KeyMsg{Type: tea.KeyCtrlP}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	if len([]rune(k)) > 1 {
		// A name missing above would arrive as several runes, which the
		// app splits into keys: name every key a test uses.
		panic("keyMsg: unknown key name " + k)
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func (h *harness) view() string { return h.m.View() }

// line returns the first line of the view containing s, or "".
func (h *harness) line(s string) string {
	for _, l := range strings.Split(h.view(), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// footer is the last line (key help or a toast).
func (h *harness) footer() string {
	lines := strings.Split(h.view(), "\n")
	return lines[len(lines)-1]
}

// status is the status bar line (second to last).
func (h *harness) status() string {
	lines := strings.Split(h.view(), "\n")
	if len(lines) < 2 {
		return ""
	}
	return lines[len(lines)-2]
}

// waitFor polls cond (what another goroutine does) for up to 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met in 10s")
}

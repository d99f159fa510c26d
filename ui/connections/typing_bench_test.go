package connections_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
)

// Benchmarks that type like an operator: real key messages through the
// pane's Update (and a View after each, as the program renders), in the
// order an operator types, with a refresh delivered between the words.
// The same keystrokes go to bubbles' list, with its fuzzy filter and with
// a substring filter, for the ratios.

var (
	bsKey = tea.KeyMsg{Type: tea.KeyBackspace}
	// typedWords are what an operator types and then erases, key by key.
	typedWords = map[string][]tea.KeyMsg{
		// "et-1" narrowing letter by letter, then erased (widening).
		"substring": append(runeKeys("et-1"), bsKey, bsKey, bsKey, bsKey),
		// a field=value term, then widening state=prov -> state=pro.
		"field": append(runeKeys("state=prov"), bsKey, bsKey, bsKey, bsKey, bsKey, bsKey, bsKey, bsKey, bsKey, bsKey),
	}
)

func runeKeys(s string) []tea.KeyMsg {
	var out []tea.KeyMsg
	for _, r := range s {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

// BenchmarkConnectionsTyping100k: ns/op is one keystroke (Update + View),
// averaged over the word; first-key-after-refresh-ms is the first
// keystroke after each refresh on its own, narrowing-key-ms the other
// characters typed, widening-key-ms the backspaces.
func BenchmarkConnectionsTyping100k(b *testing.B) {
	for _, name := range []string{"substring", "field"} {
		b.Run(name, func(b *testing.B) {
			word := typedWords[name]
			f := newFixture(b, benchRows, 200, 60)
			f.p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'/'}})
			if !f.p.List().Filtering() {
				b.Fatal("filter input did not open")
			}
			base, _ := f.hub.Data(f.key).([]model.Connection)
			var refreshes [4][]model.Connection
			for v := range refreshes {
				refreshes[v] = changedCopy(base, v+1)
			}
			var first, narrow, widen time.Duration
			var firsts, narrows, widens int
			runtime.GC() // the fixture's garbage is not the keystrokes'
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := i % len(word)
				if k == 0 {
					// A refresh lands between two words (not measured).
					b.StopTimer()
					f.deliver(b, refreshes[(i/len(word))%len(refreshes)])
					b.StartTimer()
				}
				t0 := time.Now()
				f.p.Update(word[k])
				_ = f.p.View()
				d := time.Since(t0)
				switch {
				case k == 0:
					first += d
					firsts++
				case word[k].Type == tea.KeyBackspace:
					widen += d
					widens++
				default:
					narrow += d
					narrows++
				}
			}
			b.StopTimer()
			if q := f.p.List().Table().Filter().Query; b.N%len(word) == 0 && q != "" {
				b.Fatalf("after whole words the filter is %q, want empty", q)
			}
			ms := func(d time.Duration, n int) float64 { return float64(d.Microseconds()) / 1000 / float64(max(n, 1)) }
			b.ReportMetric(ms(first, firsts), "first-key-after-refresh-ms")
			b.ReportMetric(ms(narrow, narrows), "narrowing-key-ms")
			b.ReportMetric(ms(widen, widens), "widening-key-ms")
		})
	}
}

// substringFilter is a bubbles list FilterFunc matching the term as a
// case-insensitive substring (what noctop's filter does), in list order.
func substringFilter(term string, targets []string) []list.Rank {
	term = strings.ToLower(term)
	var out []list.Rank
	for i, t := range targets {
		if j := strings.Index(strings.ToLower(t), term); j >= 0 {
			idx := make([]int, len(term))
			for k := range idx {
				idx[k] = j + k
			}
			out = append(out, list.Rank{Index: i, MatchedIndexes: idx})
		}
	}
	return out
}

// BenchmarkBubblesListTyping100k sends the same keystrokes to bubbles'
// list (its filter runs in a command, run here and fed back, as the
// program would), with its fuzzy filter and with substringFilter.
func BenchmarkBubblesListTyping100k(b *testing.B) {
	for _, filter := range []string{"fuzzy", "substring"} {
		b.Run(filter, func(b *testing.B) {
			f := newFixture(b, benchRows, 200, 60)
			var items []list.Item
			for _, r := range f.p.List().Table().Visible() {
				items = append(items, item(strings.Join(r.Cells, " ")))
			}
			l := list.New(items, delegate{}, 200, 60)
			if filter == "substring" {
				l.Filter = substringFilter
			}
			l.FilterInput.Cursor.SetMode(cursor.CursorStatic) // no blink timers in the commands
			l, _ = l.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'/'}})
			word := typedWords["substring"]
			run := func(cmd tea.Cmd) {
				for cmd != nil {
					msg := cmd()
					if msg == nil {
						return
					}
					if batch, ok := msg.(tea.BatchMsg); ok {
						for _, c := range batch {
							if c != nil {
								if m := c(); m != nil {
									if _, isFilter := m.(list.FilterMatchesMsg); isFilter {
										l, _ = l.Update(m)
									}
								}
							}
						}
						return
					}
					l, cmd = l.Update(msg)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var cmd tea.Cmd
				l, cmd = l.Update(word[i%len(word)])
				run(cmd)
				_ = l.View()
			}
		})
	}
}

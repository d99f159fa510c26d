package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/noctop/noctop/model"
)

// EventRecord is the stable JSON shape of one provider event.
type EventRecord struct {
	Provider string `json:"provider"`
	ID       string `json:"id,omitempty"`
	At       string `json:"at,omitempty"`
	Type     string `json:"type"`
	Body     string `json:"body"`
	About    Object `json:"about,omitzero"`
}

// Object names what a record is about.
type Object struct {
	Type string `json:"type,omitempty"`
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// EventRecordOf converts an event to its export shape.
func EventRecordOf(e model.Event) EventRecord {
	return EventRecord{Provider: e.Provider, ID: e.ID, At: stamp(e.At), Type: e.Type, Body: e.Body,
		About: Object{Type: e.Ref.Type, ID: e.Ref.ID, Name: e.Ref.Name}}
}

// Events writes provider events in format ("table", "json" or "csv").
func Events(w io.Writer, format string, events []model.Event) error {
	switch format {
	case "json":
		return writeJSON(w, events, EventRecordOf)
	case "csv":
		cw := newCSV(w)
		cw.write([]string{"provider", "id", "at", "type", "body", "about_type", "about_id", "about_name"})
		for _, e := range events {
			r := EventRecordOf(e)
			cw.write([]string{r.Provider, r.ID, r.At, r.Type, r.Body, r.About.Type, r.About.ID, r.About.Name})
		}
		return cw.flush()
	case "table", "":
		tw := newTable(w)
		tw.row("PROVIDER", "AT", "TYPE", "ABOUT", "EVENT")
		for _, e := range events {
			r := EventRecordOf(e)
			tw.row(r.Provider, r.At, r.Type, firstNonEmpty(r.About.Name, r.About.ID), r.Body)
		}
		return tw.flush()
	default:
		return fmt.Errorf("unknown output format %q (one of %s)", format, strings.Join(Formats, ", "))
	}
}

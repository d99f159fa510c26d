package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
)

// ApprovalRecord is the stable JSON shape of one change waiting for our
// decision.
type ApprovalRecord struct {
	Provider      string `json:"provider"`
	ProviderKind  string `json:"provider_kind"`
	ID            string `json:"id"`
	Name          string `json:"name"`
	Type          string `json:"type"`
	State         string `json:"state"`
	Change        string `json:"change"` // creation | update | deletion
	ChangeID      string `json:"change_id,omitempty"`
	ChangeStatus  string `json:"change_status,omitempty"`
	Requested     string `json:"requested,omitempty"` // what the change is, as the provider words it
	Since         string `json:"since,omitempty"`
	AgeSeconds    int64  `json:"age_seconds,omitempty"`
	BandwidthMbps int64  `json:"bandwidth_mbps"`
	ASide         Side   `json:"a_side"`
	ZSide         Side   `json:"z_side"`
	Actions       string `json:"actions,omitempty"` // what can be done: approve,reject ...
}

// ApprovalRecordOf converts a connection with a pending change; now dates
// its age.
func ApprovalRecordOf(c model.Connection, now time.Time) ApprovalRecord {
	r := ApprovalRecord{
		Provider: c.Provider, ProviderKind: c.ProviderKind, ID: c.ID, Name: c.Name, Type: c.Type, State: string(c.State),
		BandwidthMbps: c.BandwidthMbps, ASide: side(c.A), ZSide: side(c.Z),
	}
	if p := c.Pending; p != nil {
		r.Change, r.ChangeID, r.ChangeStatus, r.Requested, r.Since = string(p.Kind), p.ID, p.Status, p.Description, stamp(p.Since)
		if !p.Since.IsZero() && now.After(p.Since) {
			r.AgeSeconds = int64(now.Sub(p.Since) / time.Second)
		}
	}
	acts := make([]string, len(c.Actions))
	for i, a := range c.Actions {
		acts[i] = string(a)
	}
	r.Actions = strings.Join(acts, ",")
	return r
}

// Approvals writes the changes waiting for our decision in format
// ("table", "json" or "csv").
func Approvals(w io.Writer, format string, conns []model.Connection, now time.Time) error {
	switch format {
	case "json":
		return writeJSON(w, conns, func(c model.Connection) ApprovalRecord { return ApprovalRecordOf(c, now) })
	case "csv":
		cw := newCSV(w)
		cw.write([]string{"provider", "provider_kind", "id", "name", "type", "state", "change", "change_id", "change_status", "requested",
			"since", "age_seconds", "bandwidth_mbps", "a_side", "z_side", "actions"})
		for _, c := range conns {
			r := ApprovalRecordOf(c, now)
			cw.write([]string{r.Provider, r.ProviderKind, r.ID, r.Name, r.Type, r.State, r.Change, r.ChangeID, r.ChangeStatus, r.Requested,
				r.Since, strconv.FormatInt(r.AgeSeconds, 10), strconv.FormatInt(r.BandwidthMbps, 10), sideLabel(r.ASide), sideLabel(r.ZSide), r.Actions})
		}
		return cw.flush()
	case "table", "":
		tw := newTable(w)
		tw.row("PROVIDER", "ID", "NAME", "CHANGE", "AGE", "REQUESTED", "BW", "A-SIDE", "Z-SIDE", "CAN")
		for _, c := range conns {
			r := ApprovalRecordOf(c, now)
			age := ""
			if r.Since != "" {
				age = ageText(time.Duration(r.AgeSeconds) * time.Second)
			}
			tw.row(r.Provider, r.ID, r.Name, r.Change, age, r.Requested, model.FormatMbps(r.BandwidthMbps), sideLabel(r.ASide), sideLabel(r.ZSide), r.Actions)
		}
		return tw.flush()
	default:
		return fmt.Errorf("unknown output format %q (one of %s)", format, strings.Join(Formats, ", "))
	}
}

// ageText is a short age: "45s", "7m", "5h12m", "3d4h".
func ageText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

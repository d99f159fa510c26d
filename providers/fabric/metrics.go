package fabric

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Traffic of connections and ports (Fabric v4 4.31):
//
//	GET /fabric/v4/{ports|connections}/{id}/metrics?name=&fromDateTime=&toDateTime=&offset=&limit=
//	GET /fabric/v4/connections/{id}/stats?startDateTime=&endDateTime=&viewPoint=   (deprecated)
//	GET /fabric/v4/ports/{id}/stats?startDateTime=&endDateTime=                    (deprecated)
//
// The metrics answer is {pagination, data: [Metric]}, a Metric carrying
// name, unit ("bit/s" in the spec's example), interval (ISO 8601, "PT5M"),
// resource and datapoints [{endDateTime, value}] (startDateTime too in the
// schema). The stats answer is Statistics: startDateTime, endDateTime,
// viewPoint and bandwidthUtilization {unit "Mbps", metricInterval,
// inbound/outbound {max, mean, metrics: [{intervalEndTimestamp, max,
// mean}]}}; the spec's own example nests it under "stats" and spells the
// interval end intervalEndDateTime, so both are read. summary is a string
// in the schema and an object in the example: it is not relied on.

// Metric names noctop reads (received = in, transmitted = out, from the
// port's or connection's point of view as Fabric reports it).
const (
	MetricConnRx = "equinix.fabric.connection.bandwidth_rx.usage"
	MetricConnTx = "equinix.fabric.connection.bandwidth_tx.usage"
	MetricPortRx = "equinix.fabric.port.bandwidth_rx.usage"
	MetricPortTx = "equinix.fabric.port.bandwidth_tx.usage"
)

// MetricAsset is the {asset} path segment of the metrics endpoint.
type MetricAsset string

const (
	AssetPorts       MetricAsset = "ports"
	AssetConnections MetricAsset = "connections"
)

// Stats view points (the connection stats' required viewPoint).
const (
	ViewASide = "aSide"
	ViewZSide = "zSide"
)

// MetricsResponse is the answer of the metrics endpoint.
type MetricsResponse struct {
	Pagination *Pagination `json:"pagination,omitempty"`
	Data       []Metric    `json:"data"`
}

// Metric is one named metric of one resource.
type Metric struct {
	Type       string            `json:"type,omitempty"` // GAUGE
	Name       string            `json:"name,omitempty"`
	Unit       string            `json:"unit,omitempty"`
	Interval   string            `json:"interval,omitempty"` // ISO 8601 duration
	Resource   *MetricResource   `json:"resource,omitempty"`
	Summary    json.RawMessage   `json:"summary,omitempty"` // string or object: not relied on
	Datapoints []MetricDatapoint `json:"datapoints,omitempty"`
}

// MetricResource names what a metric is about.
type MetricResource struct {
	Href        string `json:"href,omitempty"`
	UUID        string `json:"uuid,omitempty"`
	Type        string `json:"type,omitempty"`
	State       string `json:"state,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// MetricDatapoint is one value over an interval ending at EndDateTime.
type MetricDatapoint struct {
	StartDateTime string   `json:"startDateTime,omitempty"`
	EndDateTime   string   `json:"endDateTime,omitempty"`
	Value         *float64 `json:"value"`
}

// UnmarshalJSON reads a datapoint tolerantly: a value sent as a string is
// read, an unreadable one is nil (a gap), never zero.
func (d *MetricDatapoint) UnmarshalJSON(b []byte) error {
	var w struct {
		Start json.RawMessage `json:"startDateTime"`
		End   json.RawMessage `json:"endDateTime"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = MetricDatapoint{StartDateTime: jsonString(w.Start), EndDateTime: jsonString(w.End), Value: flexFloat(w.Value)}
	return nil
}

// StatsResponse is the answer of the deprecated stats endpoints, in the
// schema's shape or the example's (nested under stats).
type StatsResponse struct {
	StartDateTime        string                `json:"startDateTime,omitempty"`
	EndDateTime          string                `json:"endDateTime,omitempty"`
	ViewPoint            string                `json:"viewPoint,omitempty"`
	BandwidthUtilization *BandwidthUtilization `json:"bandwidthUtilization,omitempty"`
}

// BandwidthUtilization is the stats' traffic, in Unit (Mbps).
type BandwidthUtilization struct {
	Unit           string          `json:"unit,omitempty"`
	MetricInterval string          `json:"metricInterval,omitempty"`
	Inbound        *StatsDirection `json:"inbound,omitempty"`
	Outbound       *StatsDirection `json:"outbound,omitempty"`
}

// StatsDirection is one direction over the requested range.
type StatsDirection struct {
	Max     *float64        `json:"max,omitempty"`
	Mean    *float64        `json:"mean,omitempty"`
	Metrics []StatsInterval `json:"metrics,omitempty"`
}

// UnmarshalJSON reads numbers sent as strings too.
func (d *StatsDirection) UnmarshalJSON(b []byte) error {
	var w struct {
		Max     json.RawMessage `json:"max"`
		Mean    json.RawMessage `json:"mean"`
		Metrics []StatsInterval `json:"metrics"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = StatsDirection{Max: flexFloat(w.Max), Mean: flexFloat(w.Mean), Metrics: w.Metrics}
	return nil
}

// StatsInterval is one interval of a direction.
type StatsInterval struct {
	IntervalEndTimestamp string   `json:"intervalEndTimestamp,omitempty"`
	Max                  *float64 `json:"max,omitempty"`
	Mean                 *float64 `json:"mean,omitempty"`
}

// UnmarshalJSON accepts intervalEndDateTime (the spec's example) for
// intervalEndTimestamp (its schema), and numbers sent as strings.
func (s *StatsInterval) UnmarshalJSON(b []byte) error {
	var w struct {
		TS   json.RawMessage `json:"intervalEndTimestamp"`
		DT   json.RawMessage `json:"intervalEndDateTime"`
		Max  json.RawMessage `json:"max"`
		Mean json.RawMessage `json:"mean"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = StatsInterval{IntervalEndTimestamp: firstNonEmpty(jsonString(w.TS), jsonString(w.DT)), Max: flexFloat(w.Max), Mean: flexFloat(w.Mean)}
	return nil
}

func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// flexFloat reads a finite number or a string holding one (nil otherwise).
func flexFloat(raw json.RawMessage) *float64 {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	s := string(raw)
	if raw[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return nil
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// decodeStats reads a stats answer in either shape.
func decodeStats(body []byte) (StatsResponse, error) {
	var w struct {
		StatsResponse
		Stats *StatsResponse `json:"stats"`
	}
	if err := httpx.DecodeJSON(body, &w); err != nil {
		return StatsResponse{}, err
	}
	if w.BandwidthUtilization == nil && w.Stats != nil {
		return *w.Stats, nil
	}
	return w.StatsResponse, nil
}

// unitScale converts a Fabric bandwidth unit into bits per second.
func unitScale(unit string) (float64, bool) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(unit), " ", "")) {
	case "bit/s", "bits/s", "bps", "b/s":
		return 1, true
	case "kbit/s", "kbps", "kb/s":
		return 1e3, true
	case "mbit/s", "mbps", "mb/s":
		return 1e6, true
	case "gbit/s", "gbps", "gb/s":
		return 1e9, true
	case "byte/s", "bytes/s", "octets/s":
		return 8, true
	}
	return 0, false
}

var isoDur = regexp.MustCompile(`^P(?:(\d{1,4})D)?(?:T(?:(\d{1,4})H)?(?:(\d{1,5})M)?(?:(\d{1,6})S)?)?$`)

// parseInterval reads an ISO 8601 duration such as "PT5M", "PT1H", "P1D"
// (0 if unreadable).
func parseInterval(s string) time.Duration {
	m := isoDur.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil {
		return 0
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
	}
	return d
}

// formatInterval writes d as an ISO 8601 duration ("PT5M").
func formatInterval(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("P%dD", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("PT%dH", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("PT%dM", d/time.Minute)
	}
	return fmt.Sprintf("PT%dS", d/time.Second)
}

// queryTime writes a time for the metrics and stats queries (RFC 3339).
func queryTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// maxMetricPages bounds how many metrics pages one query follows.
const maxMetricPages = 10

// Metrics reads one metric of a port or connection over [from, to),
// following the answer's pagination (bounded). Read-only: retried like a
// GET.
func (c *Client) Metrics(ctx context.Context, asset MetricAsset, id, name string, from, to time.Time) ([]Metric, error) {
	if asset != AssetPorts && asset != AssetConnections {
		return nil, errorf("metrics of %q are not supported", asset)
	}
	if !validID.MatchString(id) {
		return nil, fmt.Errorf("%w: fabric: invalid %s id %q", model.ErrNotFound, strings.TrimSuffix(string(asset), "s"), truncate(id, 60))
	}
	p := "/fabric/v4/" + string(asset) + "/" + url.PathEscape(id) + "/metrics"
	var out []Metric
	offset := 0
	for page := 0; page < maxMetricPages; page++ {
		q := url.Values{"name": {name}, "fromDateTime": {queryTime(from)}, "toDateTime": {queryTime(to)}}
		if offset > 0 {
			q.Set("offset", strconv.Itoa(offset))
		}
		resp, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: p, Query: q}, nil)
		if err != nil {
			return nil, err
		}
		var mr MetricsResponse
		if err := httpx.DecodeJSON(resp.Body, &mr); err != nil {
			return nil, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, p, err)
		}
		out = append(out, mr.Data...)
		pg := mr.Pagination
		if pg == nil || len(mr.Data) == 0 || pg.Offset+len(mr.Data) >= pg.Total {
			return out, nil
		}
		offset = pg.Offset + len(mr.Data)
	}
	return out, nil
}

// ConnectionStats reads the deprecated stats of a connection from one
// side's point of view (ViewASide or ViewZSide).
func (c *Client) ConnectionStats(ctx context.Context, id string, from, to time.Time, viewPoint string) (StatsResponse, error) {
	p, err := connPath(id, "/stats")
	if err != nil {
		return StatsResponse{}, err
	}
	if viewPoint != ViewASide && viewPoint != ViewZSide {
		return StatsResponse{}, errorf("view point %q is neither %s nor %s", viewPoint, ViewASide, ViewZSide)
	}
	return c.stats(ctx, p, url.Values{"startDateTime": {queryTime(from)}, "endDateTime": {queryTime(to)}, "viewPoint": {viewPoint}})
}

// PortStats reads the deprecated stats of a port.
func (c *Client) PortStats(ctx context.Context, id string, from, to time.Time) (StatsResponse, error) {
	if !validID.MatchString(id) {
		return StatsResponse{}, fmt.Errorf("%w: fabric: invalid port id %q", model.ErrNotFound, truncate(id, 60))
	}
	return c.stats(ctx, PortsPath+"/"+url.PathEscape(id)+"/stats", url.Values{"startDateTime": {queryTime(from)}, "endDateTime": {queryTime(to)}})
}

func (c *Client) stats(ctx context.Context, p string, q url.Values) (StatsResponse, error) {
	resp, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: p, Query: q}, nil)
	if err != nil {
		return StatsResponse{}, err
	}
	s, err := decodeStats(resp.Body)
	if err != nil {
		return StatsResponse{}, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, p, err)
	}
	return s, nil
}

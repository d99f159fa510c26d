package ixapi

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// The simulator serves the 2.4.2 shape: windows without precision, the
// resolution in the timeseries, custom windows for start/end, accuracy
// below 1 where its collector dropped samples, light levels on ports.
func TestSimulatorServes242Statistics(t *testing.T) {
	e := newEnv(t)
	p := e.provider()
	c := p.Client()
	ctx := ctxT(t)
	st := must[Statistics](t)(c.Statistics(ctx, ObjPort, "port-0003"))
	if len(st.Aggregates) != len(simWindows) {
		t.Fatalf("windows: %v", st.Aggregates)
	}
	now := e.clock.Now()
	for _, w := range simWindows {
		a, ok := st.Aggregates[w.name]
		if !ok || !a.Windowed() || a.Accuracy == nil || a.AverageOPSIn == nil || a.P95OPSOut == nil || a.MaxInAt == "" {
			t.Fatalf("%s: %+v", w.name, a)
		}
		from, to := a.Span()
		if to.Sub(from) != w.span || to.After(now) || now.Sub(to) > w.precision {
			t.Errorf("%s: window %v..%v", w.name, from, to)
		}
		if *a.MaxOPSIn < *a.P95OPSIn || *a.P95OPSIn < 0 {
			t.Errorf("%s: max %v below p95 %v", w.name, *a.MaxOPSIn, *a.P95OPSIn)
		}
		ts := must[Timeseries](t)(c.Timeseries(ctx, ObjPort, "port-0003", w.name))
		if PrecisionDuration(ts.Precision) != w.precision {
			t.Errorf("%s: timeseries precision %d", w.name, ts.Precision)
		}
		if got := float64(len(ts.Samples)) / float64(w.span/w.precision); got < *a.Accuracy-0.001 || got > *a.Accuracy+0.001 {
			t.Errorf("%s: %d samples of %d, accuracy says %v", w.name, len(ts.Samples), w.span/w.precision, *a.Accuracy)
		}
	}
	if len(st.LightLevelsTX) == 0 || len(st.LightLevelsTX) != len(st.LightLevelsRX) {
		t.Errorf("port light levels: %v / %v", st.LightLevelsTX, st.LightLevelsRX)
	}
	cst := must[Statistics](t)(c.Statistics(ctx, ObjNetworkService, "ns-lan-fr"))
	if len(cst.LightLevelsRX) != 0 {
		t.Error("only ports have light levels")
	}

	// A custom window: exactly what was asked for, at the finest
	// resolution within 8,640 samples.
	start, end := now.Add(-7*24*time.Hour), now
	cs := must[Statistics](t)(c.StatisticsWindow(ctx, ObjPort, "port-0003", start, end))
	ca, ok := cs.Aggregates[AggregateCustom]
	if !ok || len(cs.Aggregates) != 1 {
		t.Fatalf("custom: %v", cs.Aggregates)
	}
	if from, to := ca.Span(); !from.Equal(start.Truncate(5*time.Minute)) || !to.Equal(end.Truncate(5*time.Minute)) {
		t.Errorf("custom window %v..%v", from, to)
	}
	cts := must[Timeseries](t)(c.TimeseriesWindow(ctx, ObjPort, "port-0003", start, end))
	if cts.Precision != 300 || len(cts.Samples) > 2016 || len(cts.Samples) < 1900 {
		t.Errorf("custom timeseries: precision %d, %d samples", cts.Precision, len(cts.Samples))
	}
	short := must[Timeseries](t)(c.TimeseriesWindow(ctx, ObjPort, "port-0003", now.Add(-2*time.Hour), now))
	if short.Precision != 60 {
		t.Errorf("2h custom window at %ds", short.Precision)
	}
	// Invalid windows are refused with a validation problem.
	for _, q := range []url.Values{
		{QueryStart: {"yesterday"}, QueryEnd: {FormatTimestamp(now)}},
		{QueryStart: {FormatTimestamp(now)}, QueryEnd: {FormatTimestamp(now.Add(-time.Hour))}},
		{QueryStart: {FormatTimestamp(now.Add(-400 * 24 * time.Hour))}, QueryEnd: {FormatTimestamp(now)}},
	} {
		_, err := c.get(ctx, "/ports/port-0003/statistics", q)
		var ae *model.APIError
		if !errors.As(err, &ae) || ae.Status != 400 {
			t.Errorf("%v: %v", q, err)
		}
	}
	if _, err := c.get(ctx, "/ports/port-0003/statistics/custom/timeseries", nil); err == nil {
		t.Error("a custom timeseries without start/end was served")
	}
}

func TestSimulatorAccuracyAndLight(t *testing.T) {
	e := newEnv(t)
	p := e.provider()
	ctx := ctxT(t)
	var lossyPort, lowPort, dayPort string
	e.sim.e.Run(func(time.Time) {
		for i := range e.sim.st.ports {
			pt := e.sim.st.port(i)
			k := trafficKey("port", pt.ID)
			if !live(pt.State) || e.sim.st.stale[k] {
				continue
			}
			if lossyPort == "" && e.sim.lossy(k) {
				lossyPort = pt.ID
			}
			for _, s := range pt.Status {
				if s.Tag == "optics.rx_power_low" && lowPort == "" {
					lowPort = pt.ID
				}
			}
			if dayPort == "" && len(pt.Status) == 0 {
				dayPort = pt.ID
			}
		}
	})
	if lossyPort == "" || lowPort == "" {
		t.Fatalf("the simulator has no lossy collector (%q) or low-light port (%q)", lossyPort, lowPort)
	}
	st := must[Statistics](t)(p.Client().Statistics(ctx, ObjPort, lossyPort))
	if a := st.Aggregates["1d"]; *a.Accuracy >= 1 || *a.Accuracy < 0.85 {
		t.Errorf("lossy port %s: accuracy %v", lossyPort, *a.Accuracy)
	}
	// The inventory carries light levels; the low-light port is below the
	// default threshold, a healthy one is not. (Every port's levels are
	// read here: the per-refresh time budget must not decide the test.)
	p.light.budget = 2 * time.Minute
	roots := must[[]model.Node](t)(p.Inventory(ctx, nil))
	var low, healthy *model.Node
	var walk func([]model.Node)
	walk = func(ns []model.Node) {
		for i := range ns {
			n := &ns[i]
			switch n.Ref.ID {
			case ModelID(ObjPort, lowPort):
				low = n
			case ModelID(ObjPort, dayPort):
				healthy = n
			}
			walk(n.Children)
		}
	}
	walk(roots)
	if low == nil || healthy == nil {
		t.Fatal("ports not in the inventory")
	}
	if !low.Light.Low(model.DefaultLowLightDBM) {
		t.Errorf("low-light port %s: %+v", lowPort, low.Light)
	}
	if healthy.Light == nil || healthy.Light.Low(model.DefaultLowLightDBM) {
		t.Errorf("healthy port %s: %+v", dayPort, healthy.Light)
	}
	found := false
	for _, f := range low.Fields {
		if f.Key == "light rx" && f.Value != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("no light rx field: %v", low.Fields)
	}
}

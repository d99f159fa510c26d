// Package sim is the simulated world every noctop provider simulator is
// built on (Fabric today; IX-API, Metal, Packet and ProVision next). It
// holds no provider-specific state: it supplies the pieces so that all
// simulators are deterministic, agree with each other, and behave like
// real, imperfect APIs.
//
// # Pieces
//
//   - Clock: RealClock, or FakeClock (Set/Advance) in tests. Everything
//     time-dependent reads the world's clock.
//   - World (NewWorld(Config{Seed, Scale, Clock, Timing})): the seed, the
//     scale knob (connections per simulator; demo default 300,
//     --demo-scale 100000 for benchmarks), timing, Epoch (the clock's time
//     at creation, which initial timestamps are relative to), Company(i)
//     and Self() (the operator's own organisation).
//   - Determinism: w.Rand("fabric", "connection", "42") is a random stream
//     derived from (seed, key) only, so entity 42 is the same whatever
//     other entities exist. Helpers: Between, IntBetween, Pick, Weighted,
//     Chance, UUID.
//   - Geography: Metros() (code, name, country, region, city, IATA,
//     coordinates, facilities/IBX names), MetroByCode, Facilities().
//   - Names: CompanyAt/Company (name, slug, org id, account number,
//     global org id, ASN, domain), UserName, Email, InterfaceName
//     ("xe-1/2/3", "et-0/0/10"), LAGName, PrivateASN.
//   - VLANs: VLANPool (TakeNear for hash-derived stable tags, Take,
//     TakeLowest, TakeRange, Reserve, Release); ServiceVLAN(seed, metro,
//     company) when objects of different simulators must share a tag.
//   - Traffic: w.Traffic() gives in/out bits per second as a pure function
//     of (seed, key, capacity, time) at one-minute resolution: a daily
//     cycle, weekend dip, wander and noise, HotShare saturated keys,
//     DeadShare keys that are always zero, and rare bursts filling one
//     5-minute interval. Window(from, to, step) produces any range lazily
//     (mean and max per step), so 5m/1h/1d/30d aggregates need no stored
//     history.
//   - Engine: a lazy discrete-event scheduler. Handlers call Lock(), which
//     runs every event due up to the clock's now (in time order, each at
//     its own time) and returns with the mutex held; Unlock() when done.
//     At/After schedule events, Every schedules a recurring one (arrivals).
//     Nothing runs in the background, so a FakeClock makes histories exact.
//     Prepare(fn) builds a simulator's world on the first Lock, at the
//     engine's creation time: an idle simulator costs nothing, and the
//     history is the one an eager build would have given.
//   - Faults: ParseFaults reads a spec like
//     "latency=50ms-400ms,5xx=0.05,429=0.03,malformed=0.02,truncate=0.02,stall=0.01"
//     or a preset ("chaos", "slow", "flaky", "none"; "chaos,stall=0"
//     overrides). NewFaults(spec, seed).Wrap(handler, FaultHooks{ErrorBody,
//     IsToken}) injects them; Set switches specs at runtime. Token
//     endpoints get latency as usual but errors at TokenFaultScale of the
//     rate, and never a credential error.
//   - Server: Start(handler) serves on 127.0.0.1:0 over real HTTP; URL()
//     and Close() (releases stalls, graceful, waits for the serve
//     goroutine).
//
// # Writing a provider simulator (providers/<kind>/sim.go)
//
//  1. NewSimulator(w *sim.World, opts...) registers the build of the
//     provider's entities with e.Prepare: for i := 0; i < w.Scale(); i++
//     { r := w.Rand("<kind>", "connection", strconv.Itoa(i)); ... }, using
//     Metros, Company and VLANPool.TakeNear(hash-derived tag) so the
//     result is stable. --demo-scale goes to 1,000,000: keep per-object
//     state small (compact records rendered when served, shared constant
//     parts, times as integers; Fabric regenerates untouched connections
//     from their seed), make a page a slice of an ordered index rather
//     than a filter and sort of everything, and render outside the lock
//     where the objects allow it.
//  2. It owns an Engine (w.NewEngine()); every ServeHTTP starts with
//     now := e.Lock(); defer e.Unlock(). State changes that take time
//     (approve -> provisioning -> active) are e.After(delay, fn) events,
//     with delays drawn from w.Timing() through the provider's own
//     random stream. New requests arrive through e.Every(w.Rand("<kind>",
//     "arrivals"), t.ArrivalMin, t.ArrivalMax, fn).
//  3. Responses follow the provider's official spec (field names, enums,
//     error bodies); tests validate them against ../shared/specs.
//  4. The demo wraps the handler with Faults.Wrap, passing hooks that
//     render the provider's own error body, then sim.Start.
package sim

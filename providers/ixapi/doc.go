// Package ixapi is noctop's IX-API v2 provider: a client (client.go, auth.go,
// errors.go, list.go, wire.go), the adapter to noctop's model (adapt.go,
// inventory.go, series.go, stats.go), the Provider (provider.go) and a
// simulator (sim*.go).
//
// # Sources
//
// IX-API 2.7 is the target; the only machine-readable schema available is
// 2.1.0, and everything it covers (objects, enums, filters, error types)
// follows it: tests validate every request the client sends and every
// response the simulator serves against it when ../shared/specs is present.
// Two quirks of that document are honoured: GET /metro-areas/{id} and
// GET /facilities/{id} are declared to answer a list (the simulator does,
// the client accepts either), and problem documents are declared as
// application/json (the client also reads application/problem+json).
// The 2.7 additions used here (statistics, connection decommissioning and
// cancellation policy, port reservations) have no schema; every assumption
// about the statistics shapes is in stats_shape.go, the list envelope in
// list.go.
//
// # Decisions
//
//   - Lists: bare arrays (2.1.0) and a limit/offset envelope are both read,
//     on every request; WithPageLimit makes the client ask for pages, and an
//     envelope the server sends unasked is followed anyway. The simulator
//     answers bare arrays unless limit or offset is given.
//   - Auth: api_key/api_secret -> /auth/token; renewed through /auth/refresh
//     before the access token's JWT exp (minus the skew) and after one 401;
//     a refused refresh falls back to one login; a refused login is not
//     repeated (httpx holds the rejection). A static token is used as is.
//   - IDs: the Connections pane shows connections and network service
//     configs side by side, so model ids are qualified: "conn:<id>",
//     "nsc:<id>" (and "ns:<id>", "port:<id>" in the inventory). Refs may
//     also carry a bare id with Ref.Type naming the object.
//   - States: the spec's enum maps onto model.State (see states in
//     adapt.go); unknown values become StateUnknown with RawState verbatim.
//     A config whose p2p_vc service has a change request is StateChanging
//     with a PendingChange saying what it asks for (not waiting on us: the
//     other side decides).
//   - Statistics: Series picks, among the aggregates the server lists, the
//     finest one that reaches back over the range without sending more than
//     20,000 samples; values are octets/s × 8; samples are placed on the
//     aggregate's grid so absent or null samples are Missing; Stale when
//     next_update_at has passed.
//   - Actions: change requests (file/withdraw) on p2p_vc services, from
//     their configs' rows; decommission of connections, configs and p2p/cloud
//     services. Plan does no I/O, so a decommission needs the cancellation
//     policy first: Prepare (model.ActionPreparer) reads it and puts
//     decommission_at and charged_until into Params; Plan without it returns
//     model.ErrPrepareFirst. The plan's title shows both dates, the DELETE
//     asks for exactly that decommission_at, and ConfirmText is the object's
//     name. CancellationPolicy reads the policy directly too. Do sends only
//     what Plan builds, once.
//
// # Simulator
//
// NewSimulator(world) serves an exchange ("NOC-IX") under SimBasePath:
// three metro areas, their facilities and pops, two devices per pop,
// world.Scale() ports in standalone and LAG connections, exchange LAN
// (100 peers on the first LAN), p2p and cloud configs, product offerings,
// accounts. Statistics for every port, connection, config and service in
// five aggregates ("1m" for a day, "5m" for 30 days, "1h", "1d", "30d"),
// from the world's traffic generator, with collector gaps and a few stuck
// collectors; peer statistics with the asn, mac_address, ip_address and
// ip_version filters; rtt statistics. Change requests arrive now and then
// and are accepted after the world's remote delay; decommissioned objects
// become decommissioned after the deprovisioning delay (the demo compresses
// the notice period). Credentials: DemoAPIKey/DemoAPISecret, or DemoToken.
package ixapi

// Package packet is noctop's Packet API provider (api.packet.net, the
// 2020 capture in packet-oas3.json): a client, the adapter to model
// types, and a simulator of the API for the demo and the tests.
//
// # Use
//
//	p, err := packet.New("packet-prod", "https://api.packet.net", token,
//		packet.WithOrganizationID(org)) // or WithProjectID, or no scope
//
// *Provider implements model.Provider, ConnectionSource (BGP sessions and
// virtual networks as rows), ConnectionReader, InventorySource (project >
// facility > server > bond > port, with the projects' virtual networks,
// hardware and IP reservations), StatsSource (server traffic in bits per
// second), ActionPlanner and ActionRunner (bond/disbond, layer 2/3,
// VLAN assign/unassign, power on/off, reboot, reservation move),
// EventSource and CapacitySource. NewClient(baseURL, opts...) gives the
// plain API client, one method per operation.
//
// # Requests
//
// The token goes in X-Auth-Token (httpx.HeaderToken). Device listings ask
// for include=facility,plan,network_ports, so one listing carries what
// the inventory needs, and exclude= drops the heavy and secret fields
// (root password, userdata, customdata ...), which also have no field in
// the wire types. Listings page with page/per_page (100 by default); the
// last page comes from meta (see lastPageOf) and the pages are read with
// bounded concurrency through httpx.Numbered, within the provider's
// max_items and listing_timeout; event logs read only the newest pages.
// Every answer streams through httpx.ListBody: an element of the wrong
// shape that still has an id is kept and marked; one without an id is
// counted in a *model.Incomplete, never kept as an empty row. Reads are
// retried as httpx allows; every
// mutation is sent once (httpx.RetryNever).
//
// # Where the capture is wrong or silent
//
//   - Device.network_ports and Port.bond / network_type /
//     native_virtual_network are not documented; the API sends them (the
//     later Metal spec names them) and noctop reads them.
//   - POST /devices/{id}/actions declares the action as query parameter
//     "type"; clients send it in the body. noctop sends both.
//   - GET /devices/{id}/traffic declares its timeframe as a JSON body of
//     a GET; the API also reads timeframe[started_at]/[ended_at] from the
//     query. noctop sends both.
//   - The traffic and bandwidth answers are undocumented: both are read
//     as Graphite-style series ([value, unix seconds] datapoints), bytes
//     per interval for /traffic, bits per second for /bandwidth.
//   - POST /hardware-reservations/{id}/move declares project_id as a path
//     parameter its path does not have; it is sent in the body.
//   - The capacity report lists the facilities and plans of one example;
//     it is read as a map of whatever exists.
//
// # Simulator
//
// NewSimulator(world) serves the API from a sim.World: four projects over
// eight facilities, World.Scale servers (24..20,000) in every state with
// layer-3, hybrid and layer-2 ports, BGP on two projects with sessions
// that flap, traffic from the world's generator, capacity levels, an
// event log, the port and power actions changing the world, and paging,
// include and exclude as the API does them. It accepts DemoToken; every
// answer is checked against packet-oas3.json by the tests.
package packet

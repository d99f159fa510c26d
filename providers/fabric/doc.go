// Package fabric is noctop's Equinix Fabric v4 provider: a client for the
// API (spec 4.31) and its OAuth2 token endpoint, the adapter to model
// types, and a simulator of the API for the demo and the tests.
//
// # Use
//
//	p, err := fabric.New("fabric-prod", "https://api.equinix.com",
//		fabric.Credentials{ClientID: id, ClientSecret: secret}) // or {Token: t}
//
// *Provider implements model.Provider, ConnectionSource (every search
// page, 100 at a time, 8 in flight, sorted by uuid; progress per page),
// ConnectionReader, ActionPlanner and ActionRunner. NewClient(baseURL,
// opts...) gives the plain API client (SearchConnections, GetConnection,
// UpdateConnection, ConnectionAction, ListPorts, ListMetros,
// ValidateConnection).
//
// # Authentication
//
// Client credentials are posted as JSON to /oauth2/v1/token; the token is
// cached until token_timeout (a string of seconds) minus a skew and
// renewed then, or once after a 401. The token endpoint is never retried,
// not even on 5xx: five failed logins lock an Equinix account, and a
// refused login is remembered for five minutes (httpx.CachedBearer).
//
// # Who approves
//
// Approvals belong to the Z side (the owner of the port or service profile
// a connection was requested to). A change waits for us when it is
// SUBMITTED_FOR_APPROVAL (or equinixStatus/providerStatus say
// PENDING_APPROVAL, or PENDING_DELETE for deletions) and the connection's
// direction is not OUTGOING; see pendingOf for the full rule. Creation and
// update can be approved or rejected (rejection needs a reason); a
// deletion can only be accepted. Accepting a creation requested to our
// service profile must say where it lands: Plan proposes our active port
// in that metro with the most free bandwidth and its lowest unused VLAN
// (ParamPort/ParamVLAN override), and the request body shows it.
//
// # Simulator
//
// NewSimulator(world) serves the API from a sim.World: our ports (12 +
// scale/25, spread over the metros) and three service profiles; Scale
// connections, about 65% incoming (other companies to our ports or
// profiles), 30% outgoing, 5% internal, in every state; new requests
// waiting for us arrive every ArrivalMin..ArrivalMax (70% new
// connections, 20% bandwidth changes, 10% deletions; paused while
// max(25, scale/10) wait); approvals move PENDING -> PROVISIONING -> ACTIVE
// after ProvisionMin..Max, rejections PENDING/REJECTED -> CANCELLED,
// accepted deletions DEPROVISIONING -> DEPROVISIONED, and the other side
// answers our outgoing requests after RemoteMin..Max. The search supports
// the spec's filter properties and operators, sort properties and
// offset/limit paging (limit 1..100); invalid input gets a 400 ErrorList.
// It scales to --demo-scale 1000000: the account is built on the first
// request; a connection as generated is kept as a compact record and
// regenerated from its seed when served (the first change keeps it for
// good); each (filter, sort) a client reads is a view kept in order as
// connections change (the unfiltered ones by uuid and by updatedDateTime,
// the default sort, exist from the start), so a page costs O(log n +
// page) and pages are rendered outside the lock. A client that wants
// only what changed since T sorts by /changeLog/updatedDateTime DESC and
// stops at the first older row (the spec's SearchFieldName has no
// updatedDateTime, so the simulator refuses it as a filter).
// Tokens come from DemoClientID/DemoClientSecret (or the static DemoToken)
// and expire after token_timeout of simulated time. Wrap it with
// sim.Faults using SimFaultHooks() for provider-style injected errors.
//
// # Deviations from spec 4.31, on purpose
//
//   - vlanTagMin/Max and vlanCTagMin/Max are read and served on link
//     protocols (search properties and the user's examples have them; the
//     4.31 SimplifiedLinkProtocol schema does not).
//   - change.data.value is an object per the spec ({"bandwidth": 2000});
//     the spec's own PATCH examples send bare values, which the adapter
//     also reads.
package fabric

// Package metal is noctop's Equinix Metal v1 provider for interconnections
// (metal-v1.bundled.yaml; the InterconnectionsApi and what it refers to):
// a client, the adapter to model types, and a simulator of the API for the
// demo and the tests.
//
// # Use
//
//	p, err := metal.New("metal", "https://api.equinix.com/metal/v1", token,
//		metal.WithOrganization(orgID), metal.WithProject(projectID)) // scope optional
//
// *Provider implements model.Provider, ConnectionSource (interconnections
// and their virtual circuits as rows), ConnectionReader, InventorySource
// (organization > project > interconnection > port > virtual circuit, with
// state roll-up), ActionPlanner, ActionPreparer, ActionRunner and
// model.EventSource. NewClient(baseURL, opts...) is the plain API client:
// one method per operation, context first.
//
// # Operations (path relative to the base URL → Client method)
//
//	GET    /organizations                                   ListOrganizations (paged)
//	GET    /projects                                        ListProjects (paged)
//	GET    /organizations/{id}/connections[?project=]       ListOrganizationInterconnections (paged)
//	POST   /organizations/{id}/connections                  CreateOrganizationInterconnection
//	GET    /projects/{id}/connections                       ListProjectInterconnections (paged)
//	POST   /projects/{id}/connections                       CreateProjectInterconnection
//	GET    /connections/{id}                                GetInterconnection
//	PUT    /connections/{id}                                UpdateInterconnection
//	DELETE /connections/{id}                                DeleteInterconnection
//	GET    /connections/{id}/ports                          ListInterconnectionPorts
//	GET    /connections/{id}/ports/{id}                     GetInterconnectionPort
//	GET    /connections/{id}/virtual-circuits               ListInterconnectionVirtualCircuits
//	GET    /connections/{id}/ports/{id}/virtual-circuits    ListInterconnectionPortVirtualCircuits
//	POST   /connections/{id}/ports/{id}/virtual-circuits    CreateInterconnectionPortVirtualCircuit
//	GET    /virtual-circuits/{id}                           GetVirtualCircuit
//	PUT    /virtual-circuits/{id}                           UpdateVirtualCircuit (200 or 202)
//	DELETE /virtual-circuits/{id}                           DeleteVirtualCircuit
//	GET    /connections/{id}/events                         ListInterconnectionEvents (paged)
//	GET    /connections/{id}/ports/{id}/events              ListInterconnectionPortEvents (paged)
//	GET    /virtual-circuits/{id}/events                    ListVirtualCircuitEvents (paged)
//	GET    /connections/metros                              ListInterconnectionMetros
//	GET    /virtual-networks/{id}                           GetVirtualNetwork
//	GET    /projects/{id}/virtual-networks[?metro=]         ListProjectVirtualNetworks
//	GET    /vrfs/{id}                                       GetVrf
//	GET    /projects/{id}/vrfs[?metro=]                     ListProjectVrfs
//
// Authentication is the X-Auth-Token header (httpx.HeaderToken); reads
// are retried by httpx, mutations never. Paging follows meta.next within
// the API's origin and collection through httpx.Linked, bounded by the
// provider's max_items and listing_timeout and never beyond the page
// count meta gives; each page streams through httpx.ListBody, and an
// item without a usable id is counted in a *model.Incomplete, not kept
// (see paging.go). Error bodies
// ({"errors": [...]} or {"error": "..."}) become *model.APIError with the
// first message as Message and a hint in Details.
//
// # Scope
//
// With organization_id, that organization's interconnections (filtered to
// project_id when both are set); with project_id alone,
// /projects/{id}/connections (which the API documents as the project's and
// its organization's); with neither, every organization the token sees,
// plus project by project those whose organization it cannot list.
// Organizations and projects are always listed for their names.
//
// # Rows and states
//
// An interconnection row (Type: dedicated, shared, shared_port_vlan ...)
// shows its port or redundant pair on the Z side ("primary + secondary",
// each port's status in Status) and a shared one's Fabric service tokens
// in Z.Extra ("service token <uuid>", the spelling the Fabric adapter uses,
// for the cross-provider join). A VC row (vlan-vc, vrf-vc) has the Metal
// side as A (project, metro, the Metro VLAN) and the port as Z (the NNI
// VLAN). Statuses are kept raw and normalised (VCState, PortState,
// InterconnectionState; the interconnection status is free text).
// Waiting on us: VLAN VCs in waiting_on_customer_vlan (ActionApprove sets
// the VLAN; Prepare proposes a free virtual network), VRF VCs in
// waiting_on_peering_details, and shared interconnections whose service
// tokens are not redeemed yet (finished in Fabric, outside noctop).
//
// # Simulator
//
// NewSimulator(world) serves the API under SimBasePath ("/metal/v1") from
// a sim.World: two organizations with three projects each (one read-only
// for the demo token: 403), max(12, scale/10) interconnections over eight
// metros (65% dedicated, 25% shared with service tokens, 10% shared port
// VLAN; 60% redundant pairs; some requested, deleting, expired), about
// scale virtual circuits (VLAN and VRF, every status of both enums), their
// Metro VLANs and VRFs, and an event log per object. Transitions follow
// the world's timing (pending → activating → active or activation_failed,
// VLAN changes, deletions that end in 404); arrivals add VCs that wait for
// a customer VLAN and change VLANs of active ones. Lists are paged with
// meta (absolute next URLs, per_page capped at 100, 20 for events). Auth:
// DemoToken (everything) or DemoReadOnlyToken (reads only). Wrap it with
// sim.Faults using SimFaultHooks for Metal-style injected errors.
//
// # Deviations, on purpose
//
//   - No BGP MD5 password is ever sent: noctop shows and audits every
//     request body. Plan leaves md5 out; set it in the Metal portal.
//     Received md5 values are masked in the raw JSON the detail view shows.
//   - The port and VC event endpoints are declared to return one Event;
//     an EventList is read (and served), which also fits that schema.
//   - Nested virtual circuits are served as {"id"} references: the VC
//     schemas have no href.
package metal

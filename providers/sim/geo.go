package sim

// Metro is one metropolitan area every simulator agrees on: Fabric metros,
// IX-API metro areas, Metal/Packet facilities and ProVision sites are all
// drawn from this table, so a demo shows one consistent world.
type Metro struct {
	Code    string // Equinix-style two-letter metro code ("SV")
	Name    string // "Silicon Valley"
	Country string // ISO 3166-1 alpha-2
	Region  string // "AMER", "EMEA", "APAC"
	City    string // main city, for IX-API style metro areas
	IATA    string // nearest big airport, for IX names and Packet facility codes
	Lat     float64
	Lon     float64
	// Facilities are data centre names (IBX codes) in this metro, the first
	// being the main one.
	Facilities []string
}

// metros is the shared geography. Coordinates are approximate city
// centres; facility names follow the public IBX naming scheme.
var metros = []Metro{
	{"SV", "Silicon Valley", "US", "AMER", "San Jose", "SJC", 37.34, -121.89, []string{"SV1", "SV5", "SV8", "SV11"}},
	{"DC", "Ashburn", "US", "AMER", "Ashburn", "IAD", 39.04, -77.49, []string{"DC2", "DC5", "DC6", "DC11", "DC15"}},
	{"NY", "New York", "US", "AMER", "New York", "JFK", 40.71, -74.01, []string{"NY2", "NY4", "NY5", "NY9"}},
	{"CH", "Chicago", "US", "AMER", "Chicago", "ORD", 41.88, -87.63, []string{"CH1", "CH2", "CH4"}},
	{"DA", "Dallas", "US", "AMER", "Dallas", "DFW", 32.78, -96.80, []string{"DA1", "DA3", "DA6"}},
	{"LA", "Los Angeles", "US", "AMER", "Los Angeles", "LAX", 34.05, -118.24, []string{"LA1", "LA3", "LA4"}},
	{"SE", "Seattle", "US", "AMER", "Seattle", "SEA", 47.61, -122.33, []string{"SE2", "SE3"}},
	{"AT", "Atlanta", "US", "AMER", "Atlanta", "ATL", 33.75, -84.39, []string{"AT1", "AT4"}},
	{"TR", "Toronto", "CA", "AMER", "Toronto", "YYZ", 43.65, -79.38, []string{"TR1", "TR2"}},
	{"SP", "Sao Paulo", "BR", "AMER", "Sao Paulo", "GRU", -23.55, -46.63, []string{"SP2", "SP3"}},
	{"LD", "London", "GB", "EMEA", "London", "LHR", 51.51, -0.13, []string{"LD4", "LD5", "LD6", "LD8"}},
	{"AM", "Amsterdam", "NL", "EMEA", "Amsterdam", "AMS", 52.37, 4.90, []string{"AM3", "AM5", "AM7"}},
	{"FR", "Frankfurt", "DE", "EMEA", "Frankfurt", "FRA", 50.11, 8.68, []string{"FR2", "FR4", "FR5", "FR6"}},
	{"PA", "Paris", "FR", "EMEA", "Paris", "CDG", 48.86, 2.35, []string{"PA2", "PA3", "PA4"}},
	{"ZH", "Zurich", "CH", "EMEA", "Zurich", "ZRH", 47.38, 8.54, []string{"ZH2", "ZH4"}},
	{"ML", "Milan", "IT", "EMEA", "Milan", "MXP", 45.46, 9.19, []string{"ML2", "ML5"}},
	{"MD", "Madrid", "ES", "EMEA", "Madrid", "MAD", 40.42, -3.70, []string{"MD2", "MD6"}},
	{"SK", "Stockholm", "SE", "EMEA", "Stockholm", "ARN", 59.33, 18.07, []string{"SK1", "SK2"}},
	{"DB", "Dublin", "IE", "EMEA", "Dublin", "DUB", 53.35, -6.26, []string{"DB1", "DB3"}},
	{"SG", "Singapore", "SG", "APAC", "Singapore", "SIN", 1.35, 103.82, []string{"SG1", "SG2", "SG3"}},
	{"HK", "Hong Kong", "HK", "APAC", "Hong Kong", "HKG", 22.32, 114.17, []string{"HK1", "HK2"}},
	{"TY", "Tokyo", "JP", "APAC", "Tokyo", "NRT", 35.68, 139.69, []string{"TY2", "TY4", "TY8"}},
	{"OS", "Osaka", "JP", "APAC", "Osaka", "KIX", 34.69, 135.50, []string{"OS1", "OS3"}},
	{"SY", "Sydney", "AU", "APAC", "Sydney", "SYD", -33.87, 151.21, []string{"SY1", "SY4", "SY5"}},
	{"ME", "Melbourne", "AU", "APAC", "Melbourne", "MEL", -37.81, 144.96, []string{"ME1", "ME2"}},
	{"MB", "Mumbai", "IN", "APAC", "Mumbai", "BOM", 19.08, 72.88, []string{"MB1", "MB2"}},
}

// Metros returns the shared metro table (a copy; callers may keep it).
func Metros() []Metro {
	out := make([]Metro, len(metros))
	for i, m := range metros {
		m.Facilities = append([]string(nil), m.Facilities...)
		out[i] = m
	}
	return out
}

// MetroByCode finds a metro by its code.
func MetroByCode(code string) (Metro, bool) {
	for _, m := range metros {
		if m.Code == code {
			m.Facilities = append([]string(nil), m.Facilities...)
			return m, true
		}
	}
	return Metro{}, false
}

// Facility is one data centre with the metro it belongs to.
type Facility struct {
	Code  string // "SV5"
	Metro Metro
}

// Facilities returns every facility of every metro, in table order.
func Facilities() []Facility {
	var out []Facility
	for _, m := range Metros() {
		for _, f := range m.Facilities {
			out = append(out, Facility{Code: f, Metro: m})
		}
	}
	return out
}

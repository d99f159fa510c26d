package model

// Field is one labelled value for detail views, kept in API order.
type Field struct {
	Key   string
	Value string
}

// Node is one element of an inventory tree (provider > metro > facility >
// device > port > connection, or org > project > connection > port > VC).
type Node struct {
	Ref      Ref
	Kind     string // "metro", "facility", "device", "port" ...
	Label    string
	State    State
	RawState string
	Fields   []Field
	Children []Node
	// Light holds a port's optical levels when the provider reports them.
	Light *LightLevels
	// Actions are the actions the provider offers on this node now (bond,
	// power off ...): the UI binds their keys only where they are listed.
	// The planner still has the final word.
	Actions []ActionKind
}

package app

import "encoding/json"

// Nullable is a JSON field that distinguishes "absent" (Set false), "null"
// (Set true, Null true) and a value — what a partial update (PATCH) needs.
type Nullable[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON implements json.Unmarshaler; it runs only when the field is
// present.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.Null = true
		return nil
	}
	return json.Unmarshal(b, &n.Value)
}

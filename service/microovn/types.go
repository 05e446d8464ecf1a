// Package microovn is MicroOVN's API as MicroCloud uses it: the wire types
// of its /1.0 endpoints (the lab's MicroOVN serves the same ones) and the
// calls the executor makes beyond cluster membership.
package microovn

// ServiceEntry is one row of GET /1.0/services.
type ServiceEntry struct {
	Service  string `json:"service"`
	Location string `json:"location"`
}

// ServiceResponse answers PUT/DELETE /1.0/service/{service}.
type ServiceResponse struct {
	Message  string          `json:"message"`
	Warnings ServiceWarnings `json:"warnings"`
}

// ServiceWarnings are MicroOVN's warnings about central placement.
type ServiceWarnings struct {
	EvenCentral bool `json:"EvenCentral"`
	FewCentral  bool `json:"FewCentral"`
}

// ServiceDisable is the body of DELETE /1.0/service/{service}.
type ServiceDisable struct {
	AllowDisableLastCentral bool `json:"allowDisableLastCentral"`
}

// ConfigRequest is the body of GET, POST and DELETE /1.0/config.
type ConfigRequest struct {
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

// ConfigResponse answers GET /1.0/config.
type ConfigResponse struct {
	Value string `json:"value"`
	IsSet bool   `json:"isSet"`
	Error string `json:"error"`
}

package service

import (
	"encoding/base64"
	"encoding/json"
	"slices"
)

// preferJoinAddress puts address first among a microcluster join token's
// join addresses, and leaves the token as it is when it cannot.
//
// A joiner tries the addresses in the token's order and gives up at the
// first member whose certificate is not the cluster's. microcluster lists
// them in no order (a map), and includes members still joining, whose
// listener serves their own certificate until their join ends ("Cluster
// certificate token does not match that of cluster member"). Concurrent
// joins hit that; the member that issued the token is settled.
func preferJoinAddress(token string, address string) string {
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return token
	}

	// Every other field is carried over untouched.
	var fields map[string]json.RawMessage
	var addresses []string
	if json.Unmarshal(raw, &fields) != nil || json.Unmarshal(fields["join_addresses"], &addresses) != nil {
		return token
	}

	i := slices.Index(addresses, address)
	if i <= 0 {
		return token
	}

	addresses = append([]string{address}, slices.Delete(addresses, i, i+1)...)
	fields["join_addresses"], err = json.Marshal(addresses)
	if err != nil {
		return token
	}

	raw, err = json.Marshal(fields)
	if err != nil {
		return token
	}

	return base64.StdEncoding.EncodeToString(raw)
}

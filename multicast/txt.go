// Package multicast announces a machine that wants to join a MicroCloud and
// looks such machines up, with mDNS (service _microcloud._tcp) on one
// chosen interface. An announcement says who the machine is and what it
// runs; it never carries a secret: trust comes from the session passphrase.
package multicast

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
)

// Service is the mDNS service name.
const Service = "_microcloud._tcp"

// ProtocolVersion is the version of the announcement and of the trust
// session behind it. Peers with another version are shown as incompatible.
const ProtocolVersion = "2"

// maxTXTString is the DNS limit for one TXT character-string.
const maxTXTString = 255

// ServiceInfo is one service a machine runs.
type ServiceInfo struct {
	Type       string
	Version    string
	Extensions []string
}

// Announcement is what a joining machine tells the network.
type Announcement struct {
	Version     string
	Name        string
	Address     string
	Port        int
	Fingerprint string
	Services    []ServiceInfo
}

// TXT encodes the announcement as TXT strings of key=value. A value too long
// for one string is split over key*0=, key*1=, ... so that long host names
// and long extension lists survive.
func (a Announcement) TXT() []string {
	pairs := [][2]string{
		{"v", a.Version},
		{"name", a.Name},
		{"addr", a.Address},
		{"port", strconv.Itoa(a.Port)},
		{"fp", a.Fingerprint},
	}

	for _, s := range a.Services {
		slug := strings.ToLower(s.Type)
		pairs = append(pairs, [2]string{"s." + slug, s.Version})
		if len(s.Extensions) > 0 {
			pairs = append(pairs, [2]string{"x." + slug, strings.Join(s.Extensions, ",")})
		}
	}

	var out []string
	for _, p := range pairs {
		out = append(out, chunk(p[0], p[1])...)
	}

	return out
}

func chunk(key string, value string) []string {
	if len(key)+1+len(value) <= maxTXTString {
		return []string{key + "=" + value}
	}

	var out []string
	for i := 0; len(value) > 0; i++ {
		prefix := fmt.Sprintf("%s*%d=", key, i)
		n := min(maxTXTString-len(prefix), len(value))
		out = append(out, prefix+value[:n])
		value = value[n:]
	}

	return out
}

// ParseTXT decodes TXT strings. Unknown keys are ignored (newer peers may
// say more); a missing or malformed required field is an error.
func ParseTXT(fields []string) (Announcement, error) {
	values := map[string]string{}
	chunks := map[string]map[int]string{}
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}

		base, idx, isChunk := strings.Cut(k, "*")
		if isChunk {
			i, err := strconv.Atoi(idx)
			if err != nil {
				return Announcement{}, fmt.Errorf("Bad TXT chunk key %q", k)
			}

			if chunks[base] == nil {
				chunks[base] = map[int]string{}
			}

			chunks[base][i] = v
			continue
		}

		values[k] = v
	}

	for key, parts := range chunks {
		var b strings.Builder
		for i := 0; i < len(parts); i++ {
			part, ok := parts[i]
			if !ok {
				return Announcement{}, fmt.Errorf("TXT value %q lacks chunk %d", key, i)
			}

			b.WriteString(part)
		}

		values[key] = b.String()
	}

	a := Announcement{Version: values["v"], Name: values["name"], Address: values["addr"], Fingerprint: values["fp"]}
	if a.Version == "" {
		return a, fmt.Errorf("Announcement has no protocol version")
	}

	if a.Version != ProtocolVersion {
		// The rest may follow another format: report what can be read.
		return a, nil
	}

	if a.Name == "" {
		return a, fmt.Errorf("Announcement has no name")
	}

	if net.ParseIP(a.Address) == nil {
		return a, fmt.Errorf("Announcement address %q is not an IP address", a.Address)
	}

	port, err := strconv.Atoi(values["port"])
	if err != nil || port <= 0 || port > 65535 {
		return a, fmt.Errorf("Announcement port %q is invalid", values["port"])
	}

	a.Port = port
	if len(a.Fingerprint) != 64 {
		return a, fmt.Errorf("Announcement fingerprint %q is not a SHA-256 fingerprint", a.Fingerprint)
	}

	var slugs []string
	for k := range values {
		if strings.HasPrefix(k, "s.") {
			slugs = append(slugs, strings.TrimPrefix(k, "s."))
		}
	}

	sort.Strings(slugs)
	for _, slug := range slugs {
		s := ServiceInfo{Type: slug, Version: values["s."+slug]}
		if ext := values["x."+slug]; ext != "" {
			s.Extensions = strings.Split(ext, ",")
		}

		a.Services = append(a.Services, s)
	}

	return a, nil
}

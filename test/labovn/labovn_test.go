package labovn

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEncapIP(t *testing.T) {
	cases := []struct {
		name   string
		config map[string]string
		want   string
	}{
		{"plain key", map[string]string{"ovn-encap-ip": "10.98.0.11"}, "10.98.0.11"},
		{"host keys ignored, as MicroOVN does", map[string]string{"micro01.ovn-encap-ip": "10.98.0.11", "micro02.ovn-encap-ip": "10.98.0.12"}, "10.99.0.11"},
		{"no config", nil, "10.99.0.11"},
		{"taken as given, as MicroOVN does", map[string]string{"ovn-encap-ip": "ul0"}, "ul0"},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := EncapIP(tc.config, "10.99.0.11"); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRequestedServices(t *testing.T) {
	cases := []struct {
		value string
		want  string
		ok    bool
		err   string
	}{
		{"", "", false, ""},
		{"auto", "", false, ""},
		{"chassis,switch", "chassis switch", true, ""},
		{"central,router", "", false, "failed to parse requested services: invalid service requested: router"},
	}

	for _, tc := range cases {
		config := map[string]string{}
		if tc.value != "" {
			config["ovn-services"] = tc.value
		}

		got, ok, err := RequestedServices(config)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Fatalf("%q: err %v, want %q", tc.value, err, tc.err)
			}

			continue
		}

		if err != nil || ok != tc.ok || strings.Join(got, " ") != tc.want {
			t.Fatalf("%q: %v %v %v, want %q %v", tc.value, got, ok, err, tc.want, tc.ok)
		}
	}
}

func TestConnectAndEnv(t *testing.T) {
	got := Connect("ssl", []string{"10.99.0.12", "10.99.0.11", "fd99::13"}, NBPort)
	if got != "ssl:10.99.0.11:6641,ssl:10.99.0.12:6641,ssl:[fd99::13]:6641" {
		t.Fatalf("Connect: %s", got)
	}

	env := Env{CentralIPs: []string{"10.99.0.11", "10.99.0.12"}, LocalIP: "10.99.0.11"}.Render()
	for _, want := range []string{`OVN_INITIAL_NB="10.99.0.12"`, `OVN_NB_CONNECT="ssl:10.99.0.11:6641,ssl:10.99.0.12:6641"`,
		`OVN_SB_CONNECT="ssl:10.99.0.11:6642,ssl:10.99.0.12:6642"`, `OVN_LOCAL_IP="10.99.0.11"`} {
		if !strings.Contains(env, want) {
			t.Errorf("env lacks %s:\n%s", want, env)
		}
	}

	single := Env{CentralIPs: []string{"10.99.0.11"}, LocalIP: "10.99.0.11"}.Render()
	if !strings.Contains(single, `OVN_INITIAL_NB="10.99.0.11"`) {
		t.Errorf("single central env:\n%s", single)
	}
}

func TestMicroOVNVersion(t *testing.T) {
	for in, want := range map[string]string{"23.03.1": "23.03", "24.03": "24.03", "24.09.0-1": "24.09", "dev": "dev"} {
		if got := MicroOVNVersion(in); got != want {
			t.Errorf("MicroOVNVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseOVNVersion(t *testing.T) {
	got, err := ParseOVNVersion("ovn-nbctl 23.03.1\nOpen vSwitch Library 3.1.0\nDB Schema 7.0.0\n")
	if err != nil || got != "23.03.1" {
		t.Fatalf("%q %v", got, err)
	}

	_, err = ParseOVNVersion("")
	if err == nil {
		t.Fatal("empty output accepted")
	}
}

func TestPlacement(t *testing.T) {
	p := Placement{Rows: []ServiceRow{
		{"micro01", "10.99.0.11", ServiceCentral}, {"micro01", "10.99.0.11", ServiceChassis},
		{"micro02", "10.99.0.12", ServiceCentral}, {"micro03", "10.99.0.13", ServiceSwitch},
	}}

	if !p.Runs("micro01", ServiceChassis) || p.Runs("micro03", ServiceCentral) || p.Count(ServiceCentral) != 2 {
		t.Fatal("Runs/Count")
	}

	if strings.Join(p.CentralIPs(), ",") != "10.99.0.11,10.99.0.12" {
		t.Fatalf("CentralIPs %v", p.CentralIPs())
	}

	p.ExternalCentral = []string{"192.0.2.1"}
	if strings.Join(p.CentralIPs(), ",") != "192.0.2.1" {
		t.Fatalf("external central %v", p.CentralIPs())
	}
}

func TestCentralWarnings(t *testing.T) {
	cases := map[int]ServiceWarnings{0: {FewCentral: true}, 1: {FewCentral: true}, 2: {FewCentral: true, EvenCentral: true}, 3: {}, 4: {EvenCentral: true}}
	for n, want := range cases {
		if got := centralWarnings(n); got != want {
			t.Errorf("%d centrals: %+v, want %+v", n, got, want)
		}
	}
}

func TestCAIssueAndLoad(t *testing.T) {
	now := time.Now()
	ca, err := NewCA("test CA", now)
	if err != nil {
		t.Fatal(err)
	}

	again, err := LoadCA(ca.CertPEM, ca.KeyPEM)
	if err != nil || !again.Cert.Equal(ca.Cert) {
		t.Fatalf("reload: %v", err)
	}

	certPEM, _, err := ca.Issue("micro01", []net.IP{net.ParseIP("10.99.0.11")}, now)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "c.pem")
	err = os.WriteFile(path, certPEM, 0o600)
	if err != nil {
		t.Fatal(err)
	}

	if !signedBy(path, ca) {
		t.Fatal("issued certificate not signed by its CA")
	}

	other, _ := NewCA("other", now)
	if signedBy(path, other) {
		t.Fatal("certificate accepted by another CA")
	}

	_, err = LoadCA(ca.CertPEM, other.KeyPEM)
	if err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("mismatched key: %v", err)
	}

	_, err = LoadCA(certPEM, ca.KeyPEM)
	if err == nil {
		t.Fatal("a leaf certificate accepted as CA")
	}
}

func TestCustomCA(t *testing.T) {
	ca, err := NewCA("mine", time.Now())
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	_ = os.WriteFile(certPath, ca.CertPEM, 0o600)
	_ = os.WriteFile(keyPath, ca.KeyPEM, 0o600)

	got, err := customCA(map[string]string{"ovn-ca-cert": certPath, "ovn-ca-key": keyPath})
	if err != nil || got == nil || !got.Cert.Equal(ca.Cert) {
		t.Fatalf("custom CA: %v", err)
	}

	none, err := customCA(map[string]string{})
	if none != nil || err != nil {
		t.Fatal("no custom CA expected")
	}

	_, err = customCA(map[string]string{"ovn-ca-cert": certPath})
	if err == nil || !strings.Contains(err.Error(), "needs both") {
		t.Fatalf("half a CA: %v", err)
	}

	_, err = customCA(map[string]string{"ovn-ca-cert": certPath, "ovn-ca-key": filepath.Join(dir, "missing")})
	if err == nil || !strings.Contains(err.Error(), `initConfig "ovn-ca-key"`) {
		t.Fatalf("missing key file: %v", err)
	}
}

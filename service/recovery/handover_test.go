package recovery

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSelf(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want, wantErr string
	}{
		{"member", "name: micro02\naddress: 10.99.0.12:9443\nservers: {}\n", "micro02 10.99.0.12:9443", ""},
		{"not clustered", "servers: {}\n", "", "names no member and address"},
		{"garbage", "name: [\n", "", "daemon.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			err := os.WriteFile(filepath.Join(dir, "daemon.yaml"), []byte(tc.yaml), 0o600)
			if err != nil {
				t.Fatal(err)
			}

			name, address, err := Self(dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Self = %v, want an error with %q", err, tc.wantErr)
				}

				return
			}

			if err != nil || name+" "+address != tc.want {
				t.Fatalf("Self = %s %s %v, want %s", name, address, err, tc.want)
			}
		})
	}
}

func TestTrusted(t *testing.T) {
	dir := t.TempDir()
	member, stranger := selfSigned(t, "micro01"), selfSigned(t, "stranger")
	err := os.MkdirAll(filepath.Join(dir, "truststore"), 0o700)
	if err != nil {
		t.Fatal(err)
	}

	entry := "name: micro01\naddress: 10.99.0.11:9443\ncertificate: |\n  " + strings.ReplaceAll(strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: member}))), "\n", "\n  ") + "\n"
	err = os.WriteFile(filepath.Join(dir, "truststore", "micro01.yaml"), []byte(entry), 0o600)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		der  []byte
		want bool
	}{
		{"a member", member, true},
		{"a stranger", stranger, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Trusted(dir, tc.der)
			if err != nil || got != tc.want {
				t.Fatalf("Trusted = %v %v, want %v", got, err, tc.want)
			}
		})
	}
}

func selfSigned(t *testing.T, name string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}

	return der
}

package labovn

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/canonical/lxd/shared/logger"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// Node is this member as the OVN programs see it.
type Node struct {
	layout Layout
	name   string
	ip     string
}

func (n *Node) warn(msg string) {
	logger.Warn(msg, logger.Ctx{"member": n.name})
}

// encapIP is the recorded encapsulation IP, or the member's address.
func (n *Node) encapIP() string {
	data, err := os.ReadFile(n.layout.EncapIPFile())
	if err != nil || len(bytes.TrimSpace(data)) == 0 {
		return n.ip
	}

	return string(bytes.TrimSpace(data))
}

// pkiServices are the certificates a member needs for the services it runs.
func pkiServices(central bool, chassis bool) []string {
	out := []string{"client"}
	if central {
		out = append(out, "ovnnb", "ovnsb", "ovn-northd")
	}

	if chassis {
		out = append(out, "ovn-controller")
	}

	return out
}

// writePKI writes the CA and issues the member's certificates, keeping ones
// that the current CA already signed.
func (n *Node) writePKI(ca *CA, services []string) error {
	err := os.MkdirAll(n.layout.PKI, 0o700)
	if err != nil {
		return err
	}

	err = os.WriteFile(n.layout.CACert(), ca.CertPEM, 0o644)
	if err != nil {
		return err
	}

	for _, svc := range services {
		certPath, _ := n.layout.Cert(svc)
		if signedBy(certPath, ca) {
			continue
		}

		err := n.issue(ca, svc)
		if err != nil {
			return err
		}
	}

	return nil
}

// issue writes a new certificate and key for one of the member's services.
// OVN's programs notice changed files by themselves.
func (n *Node) issue(ca *CA, svc string) error {
	ips := []net.IP{net.ParseIP(n.ip)}
	if encap := net.ParseIP(n.encapIP()); encap != nil && !encap.Equal(ips[0]) {
		ips = append(ips, encap)
	}

	certPEM, keyPEM, err := ca.Issue(n.name, ips, time.Now())
	if err != nil {
		return err
	}

	certPath, keyPath := n.layout.Cert(svc)
	err = labsvc.WriteFileAtomic(keyPath, keyPEM, 0o600)
	if err != nil {
		return err
	}

	return labsvc.WriteFileAtomic(certPath, certPEM, 0o644)
}

func signedBy(certPath string, ca *CA) bool {
	data, err := os.ReadFile(certPath)
	if err != nil {
		return false
	}

	block, _ := pem.Decode(data)
	if block == nil {
		return false
	}

	cert, err := x509.ParseCertificate(block.Bytes)
	return err == nil && cert.CheckSignatureFrom(ca.Cert) == nil && time.Now().Before(cert.NotAfter)
}

// publish writes ovn.env, which MicroOVN keeps for its clients. Like the
// real MicroOVN it puts no client PKI where LXD reads it (/etc/ovn): that is
// MicroCloud's job.
func (n *Node) publish(centralIPs []string) error {
	err := os.MkdirAll(n.layout.Env, 0o755)
	if err != nil {
		return err
	}

	env := Env{CentralIPs: centralIPs, LocalIP: n.ip}
	return os.WriteFile(filepath.Join(n.layout.Env, "ovn.env"), []byte(env.Render()), 0o644)
}

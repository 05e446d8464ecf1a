package labceph

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"
)

// NewKey makes a cephx secret in the form ceph-authtool --gen-print-key
// prints: base64 of {type u16 = 1 (AES), created (u32 s, u32 ns), length u16
// = 16, 16 random bytes}, all little-endian. Making it here spares a process
// per key and keeps key creation testable.
func NewKey() (string, error) {
	secret := make([]byte, 16)
	_, err := rand.Read(secret)
	if err != nil {
		return "", err
	}

	return encodeKey(time.Now(), secret), nil
}

func encodeKey(created time.Time, secret []byte) string {
	buf := make([]byte, 0, 12+len(secret))
	buf = binary.LittleEndian.AppendUint16(buf, 1)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(created.Unix()))
	buf = binary.LittleEndian.AppendUint32(buf, uint32(created.Nanosecond()))
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(secret)))
	buf = append(buf, secret...)
	return base64.StdEncoding.EncodeToString(buf)
}

// ValidKey reports whether s has the shape of a cephx AES secret.
func ValidKey(s string) bool {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != 28 {
		return false
	}

	return binary.LittleEndian.Uint16(raw[0:2]) == 1 && binary.LittleEndian.Uint16(raw[10:12]) == 16
}

// Capabilities of the entities the lab creates.
var (
	adminCaps = map[string]string{"mon": "allow *", "osd": "allow *", "mds": "allow *", "mgr": "allow *"}
	monCaps   = map[string]string{"mon": "allow *"}
)

// Keyring renders one keyring entry (the format ceph-authtool writes).
func Keyring(entity string, key string, caps map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]\n\tkey = %s\n", entity, key)
	names := make([]string, 0, len(caps))
	for name := range caps {
		names = append(names, name)
	}

	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&b, "\tcaps %s = %q\n", name, caps[name])
	}

	return b.String()
}

// NewUUID returns a random (version 4) UUID, for the cluster fsid and OSDs.
func NewUUID() (string, error) {
	b := make([]byte, 16)
	_, err := rand.Read(b)
	if err != nil {
		return "", err
	}

	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

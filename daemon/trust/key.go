package trust

import (
	"crypto/rand"
	"runtime/debug"

	"golang.org/x/crypto/argon2"
)

// Key derivation parameters (argon2id). They are part of the protocol
// version (multicast.ProtocolVersion): both sides must use the same.
// 19 MiB and two passes are one of OWASP's equivalent argon2id settings:
// each offline guess costs about as much as with 46 MiB and one pass, but
// a daemon that stays resident needs a third of the memory for it (a
// joining microcloudd's peak was 64 MiB of KDF on a 22 MiB daemon).
const (
	SaltSize   = 16
	keyTime    = 2
	keyMemory  = 19 * 1024
	keyThreads = 2
	keySize    = 32
)

// NewSalt returns a random salt, one per session, so that no guessing work
// carries over from one session to another.
func NewSalt() ([]byte, error) {
	salt := make([]byte, SaltSize)
	_, err := rand.Read(salt)
	return salt, err
}

// DeriveKey turns a passphrase into the session's MAC key. The KDF's
// memory is garbage as soon as the key is made: it is handed back to the
// system at once, not after minutes of Go's background scavenging, so that
// an idle microcloudd stays small.
func DeriveKey(passphrase string, salt []byte) []byte {
	key := argon2.IDKey([]byte(Normalize(passphrase)), salt, keyTime, keyMemory, keyThreads, keySize)
	debug.FreeOSMemory()
	return key
}

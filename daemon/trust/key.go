package trust

import (
	"crypto/rand"

	"golang.org/x/crypto/argon2"
)

// Key derivation parameters (argon2id). They are part of the protocol
// version: both sides must use the same. 64 MiB and one pass take about
// 0.1 s on a small machine and make each offline guess as costly.
const (
	SaltSize   = 16
	keyTime    = 1
	keyMemory  = 64 * 1024
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

// DeriveKey turns a passphrase into the session's MAC key.
func DeriveKey(passphrase string, salt []byte) []byte {
	return argon2.IDKey([]byte(Normalize(passphrase)), salt, keyTime, keyMemory, keyThreads, keySize)
}

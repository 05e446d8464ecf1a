// Package trust holds the cryptography of a discovery session: the
// passphrase the operator carries from the initiator to each joiner, the key
// derived from it with a memory-hard function, and the MACs that every
// request and response between initiator and joiner carry, so that each side
// proves knowledge of the passphrase before certificates are pinned.
package trust

import (
	"crypto/rand"
	_ "embed"
	"errors"
	"math/big"
	"strings"
)

//go:embed wordlist.txt
var wordlistText string

// Words is the passphrase vocabulary (2,848 short English words).
var Words = parseWords(wordlistText)

// PassphraseWords is how many words a generated passphrase has: about 46
// bits, which the key derivation makes too slow to guess offline.
const PassphraseWords = 4

func parseWords(text string) []string {
	var words []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}

		words = append(words, line)
	}

	return words
}

// NewPassphrase draws PassphraseWords words uniformly at random.
func NewPassphrase() (string, error) {
	if len(Words) == 0 {
		return "", errors.New("No passphrase words")
	}

	words := make([]string, PassphraseWords)
	for i := range words {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(Words))))
		if err != nil {
			return "", err
		}

		words[i] = Words[n.Int64()]
	}

	return strings.Join(words, " "), nil
}

// Normalize makes passphrases typed with different case or spacing equal:
// "Bold  Cabin frog dune " and "bold cabin frog dune" derive the same key.
func Normalize(passphrase string) string {
	return strings.Join(strings.Fields(strings.ToLower(passphrase)), " ")
}

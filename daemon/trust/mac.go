package trust

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Scheme names the MAC format in the Authorization header; it changes with
// any change to what is signed or to the key derivation.
const Scheme = "MicroCloud-Session-1"

// Header carries request and response MACs.
const Header = "X-MicroCloud-Auth"

// Errors a verifier returns. They are deliberately terse on the wire: a
// peer without the passphrase learns nothing but "authentication failed".
var (
	ErrMissing = errors.New("missing authentication")
	ErrBadMAC  = errors.New("authentication failed")
	ErrReplay  = errors.New("replayed request")
)

// Request is what a request MAC covers: the call itself, who sends it to
// whom (certificate fingerprints, so that a MAC is useless on another TLS
// connection), a one-time nonce and the body.
type Request struct {
	Method     string
	Path       string
	SenderFP   string
	ReceiverFP string
	Nonce      string
	Body       []byte
}

func (r Request) message() []byte {
	sum := sha256.Sum256(r.Body)
	return []byte(strings.Join([]string{Scheme, "request", r.Method, r.Path, r.SenderFP, r.ReceiverFP, r.Nonce, hex.EncodeToString(sum[:])}, "\n"))
}

// Response is what a response MAC covers: the request it answers (by
// nonce), the responder, the status and the body.
type Response struct {
	RequestNonce string
	SenderFP     string
	Status       int
	Body         []byte
}

func (r Response) message() []byte {
	sum := sha256.Sum256(r.Body)
	return []byte(strings.Join([]string{Scheme, "response", r.RequestNonce, r.SenderFP, strconv.Itoa(r.Status), hex.EncodeToString(sum[:])}, "\n"))
}

func mac(key []byte, message []byte) string {
	h := hmac.New(sha256.New, key)
	h.Write(message)
	return hex.EncodeToString(h.Sum(nil))
}

// NewNonce returns 128 random bits in hex.
func NewNonce() (string, error) {
	b := make([]byte, 16)
	_, err := rand.Read(b)
	return hex.EncodeToString(b), err
}

// SignRequest returns the header value for a request.
func SignRequest(key []byte, r Request) string {
	return fmt.Sprintf("%s nonce=%s,mac=%s", Scheme, r.Nonce, mac(key, r.message()))
}

// SignResponse returns the header value for a response.
func SignResponse(key []byte, r Response) string {
	return fmt.Sprintf("%s mac=%s", Scheme, mac(key, r.message()))
}

// parseHeader reads "MicroCloud-Session-1 k=v,k=v".
func parseHeader(value string) (map[string]string, error) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(value), " ")
	if !ok || scheme != Scheme {
		return nil, ErrMissing
	}

	out := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			out[k] = v
		}
	}

	return out, nil
}

// VerifyRequest checks a request's header against the key and the nonce
// cache. r.Nonce is filled in from the header.
func VerifyRequest(key []byte, header string, r *Request, nonces *NonceCache) error {
	fields, err := parseHeader(header)
	if err != nil {
		return err
	}

	r.Nonce = fields["nonce"]
	if r.Nonce == "" || fields["mac"] == "" {
		return ErrMissing
	}

	if !hmac.Equal([]byte(fields["mac"]), []byte(mac(key, r.message()))) {
		return ErrBadMAC
	}

	if nonces != nil && !nonces.Fresh(r.Nonce) {
		return ErrReplay
	}

	return nil
}

// VerifyResponse checks a response's header.
func VerifyResponse(key []byte, header string, r Response) error {
	fields, err := parseHeader(header)
	if err != nil {
		return err
	}

	if fields["mac"] == "" {
		return ErrMissing
	}

	if !hmac.Equal([]byte(fields["mac"]), []byte(mac(key, r.message()))) {
		return ErrBadMAC
	}

	return nil
}

// NonceCache remembers the nonces of a session's authenticated requests,
// so that a captured request cannot be played again.
type NonceCache struct {
	mu   sync.Mutex
	seen map[string]struct{}
}

// Fresh records nonce and reports whether it was new.
func (c *NonceCache) Fresh(nonce string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]struct{}{}
	}

	if _, ok := c.seen[nonce]; ok {
		return false
	}

	c.seen[nonce] = struct{}{}
	return true
}

package session

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/microcloud-project/microcloud/daemon/trust"
)

// PeerPath is the prefix of the peer-to-peer endpoints.
const PeerPath = "/1.0/session/peer/"

// Peer endpoints.
const (
	pathHello   = PeerPath + "hello"
	pathInvite  = PeerPath + "invite"
	pathJoin    = PeerPath + "join"
	pathConfirm = PeerPath + "confirm"
	pathStop    = PeerPath + "stop"
	pathPing    = PeerPath + "ping"

	// Initiator to a confirmed joiner: describe yourself, join MicroCloud.
	pathInventory = PeerPath + "inventory"
	pathCluster   = PeerPath + "cluster"
)

// callTimeout bounds one call to a peer.
const callTimeout = 15 * time.Second

// peerCall is one call to a peer. With a key, the request carries a MAC and
// the response must carry one; pinFP then names the certificate the peer
// must present.
type peerCall struct {
	address string
	port    int
	pinFP   string
	method  string
	path    string
	body    any
	key     []byte
}

// peerReply is what came back.
type peerReply struct {
	status   int
	body     []byte
	serverFP string
}

// errorBody is the JSON of a failed peer call.
type errorBody struct {
	Error string `json:"error"`
}

func (r peerReply) err() error {
	if r.status < 300 {
		return nil
	}

	var e errorBody
	_ = json.Unmarshal(r.body, &e)
	if e.Error == "" {
		e.Error = http.StatusText(r.status)
	}

	return &peerError{status: r.status, message: e.Error}
}

type peerError struct {
	status  int
	message string
}

func (e *peerError) Error() string {
	return e.message
}

func statusOf(err error) int {
	var pe *peerError
	if errors.As(err, &pe) {
		return pe.status
	}

	return 0
}

// errResponseMAC means the peer answered without proving the passphrase.
var errResponseMAC = errors.New("the response did not prove knowledge of the passphrase")

// call performs a peer call over TLS, presenting this machine's certificate.
func (s *Session) call(ctx context.Context, c peerCall) (peerReply, error) {
	body, err := json.Marshal(c.body)
	if err != nil {
		return peerReply{}, err
	}

	var serverFP string
	tlsConfig := &tls.Config{
		Certificates:       []tls.Certificate{s.cert},
		InsecureSkipVerify: true, // Verification is the pinning below.
		MinVersion:         tls.VersionTLS12,
		NextProtos:         []string{"http/1.1"},
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return errors.New("peer presented no certificate")
			}

			serverFP = Fingerprint(raw[0])
			if c.pinFP != "" && serverFP != c.pinFP {
				return fmt.Errorf("peer certificate %s is not the expected %s", short(serverFP), short(c.pinFP))
			}

			return nil
		},
	}

	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	url := "https://" + net.JoinHostPort(c.address, strconv.Itoa(c.port)) + c.path
	req, err := http.NewRequestWithContext(ctx, c.method, url, bytes.NewReader(body))
	if err != nil {
		return peerReply{}, err
	}

	req.Header.Set("Content-Type", "application/json")
	var nonce string
	if c.key != nil {
		if c.pinFP == "" {
			return peerReply{}, errors.New("an authenticated call needs the peer's fingerprint")
		}

		nonce, err = trust.NewNonce()
		if err != nil {
			return peerReply{}, err
		}

		req.Header.Set(trust.Header, trust.SignRequest(c.key, trust.Request{
			Method: c.method, Path: c.path, SenderFP: s.certFP, ReceiverFP: c.pinFP, Nonce: nonce, Body: body,
		}))
	}

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig, DisableKeepAlives: true, ForceAttemptHTTP2: false}}
	resp, err := client.Do(req)
	if err != nil {
		return peerReply{}, err
	}

	defer resp.Body.Close()
	respBody, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return peerReply{}, err
	}

	reply := peerReply{status: resp.StatusCode, body: respBody, serverFP: serverFP}
	if c.key != nil && resp.StatusCode < 300 {
		err := trust.VerifyResponse(c.key, resp.Header.Get(trust.Header), trust.Response{
			RequestNonce: nonce, SenderFP: c.pinFP, Status: resp.StatusCode, Body: respBody,
		})
		if err != nil {
			return reply, errResponseMAC
		}
	}

	return reply, nil
}

// incoming is a peer request read by a handler.
type incoming struct {
	r        *http.Request
	body     []byte
	clientFP string
	client   *x509.Certificate
	nonce    string
}

func readIncoming(r *http.Request) (*incoming, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}

	in := &incoming{r: r, body: body}
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		in.client = r.TLS.PeerCertificates[0]
		in.clientFP = Fingerprint(in.client.Raw)
	}

	return in, nil
}

// verify checks the request's MAC: it must come from the TLS client it
// claims, for this machine, under the session key, and be new.
func (s *Session) verify(in *incoming) error {
	if in.clientFP == "" {
		return errors.New("no client certificate")
	}

	req := trust.Request{Method: in.r.Method, Path: in.r.URL.Path, SenderFP: in.clientFP, ReceiverFP: s.info.Fingerprint, Body: in.body}
	err := trust.VerifyRequest(s.key, in.r.Header.Get(trust.Header), &req, &s.nonces)
	in.nonce = req.Nonce
	return err
}

// writeReply answers a peer; signed replies carry a MAC over the exact bytes.
func writeReply(w http.ResponseWriter, status int, body any, key []byte, in *incoming, listenerFP string) {
	data, err := json.Marshal(body)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}

	if key != nil && in != nil && in.nonce != "" && status < 300 {
		w.Header().Set(trust.Header, trust.SignResponse(key, trust.Response{RequestNonce: in.nonce, SenderFP: listenerFP, Status: status, Body: data}))
	}

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeReply(w, status, errorBody{Error: message}, nil, nil, "")
}

func short(fp string) string {
	if len(fp) > 12 {
		return fp[:12]
	}

	return fp
}

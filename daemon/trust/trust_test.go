package trust

import (
	"strings"
	"testing"
	"time"
)

func TestWordlist(t *testing.T) {
	if len(Words) != 2848 {
		t.Fatalf("%d words", len(Words))
	}

	seen := map[string]bool{}
	for _, w := range Words {
		if seen[w] || len(w) > 6 || strings.ToLower(w) != w || strings.ContainsAny(w, " \t") {
			t.Fatalf("bad word %q", w)
		}

		seen[w] = true
	}
}

func TestNewPassphrase(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		p, err := NewPassphrase()
		if err != nil {
			t.Fatal(err)
		}

		if len(strings.Fields(p)) != PassphraseWords || p != Normalize(p) {
			t.Fatalf("passphrase %q", p)
		}

		seen[p] = true
	}

	if len(seen) < 49 {
		t.Fatalf("passphrases repeat: %d distinct of 50", len(seen))
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Bold  Cabin frog dune ":  "bold cabin frog dune",
		"\tbold cabin\nfrog dune": "bold cabin frog dune",
		"":                        "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q", in, got)
		}
	}
}

func TestDeriveKey(t *testing.T) {
	salt := []byte("0123456789abcdef")
	a := DeriveKey("bold cabin frog dune", salt)
	if string(a) != string(DeriveKey("BOLD cabin  frog dune", salt)) {
		t.Fatal("normalisation not applied")
	}

	if string(a) == string(DeriveKey("bold cabin frog dune", []byte("fedcba9876543210"))) {
		t.Fatal("salt ignored")
	}

	if string(a) == string(DeriveKey("bold cabin frog dunes", salt)) {
		t.Fatal("different passphrases, same key")
	}

	start := time.Now()
	DeriveKey("x", salt)
	if d := time.Since(start); d < 5*time.Millisecond {
		t.Fatalf("key derivation took %s: not memory-hard enough", d)
	}
}

func TestRequestMAC(t *testing.T) {
	key := DeriveKey("a b c d", []byte("0123456789abcdef"))
	other := DeriveKey("a b c e", []byte("0123456789abcdef"))
	base := Request{Method: "POST", Path: "/1.0/session/peer/join", SenderFP: "aa", ReceiverFP: "bb", Nonce: "n1", Body: []byte(`{"name":"micro02"}`)}
	header := SignRequest(key, base)

	verify := func(key []byte, header string, r Request, cache *NonceCache) error {
		r.Nonce = ""
		return VerifyRequest(key, header, &r, cache)
	}

	cache := &NonceCache{}
	if err := verify(key, header, base, cache); err != nil {
		t.Fatalf("genuine request refused: %v", err)
	}

	cases := []struct {
		name   string
		key    []byte
		header string
		mutate func(*Request)
		want   error
	}{
		{"replayed", key, header, func(r *Request) {}, ErrReplay},
		{"wrong key", other, header, func(r *Request) {}, ErrBadMAC},
		{"tampered body", key, header, func(r *Request) { r.Body = []byte(`{"name":"micro03"}`) }, ErrBadMAC},
		{"other path", key, header, func(r *Request) { r.Path = "/1.0/session/peer/stop" }, ErrBadMAC},
		{"other method", key, header, func(r *Request) { r.Method = "PUT" }, ErrBadMAC},
		{"other sender", key, header, func(r *Request) { r.SenderFP = "cc" }, ErrBadMAC},
		{"other receiver", key, header, func(r *Request) { r.ReceiverFP = "cc" }, ErrBadMAC},
		{"nonce swapped", key, strings.Replace(header, "nonce=n1", "nonce=n2", 1), func(r *Request) {}, ErrBadMAC},
		{"no header", key, "", func(r *Request) {}, ErrMissing},
		{"other scheme", key, "Bearer x", func(r *Request) {}, ErrMissing},
		{"no mac", key, Scheme + " nonce=n9", func(r *Request) {}, ErrMissing},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			tc.mutate(&r)
			err := verify(tc.key, tc.header, r, cache)
			if err != tc.want {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestResponseMAC(t *testing.T) {
	key := DeriveKey("a b c d", []byte("0123456789abcdef"))
	r := Response{RequestNonce: "n1", SenderFP: "aa", Status: 200, Body: []byte(`{"ok":true}`)}
	header := SignResponse(key, r)
	if VerifyResponse(key, header, r) != nil {
		t.Fatal("genuine response refused")
	}

	for name, mutate := range map[string]func(*Response){
		"other request": func(r *Response) { r.RequestNonce = "n2" },
		"other status":  func(r *Response) { r.Status = 401 },
		"tampered body": func(r *Response) { r.Body = []byte(`{"ok":false}`) },
		"other sender":  func(r *Response) { r.SenderFP = "bb" },
	} {
		changed := r
		mutate(&changed)
		if VerifyResponse(key, header, changed) != ErrBadMAC {
			t.Errorf("%s accepted", name)
		}
	}

	if VerifyResponse(DeriveKey("x y z w", []byte("0123456789abcdef")), header, r) != ErrBadMAC {
		t.Error("wrong key accepted")
	}
}

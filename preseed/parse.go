package preseed

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/microcloud-project/microcloud/service/plan"
)

// Parse reads a preseed file strictly: every unknown or misplaced key,
// duplicate key and value of the wrong type is a problem naming its path and
// line, and all of them are reported at once.
//
// The File is nil only when the data is not a YAML mapping at all (syntax
// error, empty, a list...). Otherwise it holds whatever could be decoded,
// so that Validate can report the file's other problems in the same run;
// a File that came with problems must not be used for anything else.
func Parse(data []byte) (*File, []plan.Problem) {
	var ps problems
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		ps.add("", "the preseed file is empty")
		return nil, ps
	}

	if err != nil {
		ps.add("", "the preseed file is not valid YAML: %s", yamlError(err))
		return nil, ps
	}

	var next yaml.Node
	err = dec.Decode(&next)
	switch {
	case err == nil:
		ps.add("", "the preseed file holds more than one YAML document (another starts at line %d)", next.Line)
	case !errors.Is(err, io.EOF):
		ps.add("", "the preseed file is not valid YAML: %s", yamlError(err))
	}

	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}

	if root.Kind == yaml.AliasNode && root.Alias != nil {
		root = root.Alias
	}

	switch {
	case root.Kind == yaml.DocumentNode || (root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null"):
		ps.add("", "the preseed file is empty")
		return nil, ps
	case root.Kind != yaml.MappingNode:
		ps.add("", "the preseed file must be a mapping of keys (like \"systems:\"), not %s (line %d)", describeNode(root), root.Line)
		return nil, ps
	}

	c := checker{}
	c.check(root, reflect.TypeOf(File{}), "", "")
	ps = append(ps, c.problems...)

	f := &File{}
	if c.exceeded {
		return f, ps
	}

	// Decode leniently: the checker has reported every unknown key and
	// wrong type, and whatever decodes lets Validate find the other
	// problems in the same run.
	_ = root.Decode(f)
	if len(ps) == 0 {
		// The strict decoder must agree with the checker; if it ever
		// does not, its error is the problem.
		strict := yaml.NewDecoder(bytes.NewReader(data))
		strict.KnownFields(true)
		err = strict.Decode(&File{})
		if err != nil {
			ps.add("", "%s", yamlError(err))
		}
	}

	return f, ps
}

// yamlError drops yaml.v3's "yaml: " prefix and joins its lines.
func yamlError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "\n ", "")
	return strings.ReplaceAll(msg, "\n", " ")
}

// Load parses and validates a file: Parse, Validate and ValidatePassphrase
// (passphrase is what --passphrase gave, or ""). A validation problem at or
// below a place Parse already complained about is left out: it would only
// repeat the same mistake in other words.
func Load(data []byte, passphrase string) (*File, []plan.Problem) {
	return load(data, func(f *File) []plan.Problem { return append(f.Validate(), f.ValidatePassphrase(passphrase)...) })
}

// LoadDeferringPassphrase is Load without ValidatePassphrase, for a run
// that may need no session at all (every machine already joined, as when a
// saved preseed is replayed to finish an interrupted init); the caller
// checks the passphrase once a session turns out to be needed.
func LoadDeferringPassphrase(data []byte) (*File, []plan.Problem) {
	return load(data, func(f *File) []plan.Problem { return f.Validate() })
}

func load(data []byte, validate func(*File) []plan.Problem) (*File, []plan.Problem) {
	f, ps := Parse(data)
	if f == nil {
		return nil, ps
	}

	parsed := ps
	for _, p := range validate(f) {
		covered := false
		for _, q := range parsed {
			if within(p.Path, q.Path) {
				covered = true
				break
			}
		}

		if !covered {
			ps = append(ps, p)
		}
	}

	return f, ps
}

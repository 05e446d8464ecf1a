package preseed

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxNodes bounds the work of checking one file. A preseed has a few
// hundred nodes; the bound only matters for aliases that expand a small
// document into a huge one.
const maxNodes = 100000

// checker walks a YAML node tree against the Go type it will be decoded
// into and records every unknown key, duplicate key and value of the wrong
// type, with its path and line. yaml.v3 alone reports unknown keys without
// their path, and gives up on a whole mapping at a duplicate key, so the
// walk is done here; the schema comes from the types' yaml tags, so it
// cannot drift from them. The checker also prunes what it reports (the
// keys go, wrong values become empty), so that the rest of the tree decodes
// and Validate can report the file's other problems in the same run.
type checker struct {
	problems problems
	nodes    int
	exceeded bool
}

// check checks one node; want, when not empty, says what a scalar field
// expects in the field's own words (its `expect` tag).
func (c *checker) check(n *yaml.Node, t reflect.Type, path string, want string) {
	c.nodes++
	if c.nodes > maxNodes {
		if !c.exceeded {
			c.exceeded = true
			c.problems.add("", "the file is too large or its aliases expand too much (over %d YAML nodes)", maxNodes)
		}

		return
	}

	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return
		}

		c.check(n.Alias, t, path, want)
		return
	}

	// An empty value ("ovn:" alone, or "~") leaves the zero value.
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}

	switch t.Kind() {
	case reflect.Struct:
		c.checkMapping(n, t, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.wrongType(n, path, "a list")
			return
		}

		for i, item := range n.Content {
			c.check(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), "")
		}

	default:
		c.checkScalar(n, t, path, want)
	}
}

func (c *checker) checkMapping(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.MappingNode {
		c.wrongType(n, path, "a mapping (key: value)")
		return
	}

	fields := yamlFields(t)
	seen := map[string]int{}
	var kept []*yaml.Node
	defer func() { n.Content = kept }()
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		if key.Kind != yaml.ScalarNode {
			c.problems.add(path, "a key must be a plain name (line %d)", key.Line)
			continue
		}

		// A merge key ("<<: *defaults") brings in another mapping's keys.
		if key.ShortTag() == "!!merge" {
			c.checkMerge(value, t, path)
			kept = append(kept, key, value)
			continue
		}

		keyPath := joinPath(path, key.Value)
		if first, ok := seen[key.Value]; ok {
			c.problems.add(keyPath, "duplicate key %q (line %d; first given at line %d)", key.Value, key.Line, first)
			continue
		}

		seen[key.Value] = key.Line
		field, ok := fields[key.Value]
		if !ok {
			c.problems.add(keyPath, "%s", unknownKey(key, t, fields))
			continue
		}

		c.check(value, field.Type, keyPath, field.Tag.Get("expect"))
		kept = append(kept, key, value)
		if c.exceeded {
			kept = append(kept, n.Content[i+2:]...)
			return
		}
	}
}

func (c *checker) checkMerge(value *yaml.Node, t reflect.Type, path string) {
	if value.Kind == yaml.SequenceNode {
		for _, item := range value.Content {
			c.check(item, t, path, "")
		}

		return
	}

	c.check(value, t, path, "")
}

func (c *checker) checkScalar(n *yaml.Node, t reflect.Type, path string, want string) {
	if want == "" {
		want = expectation(t)
	}

	if n.Kind != yaml.ScalarNode {
		c.wrongType(n, path, want)
		return
	}

	// Let yaml.v3 decide, so that exactly what it accepts is accepted
	// ("yes" for a bool, "0x10" for a number, like the reference).
	err := n.Decode(reflect.New(t).Interface())
	if err != nil {
		c.problems.add(path, "expected %s, got %q (line %d)", want, n.Value, n.Line)
		empty(n)
	}
}

func (c *checker) wrongType(n *yaml.Node, path string, want string) {
	c.problems.add(path, "expected %s, got %s (line %d)", want, describeNode(n), n.Line)
	empty(n)
}

// empty turns a reported value into an empty one, which decodes as the
// zero value.
func empty(n *yaml.Node) {
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func expectation(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	default:
		return "a string"
	}
}

func joinPath(path string, key string) string {
	if path == "" {
		return key
	}

	return path + "." + key
}

// yamlFields maps the YAML names of a struct's fields to the fields.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			out[name] = f
		}
	}

	return out
}

// unknownKey explains an unknown key: where it belongs if it is a key of
// another part of the file (a misplaced key), or the key it probably is.
func unknownKey(key *yaml.Node, t reflect.Type, fields map[string]reflect.StructField) string {
	msg := fmt.Sprintf("unknown key %q (line %d)", key.Value, key.Line)
	homes := allKeyHomes[key.Value]
	if len(homes) > 0 {
		return msg + ": it belongs in " + strings.Join(homes, " or ")
	}

	best, bestDistance := "", 3
	for name := range fields {
		d := editDistance(key.Value, name)
		if d < bestDistance || (d == bestDistance && name < best) {
			best, bestDistance = name, d
		}
	}

	// Only close names: "size" is two edits from "wipe", but no typo of it.
	if best != "" && bestDistance*3 <= len(key.Value) {
		return msg + fmt.Sprintf(": did you mean %q?", best)
	}

	return msg
}

var allKeyHomes = keyHomes()

// keyHomes lists, for every key of the format, the places it may appear
// ("ceph.cephfs" -> "cephfs": ["ceph"]).
func keyHomes() map[string][]string {
	homes := map[string][]string{}
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		for name, f := range yamlFields(t) {
			home := path
			if home == "" {
				home = "the top level"
			}

			homes[name] = append(homes[name], home)
			ft := f.Type
			suffix := ""
			if ft.Kind() == reflect.Slice {
				ft, suffix = ft.Elem(), "[]"
			}

			if ft.Kind() == reflect.Struct {
				walk(ft, joinPath(path, name)+suffix)
			}
		}
	}

	walk(reflect.TypeOf(File{}), "")
	for name := range homes {
		sort.Strings(homes[name])
	}

	return homes
}

// editDistance is the Levenshtein distance, for "did you mean" hints.
func editDistance(a string, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}

	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}

			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}

		prev = cur
	}

	return prev[len(b)]
}

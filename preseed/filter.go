package preseed

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/canonical/lxd/shared/filter"
	"github.com/canonical/lxd/shared/units"

	"github.com/microcloud-project/microcloud/api/types"
)

// Filter is a compiled `find` expression: clauses "field op value" joined by
// && and ||, each optionally preceded by !, evaluated left to right (no
// precedence, no parentheses) against a disk's fields. Parsing and matching
// are LXD's shared/filter, with the reference MicroCloud's operator set;
// this file adds what LXD leaves out: checked field names, operators and
// values (LXD finds those only while matching, one disk at a time), size
// units, * and % wildcards, and quoted one-word values.
type Filter struct {
	expr    string
	clauses *filter.ClauseSet
}

// diskOperators are the reference's operators for disk filters.
var diskOperators = filter.OperatorSet{
	And:          "&&",
	Or:           "||",
	Equals:       "==",
	NotEquals:    "!=",
	GreaterThan:  ">",
	LessThan:     "<",
	GreaterEqual: ">=",
	LessEqual:    "<=",
	Negate:       "!",
	Quote:        []string{`"`, `'`},
}

// DiskFields are the disk properties a filter may use: the YAML names of
// LXD's resources API, which types.Disk carries.
var DiskFields = []string{
	"id", "device", "model", "type", "read_only", "mounted", "size", "removable", "wwn", "numa_node",
	"device_path", "block_size", "firmware_version", "rpm", "serial", "device_id", "pci_address", "used_by",
}

// diskFieldKinds maps each filter field to the kind of its value in
// types.Disk, from the struct itself.
var diskFieldKinds = func() map[string]reflect.Kind {
	kinds := map[string]reflect.Kind{}
	t := reflect.TypeOf(types.Disk{})
	for _, name := range DiskFields {
		for i := 0; i < t.NumField(); i++ {
			tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if tag == name {
				kinds[name] = t.Field(i).Type.Kind()
			}
		}
	}

	return kinds
}()

// ParseFilter compiles a find expression and checks every clause: known
// field, operator that suits the field, value of the field's type.
func ParseFilter(expr string) (*Filter, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, errors.New("the filter is empty")
	}

	clauses, err := filter.Parse(unquoteWords(expr), diskOperators)
	if err != nil {
		return nil, fmt.Errorf("%s (put spaces around operators, like \"size > 10GiB && type == nvme\")", err)
	}

	for _, c := range clauses.Clauses {
		err := checkClause(c)
		if err != nil {
			return nil, err
		}
	}

	clauses.ParseUint = parseUint
	clauses.ParseBool = parseBool
	clauses.ParseRegexp = wildcardPattern
	f := &Filter{expr: expr, clauses: clauses}

	// Match evaluates every clause without short-circuit, so one trial
	// proves that no disk can make matching fail.
	_, err = filter.Match(types.Disk{}, *clauses)
	if err != nil {
		return nil, err
	}

	return f, nil
}

// String returns the expression as written.
func (f *Filter) String() string {
	return f.expr
}

// Match reports whether a disk satisfies the filter.
func (f *Filter) Match(d types.Disk) (bool, error) {
	return filter.Match(d, *f.clauses)
}

// unquoteWords strips the quotes of a one-word quoted value ("nvme"): LXD's
// parser only understands quotes around values with spaces, and reports the
// one-word form as an unterminated quote.
func unquoteWords(expr string) string {
	words := strings.Fields(expr)
	for i, w := range words {
		for _, q := range diskOperators.Quote {
			if len(w) > 2 && strings.HasPrefix(w, q) && strings.HasSuffix(w, q) && !strings.Contains(w[1:len(w)-1], q) {
				words[i] = w[1 : len(w)-1]
			}
		}
	}

	return strings.Join(words, " ")
}

func checkClause(c filter.Clause) error {
	kind, ok := diskFieldKinds[c.Field]
	if !ok {
		return fmt.Errorf("unknown disk field %q (fields: %s)", c.Field, strings.Join(DiskFields, ", "))
	}

	ordering := c.Operator == diskOperators.GreaterThan || c.Operator == diskOperators.LessThan ||
		c.Operator == diskOperators.GreaterEqual || c.Operator == diskOperators.LessEqual
	if !ordering && c.Operator != diskOperators.Equals && c.Operator != diskOperators.NotEquals {
		return fmt.Errorf("unknown operator %q after %s (operators: == != < > <= >=)", c.Operator, c.Field)
	}

	switch kind {
	case reflect.Uint64:
		_, err := parseUint(c)
		return err
	case reflect.Bool:
		if ordering {
			return fmt.Errorf("%s is true or false: only == and != apply", c.Field)
		}

		_, err := parseBool(c)
		return err
	case reflect.Slice:
		if ordering {
			return fmt.Errorf("%s is a list: only == and != apply", c.Field)
		}

		var list []string
		if json.Unmarshal([]byte(c.Value), &list) != nil {
			return fmt.Errorf("%s compares with a JSON list of strings, like [] or [\"held by dm-0\"], not %q", c.Field, c.Value)
		}

	default:
		if ordering {
			return fmt.Errorf("%s is text: only == and != apply", c.Field)
		}
	}

	return nil
}

// parseUint reads a number; for size also with a unit (10GiB, 500GB), the
// units LXD itself understands.
func parseUint(c filter.Clause) (uint64, error) {
	if c.Field == "size" {
		n, err := units.ParseByteSizeString(c.Value)
		if err != nil || n < 0 || c.Value == "" {
			return 0, fmt.Errorf("size %q is not a size (bytes, or with a unit: B kB MB GB TB PB EB KiB MiB GiB TiB PiB EiB, like 10GiB)", c.Value)
		}

		return uint64(n), nil
	}

	n, err := strconv.ParseUint(c.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a whole number", c.Field, c.Value)
	}

	return n, nil
}

func parseBool(c filter.Clause) (bool, error) {
	b, err := strconv.ParseBool(c.Value)
	if err != nil {
		return false, fmt.Errorf("%s %q is not true or false", c.Field, c.Value)
	}

	return b, nil
}

// wildcardPattern turns a text value into a case-insensitive match of the
// whole field: * and % stand for any run of characters (device_id ==
// *lxd_disk1). The reference compares text as a regular expression when the
// value compiles as one, so such a value also matches as a regular
// expression (sd[b-d]), and files written for it keep their meaning.
func wildcardPattern(c filter.Clause) (*regexp.Regexp, error) {
	parts := strings.Split(strings.ReplaceAll(c.Value, "%", "*"), "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}

	pattern := "^(?:" + strings.Join(parts, ".*") + ")$"

	asRegexp := c.Value
	if !strings.ContainsAny(asRegexp, "^$") {
		asRegexp = "^(?:" + asRegexp + ")$"
	}

	_, err := regexp.Compile("(?i)" + asRegexp)
	if err == nil {
		pattern += "|" + asRegexp
	}

	return regexp.Compile("(?i)" + pattern)
}

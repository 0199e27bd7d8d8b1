package model

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	yaml "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// node is a YAML value with its position, decoupled from the parser's AST. Aliases point at the
// anchored node (shared, never copied), so an alias bomb costs no memory; the decoder walks only
// the known structure of a scenario, whose depth is bounded, so it costs no time either.
type node struct {
	kind      nodeKind
	line, col int
	// mapping
	keys   []string
	keyPos []Pos
	vals   []*node
	// sequence
	items []*node
	// scalar
	text     string // source text of the scalar (for ids and messages)
	num      float64
	isNum    bool
	isBool   bool
	boolVal  bool
	isString bool // written as a string (quoted, or not a number, bool or null)
}

type nodeKind int

const (
	nullNode nodeKind = iota
	scalarNode
	mappingNode
	sequenceNode
)

func (k nodeKind) String() string {
	return [...]string{"nothing", "a scalar", "a mapping", "a list"}[k]
}

// maxDepth bounds nesting; a scenario needs about six levels.
const maxDepth = 64

type treeBuilder struct {
	file    string
	anchors map[string]*node
	errs    Errors
}

// Bounds checked before parsing: the YAML parser's time and memory grow with the square of the
// nesting depth (8,000 levels cost 350 MB), so a hostile or corrupted file is refused up front.
const (
	maxFlowDepth   = 64  // unclosed [ and {
	maxDashRun     = 64  // "- - - ..." sequence indicators leading one line
	maxIndentation = 256 // columns of leading white space
)

// checkNesting scans the source once, linearly, and reports the first place whose nesting exceeds
// the bounds. It skips quoted text and comments; brackets inside block scalars are counted, which
// can only make it stricter on absurd input.
func checkNesting(file string, src []byte) *Error {
	depth, line := 0, 1
	for i := 0; i < len(src); {
		// Start of a line: indentation and leading sequence indicators.
		col := 0
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
			col++
		}
		if col > maxIndentation {
			return &Error{File: file, Line: line, Msg: fmt.Sprintf("indented %d columns, deeper than a scenario can be (at most %d)", col, maxIndentation)}
		}
		dashes := 0
		for i+1 < len(src) && src[i] == '-' && (src[i+1] == ' ' || src[i+1] == '\t') {
			dashes++
			i += 2
			for i < len(src) && src[i] == ' ' {
				i++
			}
		}
		if dashes > maxDashRun {
			return &Error{File: file, Line: line, Msg: fmt.Sprintf("%d nested lists on one line, more than a scenario can have (at most %d)", dashes, maxDashRun)}
		}
		// Rest of the line.
		var quote byte
		for ; i < len(src) && src[i] != '\n'; i++ {
			c := src[i]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '#' && (i == 0 || src[i-1] == ' ' || src[i-1] == '\t'):
				for i < len(src) && src[i] != '\n' {
					i++
				}
				i--
			case c == '[' || c == '{':
				depth++
				if depth > maxFlowDepth {
					return &Error{File: file, Line: line, Msg: fmt.Sprintf("brackets nested deeper than %d levels", maxFlowDepth)}
				}
			case c == ']' || c == '}':
				if depth > 0 {
					depth--
				}
			}
		}
		i++
		line++
	}
	return nil
}

// parseTree parses YAML source into a node tree. A syntax error is returned as a positioned Error.
func parseTree(file string, src []byte) (*node, Errors) {
	if e := checkNesting(file, src); e != nil {
		return nil, Errors{e}
	}
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, Errors{syntaxError(file, err)}
	}
	b := &treeBuilder{file: file, anchors: map[string]*node{}}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return &node{kind: nullNode, line: 1}, nil
	}
	if len(docs) > 1 {
		pos := docs[1].Body.GetToken().Position
		return nil, Errors{{File: file, Line: pos.Line, Col: pos.Column, Msg: "a scenario is one YAML document; found a second one (remove the '---' separator)"}}
	}
	root := b.build(docs[0].Body, 0)
	return root, b.errs
}

func syntaxError(file string, err error) *Error {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		e := &Error{File: file, Msg: "YAML syntax: " + yerr.GetMessage()}
		if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Col = tk.Position.Line, tk.Position.Column
		}
		return e
	}
	return &Error{File: file, Msg: "YAML syntax: " + err.Error()}
}

func (b *treeBuilder) errorf(n ast.Node, format string, args ...any) {
	e := &Error{File: b.file, Msg: fmt.Sprintf(format, args...)}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	}
	b.errs = append(b.errs, e)
}

func pos(n ast.Node) (int, int) {
	if n == nil {
		return 0, 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line, tk.Position.Column
	}
	return 0, 0
}

func (b *treeBuilder) build(n ast.Node, depth int) *node {
	if n == nil {
		return &node{kind: nullNode}
	}
	line, col := pos(n)
	if depth > maxDepth {
		b.errorf(n, "nesting deeper than %d levels", maxDepth)
		return &node{kind: nullNode, line: line, col: col}
	}
	switch v := n.(type) {
	case *ast.DocumentNode:
		return b.build(v.Body, depth)
	case *ast.CommentGroupNode, *ast.CommentNode:
		return &node{kind: nullNode, line: line, col: col}
	case *ast.AnchorNode:
		inner := b.build(v.Value, depth+1)
		name := strings.TrimSpace(v.Name.GetToken().Value)
		b.anchors[name] = inner
		return inner
	case *ast.AliasNode:
		name := strings.TrimSpace(v.Value.GetToken().Value)
		target, ok := b.anchors[name]
		if !ok {
			b.errorf(n, "alias *%s names no anchor defined before it", name)
			return &node{kind: nullNode, line: line, col: col}
		}
		return target
	case *ast.TagNode:
		return b.build(v.Value, depth+1)
	case *ast.MappingNode:
		out := &node{kind: mappingNode, line: line, col: col}
		for _, mv := range v.Values {
			b.addPair(out, mv, depth)
		}
		return out
	case *ast.MappingValueNode:
		out := &node{kind: mappingNode, line: line, col: col}
		b.addPair(out, v, depth)
		return out
	case *ast.SequenceNode:
		out := &node{kind: sequenceNode, line: line, col: col}
		for _, item := range v.Values {
			out.items = append(out.items, b.build(item, depth+1))
		}
		return out
	case *ast.NullNode:
		return &node{kind: nullNode, line: line, col: col, text: "null"}
	case *ast.BoolNode:
		return &node{kind: scalarNode, line: line, col: col, isBool: true, boolVal: v.Value, text: v.GetToken().Value}
	case *ast.IntegerNode:
		out := &node{kind: scalarNode, line: line, col: col, isNum: true, text: v.GetToken().Value}
		switch x := v.Value.(type) {
		case int64:
			out.num = float64(x)
		case uint64:
			out.num = float64(x)
		}
		return out
	case *ast.FloatNode:
		return &node{kind: scalarNode, line: line, col: col, isNum: true, num: v.Value, text: v.GetToken().Value}
	case *ast.InfinityNode:
		return &node{kind: scalarNode, line: line, col: col, isNum: true, num: v.Value, text: v.GetToken().Value}
	case *ast.NanNode:
		return &node{kind: scalarNode, line: line, col: col, isNum: true, num: math.NaN(), text: v.GetToken().Value}
	case *ast.StringNode:
		out := &node{kind: scalarNode, line: line, col: col, isString: true, text: v.Value}
		// YAML 1.2's core schema reads 1e6 as a string; an analyst means a number. Only unquoted
		// text is reinterpreted: "1e6" in quotes stays a string.
		if tk := v.GetToken(); tk != nil && tk.Type != token.SingleQuoteType && tk.Type != token.DoubleQuoteType {
			if x, err := strconv.ParseFloat(v.Value, 64); err == nil && !strings.ContainsAny(v.Value, "_xXpP") {
				out.isString, out.isNum, out.num = false, true, x
			} else if errors.Is(err, strconv.ErrRange) {
				out.isString, out.isNum, out.num = false, true, math.Inf(1)
			}
		}
		return out
	case *ast.LiteralNode:
		return &node{kind: scalarNode, line: line, col: col, isString: true, text: v.Value.Value}
	default:
		b.errorf(n, "unsupported YAML construct (%s)", n.Type())
		return &node{kind: nullNode, line: line, col: col}
	}
}

// addPair adds one key: value to a mapping, expanding merge keys (<<) into missing keys.
func (b *treeBuilder) addPair(out *node, mv *ast.MappingValueNode, depth int) {
	if mv.Key == nil {
		return
	}
	if mv.Key.IsMergeKey() {
		src := b.build(mv.Value, depth+1)
		var sources []*node
		switch src.kind {
		case mappingNode:
			sources = []*node{src}
		case sequenceNode:
			sources = src.items
		}
		for _, s := range sources {
			if s.kind != mappingNode {
				b.errorf(mv.Value, "merge key << takes a mapping or a list of mappings")
				continue
			}
			for i, k := range s.keys {
				if out.index(k) < 0 {
					out.keys = append(out.keys, k)
					out.keyPos = append(out.keyPos, s.keyPos[i])
					out.vals = append(out.vals, s.vals[i])
				}
			}
		}
		return
	}
	kl, kc := pos(mv.Key)
	key := keyText(mv.Key)
	if out.index(key) >= 0 {
		b.errorf(mv.Key, "duplicate key %q", key)
		return
	}
	out.keys = append(out.keys, key)
	out.keyPos = append(out.keyPos, Pos{kl, kc})
	val := b.build(mv.Value, depth+1)
	if val.line == 0 {
		val.line, val.col = kl, kc
	}
	out.vals = append(out.vals, val)
}

func keyText(k ast.MapKeyNode) string {
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	if tk := k.GetToken(); tk != nil {
		return tk.Value
	}
	return k.String()
}

func (n *node) index(key string) int {
	for i, k := range n.keys {
		if k == key {
			return i
		}
	}
	return -1
}

// describe renders a node briefly for "got ..." in messages.
func (n *node) describe() string {
	switch n.kind {
	case scalarNode:
		t := n.text
		if len(t) > 40 {
			t = t[:37] + "..."
		}
		if n.isString {
			return strconv.Quote(t)
		}
		return t
	default:
		return n.kind.String()
	}
}

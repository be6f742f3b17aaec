package notify

import (
	"context"
	"errors"
	"strings"
	"text/template/parse"
	"time"

	"github.com/sillage/sillage/campaign"
)

// Go's templates cannot be stopped from outside once they run, and a
// short wording can ask for unbounded work: {{range 50000000}}{{end}}
// writes nothing for seconds, nested ranges or a recursive {{define}} for
// ever, js applied to its own output doubles at each step. So a wording
// may only use what renders in time proportional to its own size, checked
// on its parse tree before every render (stored wordings predate the
// rule), and its rendering stops at an output cap, at a deadline, and as
// soon as the request or job that asked for it ends.

// renderTimeout bounds the rendering of one message. A wording that passes
// checkTrees renders in microseconds; this is the backstop.
const renderTimeout = 2 * time.Second

// errRenderSlow is the cause of renderTimeout's deadline.
var errRenderSlow = errors.New("render deadline")

// errOutputCap stops a rendering at its output cap.
var errOutputCap = errors.New("output cap")

// Output caps, in bytes, of each part of a message: what its channel
// carries, with room for the longest campaign texts and names in
// four-byte characters.
const (
	capSubject  = 4 << 10
	capSMS      = 8 << 10 // Twilio takes 1,600 characters
	capWhatsApp = 32 << 10
	capText     = 128 << 10
	capHTML     = 512 << 10
	capVariable = 8 << 10
)

// safeFuncs are the functions a wording may call anywhere: each returns a
// boolean, a number, or one of its arguments.
var safeFuncs = map[string]bool{
	"and": true, "or": true, "not": true, "len": true,
	"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true,
}

// escapers grow what they are given (js doubles a backslash): a wording
// may use one only to end the placeholder it writes, on one value, never
// on the output of another.
var escapers = map[string]bool{"html": true, "js": true, "urlquery": true}

// checkTrees refuses the constructs of the template field (parsed into
// trees, one per {{define}}) whose rendering can take time or memory out
// of proportion to its size. Its errors are *campaign.ValidationError.
func checkTrees(field string, trees []*parse.Tree) error {
	if len(trees) > 1 {
		return campaign.Invalid(field, "{{define}}, {{block}} and {{template}} are not allowed: write the wording in one piece")
	}
	for _, t := range trees {
		if t.Root == nil {
			continue
		}
		if err := (checker{field}).node(t.Root); err != nil {
			return err
		}
	}
	return nil
}

// checker walks one field's parse tree.
type checker struct{ field string }

func (c checker) refuse(construct string) error {
	return campaign.Invalid(c.field, "%s is not allowed in a message", construct)
}

func (c checker) node(n parse.Node) error {
	switch n := n.(type) {
	case *parse.ListNode:
		for _, child := range n.Nodes {
			if err := c.node(child); err != nil {
				return err
			}
		}
	case *parse.TextNode, *parse.CommentNode:
	case *parse.ActionNode:
		return c.pipe(n.Pipe, true)
	case *parse.IfNode:
		return c.branch(&n.BranchNode)
	case *parse.WithNode:
		return c.branch(&n.BranchNode)
	case *parse.RangeNode:
		return campaign.Invalid(c.field, "{{range}} is not allowed: a message has no list to repeat")
	case *parse.TemplateNode:
		return campaign.Invalid(c.field, "{{define}}, {{block}} and {{template}} are not allowed: write the wording in one piece")
	default:
		return c.refuse(n.String())
	}
	return nil
}

// branch checks an {{if}} or a {{with}}: its condition writes nothing.
func (c checker) branch(b *parse.BranchNode) error {
	if err := c.pipe(b.Pipe, false); err != nil {
		return err
	}
	if err := c.node(b.List); err != nil {
		return err
	}
	if b.ElseList != nil {
		return c.node(b.ElseList)
	}
	return nil
}

// pipe checks a pipeline; output is true for the pipeline of a
// placeholder, whose last command is what gets written.
func (c checker) pipe(p *parse.PipeNode, output bool) error {
	if p == nil {
		return nil
	}
	if len(p.Decl) > 0 {
		// A variable could carry an escaper's output into another.
		return c.refuse("{{" + p.Decl[0].String() + " := …}}")
	}
	for i, cmd := range p.Cmds {
		last := output && i == len(p.Cmds)-1
		for j, arg := range cmd.Args {
			if id, ok := arg.(*parse.IdentifierNode); ok && escapers[id.Ident] {
				if !last || j != 0 || len(cmd.Args) > 2 {
					return campaign.Invalid(c.field, "%s may only end a placeholder, on one value, such as {{.Teaser | %s}}", id.Ident, id.Ident)
				}
				continue
			}
			if err := c.arg(arg); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c checker) arg(n parse.Node) error {
	switch n := n.(type) {
	case *parse.IdentifierNode:
		if !safeFuncs[n.Ident] {
			return c.refuse(n.Ident)
		}
	case *parse.PipeNode:
		return c.pipe(n, false)
	case *parse.ChainNode:
		return c.arg(n.Node)
	case *parse.FieldNode, *parse.DotNode, *parse.VariableNode, *parse.StringNode,
		*parse.NumberNode, *parse.BoolNode, *parse.NilNode:
	default:
		return c.refuse(n.String())
	}
	return nil
}

// output collects one field's rendering. It refuses to grow past max bytes
// and to go on once ctx is done: a template stops at the first write that
// fails.
type output struct {
	ctx context.Context
	b   strings.Builder
	max int
}

func (w *output) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	if w.b.Len()+len(p) > w.max {
		return 0, errOutputCap
	}
	return w.b.Write(p)
}

// renderError says why field's rendering stopped: a *campaign.ValidationError for
// the output cap or the render deadline, the context's error when the
// request or job that asked for it ended, err itself otherwise.
func renderError(ctx context.Context, field string, max int, err error) error {
	switch {
	case errors.Is(err, errOutputCap):
		return campaign.Invalid(field, "renders to more than %d bytes", max)
	case context.Cause(ctx) == errRenderSlow:
		return campaign.Invalid(field, "takes too long to render")
	case ctx.Err() != nil:
		return context.Cause(ctx)
	}
	return err
}

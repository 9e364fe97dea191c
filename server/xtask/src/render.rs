//! Parser for the rendered API reference (`api/**.md`): turns the indented property lists of a
//! request or response body into a tree of [`Field`]s with typed [`Ty`]s.
//!
//! The rendering flattens oneOf/anyOf: alternatives of a scalar sit on one line joined by ` | `,
//! object variants appear as sibling groups separated by a trailing ` | {object}` on the last line
//! of the previous group, and recursive positions are cut to `(undefined)`. See
//! `reference/northflank-format.md` §0 for the notation.

use anyhow::{Context, Result, bail};

/// One property line (and everything nested under it).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub required: bool,
    pub ty: Ty,
    /// 1-based line in the source file, for error messages.
    pub line: usize,
}

/// A scalar base type as rendered in parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    String,
    Integer,
    Number,
    Boolean,
    /// `(undefined)`: a position the renderer cut off (recursion or free-form).
    Undefined,
}

/// Constraints attached to a scalar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub enumeration: Vec<String>,
    pub pattern: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub format: Option<String>,
}

/// A type expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Scalar(Base, Facets),
    /// A `${…}` string (pattern `.*\${.*}.*`) offered as an alternative.
    Expr,
    /// An object; `variants` holds the property groups (one for a plain object, several for a
    /// rendered oneOf of objects). An object without any children is free-form.
    Object {
        variants: Vec<Vec<Field>>,
    },
    Array(Box<Ty>),
    AnyOf(Vec<Ty>),
}

impl Ty {
    fn object() -> Ty {
        Ty::Object {
            variants: vec![Vec::new()],
        }
    }
}

/// Where a body section starts: `**Request body:**` or `**Response body:**`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Request,
    Response,
}

/// Extracts the lines of one body section (before `### API reference`) and parses it. A body may
/// hold several alternative top-level objects separated by `OR`; each is returned as its own group.
pub fn parse_body(text: &str, section: Section) -> Result<Vec<Vec<Field>>> {
    let marker = match section {
        Section::Request => "**Request body:**",
        Section::Response => "**Response body:**",
    };
    let mut lines = text.lines().enumerate();
    let mut found = false;
    for (_, line) in lines.by_ref() {
        if line.trim() == marker {
            found = true;
            break;
        }
    }
    if !found {
        bail!("no `{marker}` section");
    }
    let mut groups: Vec<Vec<(usize, &str)>> = vec![Vec::new()];
    for (idx, line) in lines {
        let t = line.trim();
        if t.starts_with("### ") || (t.starts_with("**") && t.ends_with(":**")) {
            break;
        }
        if t == "OR" {
            groups.push(Vec::new());
            continue;
        }
        if t.starts_with("- `") {
            groups.last_mut().expect("non-empty").push((idx + 1, line));
        }
    }
    groups
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(|g| parse_lines(&g))
        .collect()
}

/// A node of the tree under construction (indices into an arena, so children can be attached
/// while walking the stack of open parents).
struct Open {
    indent: usize,
    field: Field,
}

fn parse_lines(lines: &[(usize, &str)]) -> Result<Vec<Field>> {
    // Root pseudo-field holding the top-level properties.
    let root = Field {
        name: String::new(),
        required: false,
        ty: Ty::object(),
        line: 0,
    };
    let mut stack: Vec<Open> = vec![Open {
        indent: 0,
        field: root,
    }];
    let mut pending_separator = false;
    for &(lineno, raw) in lines {
        let indent = raw.len() - raw.trim_start().len();
        let (field, separator) =
            parse_line(raw.trim_start(), lineno).with_context(|| format!("line {lineno}"))?;
        // Close every open field that is not a parent of this line.
        while stack.len() > 1 && stack.last().is_some_and(|o| o.indent >= indent) {
            close_top(&mut stack);
        }
        if pending_separator {
            // The previous line ended with ` | {object}`: the next variant of the object this
            // line belongs to starts here.
            start_variant(&mut stack.last_mut().expect("root").field.ty);
        }
        stack.push(Open {
            indent: indent.max(1),
            field,
        });
        pending_separator = separator;
    }
    while stack.len() > 1 {
        close_top(&mut stack);
    }
    let root = stack.pop().expect("root");
    match root.field.ty {
        Ty::Object { mut variants } => {
            let mut out = Vec::new();
            for v in variants.drain(..) {
                out.extend(v);
            }
            Ok(out)
        }
        _ => unreachable!("root is an object"),
    }
}

fn close_top(stack: &mut Vec<Open>) {
    let done = stack.pop().expect("non-empty").field;
    let parent = &mut stack.last_mut().expect("root").field;
    attach_child(&mut parent.ty, done);
}

/// Finds the object slot of a type (the `{object}` the indented children belong to).
fn object_slot(ty: &mut Ty) -> Option<&mut Vec<Vec<Field>>> {
    match ty {
        Ty::Object { variants } => Some(variants),
        Ty::Array(inner) => object_slot(inner),
        Ty::AnyOf(alts) => alts.iter_mut().find_map(object_slot),
        _ => None,
    }
}

fn attach_child(ty: &mut Ty, child: Field) {
    if object_slot(ty).is_none() {
        // Children under a non-object line (e.g. `(undefined)` with nested keys): make it an
        // object so nothing is lost.
        *ty = match std::mem::replace(ty, Ty::Expr) {
            Ty::Scalar(Base::Undefined, _) => Ty::object(),
            other => Ty::AnyOf(vec![other, Ty::object()]),
        };
    }
    let variants = object_slot(ty).expect("object slot");
    // A key that repeats inside one group also starts a new variant: the renderer occasionally
    // omits the ` | {object}` separator.
    if variants
        .last()
        .is_some_and(|v| v.iter().any(|f| f.name == child.name))
    {
        variants.push(Vec::new());
    }
    variants.last_mut().expect("one variant").push(child);
}

fn start_variant(ty: &mut Ty) {
    if let Some(variants) = object_slot(ty)
        && variants.last().is_some_and(|v| !v.is_empty())
    {
        variants.push(Vec::new());
    }
}

/// Parses `- `name`: <type expression>`; also reports a trailing variant separator.
fn parse_line(line: &str, lineno: usize) -> Result<(Field, bool)> {
    let rest = line.strip_prefix("- `").context("expected \"- `\"")?;
    let end = rest.find("`: ").context("expected \"`: \"")?;
    let name = rest[..end].to_string();
    let mut expr = rest[end + 3..].trim_end();
    let mut separator = false;
    if let Some(stripped) = expr.strip_suffix(" | {object}") {
        separator = true;
        expr = stripped;
    }
    let pieces = split_alternatives(expr);
    let mut required = false;
    let ty = parse_pieces(&pieces, &mut required)?;
    Ok((
        Field {
            name,
            required,
            ty,
            line: lineno,
        },
        separator,
    ))
}

const TYPE_STARTS: [&str; 9] = [
    "(string)",
    "(integer)",
    "(number)",
    "(boolean)",
    "(undefined)",
    "{object}",
    "[array of]",
    "(multiple options)",
    "(any)",
];

fn starts_with_type(s: &str) -> bool {
    TYPE_STARTS.iter().any(|t| s.starts_with(t))
}

/// Splits on ` | ` only where a new type expression follows, so descriptions or patterns that
/// contain a bar stay intact.
fn split_alternatives(expr: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut search = 0;
    while let Some(pos) = expr[search..].find(" | ") {
        let at = search + pos;
        if starts_with_type(&expr[at + 3..]) {
            out.push(&expr[start..at]);
            start = at + 3;
        }
        search = at + 3;
    }
    out.push(&expr[start..]);
    out
}

/// Turns the alternatives of one line into a type. `[array of] (multiple options) A | B …`
/// wraps all remaining alternatives as the item type.
fn parse_pieces(pieces: &[&str], required: &mut bool) -> Result<Ty> {
    let mut alts = Vec::new();
    let mut i = 0;
    let mut outer_multi = false;
    while i < pieces.len() {
        let mut p = pieces[i].trim();
        let mut arrays = 0;
        loop {
            if let Some(r) = p.strip_prefix("(multiple options)") {
                if arrays == 0 && i == 0 {
                    outer_multi = true;
                }
                p = r.trim_start();
                if arrays > 0 {
                    // `[array of] (multiple options) A | B | …`: the rest is the item type.
                    let mut rest: Vec<&str> = vec![p];
                    rest.extend_from_slice(&pieces[i + 1..]);
                    let item = parse_pieces(&rest, required)?;
                    let mut ty = item;
                    for _ in 0..arrays {
                        ty = Ty::Array(Box::new(ty));
                    }
                    let has_expr = contains_expr(&ty);
                    alts.push(ty);
                    if outer_multi && has_expr {
                        // The renderer folds `anyOf[array, ${…}]` into the item list; accept a
                        // whole-array expression too (lenient).
                        alts.push(Ty::Expr);
                    }
                    return Ok(simplify(alts));
                }
                continue;
            }
            if let Some(r) = p.strip_prefix("[array of]") {
                arrays += 1;
                p = r.trim_start();
                continue;
            }
            break;
        }
        let mut ty = parse_single(p, required)?;
        for _ in 0..arrays {
            ty = Ty::Array(Box::new(ty));
        }
        alts.push(ty);
        i += 1;
    }
    Ok(simplify(alts))
}

fn contains_expr(ty: &Ty) -> bool {
    match ty {
        Ty::Expr => true,
        Ty::Array(i) => contains_expr(i),
        Ty::AnyOf(a) => a.iter().any(contains_expr),
        _ => false,
    }
}

fn simplify(mut alts: Vec<Ty>) -> Ty {
    if alts.len() == 1 {
        return alts.pop().expect("one");
    }
    Ty::AnyOf(alts)
}

const ANNOTATIONS: [&str; 5] = [
    "(enum: ",
    "(pattern: ",
    "(min length: ",
    "(max length: ",
    "(format: ",
];

/// Parses one alternative: base type, `(required)`, description, annotations.
fn parse_single(p: &str, required: &mut bool) -> Result<Ty> {
    let (base, rest) = if let Some(r) = p.strip_prefix("{object}") {
        (None, r)
    } else if let Some(r) = p.strip_prefix("(string)") {
        (Some(Base::String), r)
    } else if let Some(r) = p.strip_prefix("(integer)") {
        (Some(Base::Integer), r)
    } else if let Some(r) = p.strip_prefix("(number)") {
        (Some(Base::Number), r)
    } else if let Some(r) = p.strip_prefix("(boolean)") {
        (Some(Base::Boolean), r)
    } else if let Some(r) = p.strip_prefix("(undefined)") {
        (Some(Base::Undefined), r)
    } else if let Some(r) = p.strip_prefix("(any)") {
        (Some(Base::Undefined), r)
    } else {
        bail!("unknown type expression `{p}`");
    };
    let mut rest = rest.trim_start();
    if let Some(r) = rest.strip_prefix("(required)") {
        *required = true;
        rest = r.trim_start();
    }
    let facets = parse_facets(rest)?;
    let Some(base) = base else {
        return Ok(Ty::object());
    };
    if base == Base::String && facets.pattern.as_deref() == Some(r".*\${.*}.*") {
        return Ok(Ty::Expr);
    }
    Ok(Ty::Scalar(base, facets))
}

/// Finds the annotations after the (discarded) description.
fn parse_facets(text: &str) -> Result<Facets> {
    let mut facets = Facets::default();
    let mut pos = match first_annotation(text, 0) {
        Some(p) => p,
        None => return Ok(facets),
    };
    while pos < text.len() {
        let t = &text[pos..];
        let (key, after) = ANNOTATIONS
            .iter()
            .find_map(|a| t.strip_prefix(a).map(|r| (*a, r)))
            .with_context(|| format!("expected an annotation at `{t}`"))?;
        let value_start = pos + key.len();
        let value_end = if key == "(pattern: " {
            pattern_end(text, value_start)
                .with_context(|| format!("unterminated pattern in `{after}`"))?
        } else {
            value_start + after.find(')').context("unterminated annotation")?
        };
        let value = &text[value_start..value_end];
        match key {
            "(enum: " => {
                facets.enumeration = value.split(", ").map(str::to_string).collect();
            }
            "(pattern: " => facets.pattern = Some(value.to_string()),
            "(min length: " => facets.min_length = Some(value.trim().parse()?),
            "(max length: " => facets.max_length = Some(value.trim().parse()?),
            "(format: " => facets.format = Some(value.to_string()),
            _ => unreachable!(),
        }
        pos = value_end + 1;
        match first_annotation(text, pos) {
            Some(p) => pos = p,
            None => break,
        }
    }
    Ok(facets)
}

fn first_annotation(text: &str, from: usize) -> Option<usize> {
    ANNOTATIONS
        .iter()
        .filter_map(|a| {
            let t = &text[from..];
            if t.starts_with(a) {
                Some(from)
            } else {
                t.find(&format!(" {a}")).map(|p| from + p + 1)
            }
        })
        .min()
}

/// The `)` that closes a pattern is the first one followed by the end of the text or by another
/// annotation; patterns themselves contain parentheses.
fn pattern_end(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    (from..bytes.len()).find(|&i| {
        bytes[i] == b')' && {
            let after = &text[i + 1..];
            after.trim().is_empty()
                || ANNOTATIONS
                    .iter()
                    .any(|a| after.starts_with(&format!(" {a}")))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(line: &str) -> Field {
        parse_line(line, 1).expect("parses").0
    }

    #[test]
    fn scalar_with_expression_alternative() {
        let f = field(
            "- `name`: (multiple options) (string) The name. (pattern: ^[a-z]+((-|\\s)[a-z]+)*$) (min length: 3) (max length: 39) | (string) A string containing references (pattern: .*\\${.*}.*)",
        );
        assert_eq!(f.name, "name");
        let Ty::AnyOf(alts) = f.ty else {
            panic!("anyOf expected")
        };
        assert_eq!(alts.len(), 2);
        assert_eq!(alts[1], Ty::Expr);
        let Ty::Scalar(Base::String, facets) = &alts[0] else {
            panic!("string expected")
        };
        assert_eq!(facets.pattern.as_deref(), Some("^[a-z]+((-|\\s)[a-z]+)*$"));
        assert_eq!(facets.min_length, Some(3));
        assert_eq!(facets.max_length, Some(39));
    }

    #[test]
    fn separator_and_required() {
        let (f, sep) = parse_line(
            "- `type`: (string) (required) The type (Only relevant if x). (enum: service, job) | {object}",
            1,
        )
        .expect("parses");
        assert!(sep);
        assert!(f.required);
        assert_eq!(
            f.ty,
            Ty::Scalar(
                Base::String,
                Facets {
                    enumeration: vec!["service".into(), "job".into()],
                    ..Facets::default()
                }
            )
        );
    }

    #[test]
    fn array_of_multiple_options_wraps_the_rest() {
        let f = field(
            "- `hostnames`: (multiple options) [array of] (multiple options) (string) (pattern: ^a$) | (string) (pattern: .*\\${.*}.*) | (string) (pattern: .*\\${.*}.*)",
        );
        let Ty::AnyOf(outer) = f.ty else {
            panic!("anyOf expected")
        };
        assert_eq!(outer.len(), 2);
        assert!(matches!(&outer[0], Ty::Array(_)));
        assert_eq!(outer[1], Ty::Expr);
    }

    #[test]
    fn variants_split_on_separator() {
        let text = "**Request body:**\n\n{object}\n- `spec`: (multiple options) {object}\n   - `kind`: (string) (enum: A)\n   - `x`: (string) | {object}\n   - `kind`: (string) (enum: B)\n### API reference\n";
        let fields = parse_body(text, Section::Request).expect("parses");
        assert_eq!(fields.len(), 1);
        let Ty::Object { variants } = &fields[0][0].ty else {
            panic!("object expected")
        };
        assert_eq!(variants.len(), 2);
        assert_eq!(variants[0].len(), 2);
        assert_eq!(variants[1][0].name, "kind");
    }
}

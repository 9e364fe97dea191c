//! Go to definition, find references, rename and document highlight, for refs and arguments.
//!
//! Everything is answered from the semantic model: a name under the cursor is either a use
//! (`build` in `${refs.build.id}`, `nodeRef`) or a definition (a `ref` string, an `arguments`
//! key, a rich input's output name). Definition ranges are the text between the quotes.

use nfls_syntax::TextRange;

use crate::Analysis;
use crate::semantic::{DefId, DefKind, Model, Namespace};
use crate::types::{Highlight, HighlightKind, TextEdit};

/// Where the name at `offset` is defined: the node's or trigger's `ref` value, the `arguments`
/// key, or the rich input output. For `template.refs.x`, the enclosing template's node. Empty
/// for built-in arguments and names defined nowhere.
pub fn goto_definition(analysis: &Analysis, offset: u32) -> Vec<TextRange> {
    let model = &analysis.semantic;
    let Some(symbol) = model.symbol_at(offset) else {
        return Vec::new();
    };
    model
        .same_symbol(symbol)
        .iter()
        .filter_map(|&id| model.definition(id).range)
        .take(1)
        .collect()
}

/// Every use of the name at `offset` (and its definitions when `include_declaration`), sorted.
pub fn references(analysis: &Analysis, offset: u32, include_declaration: bool) -> Vec<TextRange> {
    let model = &analysis.semantic;
    let Some(symbol) = model.symbol_at(offset) else {
        return Vec::new();
    };
    let mut out: Vec<TextRange> = model.uses_of(symbol).map(|u| u.range).collect();
    if include_declaration {
        out.extend(definition_ranges(model, symbol));
    }
    out.sort_by_key(|r| (r.start, r.end));
    out.dedup();
    out
}

fn definition_ranges(model: &Model, symbol: DefId) -> impl Iterator<Item = TextRange> + '_ {
    model
        .same_symbol(symbol)
        .iter()
        .filter_map(|&id| model.definition(id).range)
}

/// The name under the cursor and where it is, for a symbol that can be renamed.
fn renameable(model: &Model, offset: u32) -> Result<(DefId, TextRange, String), String> {
    let (at, name, symbol) = if let Some(found) = model.use_at(offset) {
        let what = match found.namespace {
            Namespace::Ref => "ref",
            Namespace::Arg => "argument",
            Namespace::Secret => {
                return Err(format!(
                    "`{}` is a secret id defined on the platform: it cannot be renamed here",
                    found.name
                ));
            }
        };
        let Some(symbol) = found.target else {
            return Err(format!(
                "`{}` is not a {what} defined in this document: nothing to rename",
                found.name
            ));
        };
        (found.range, found.name.clone(), symbol)
    } else if let Some(id) = model.definition_at(offset) {
        let def = model.definition(id);
        let range = def
            .range
            .expect("definitions found by position have ranges");
        let symbol = model.same_symbol(id).first().copied().unwrap_or(id);
        (range, def.name.clone(), symbol)
    } else {
        return Err("there is no ref or argument name here".to_owned());
    };
    if model
        .same_symbol(symbol)
        .iter()
        .all(|&id| model.definition(id).kind == DefKind::BuiltinArgument)
    {
        return Err(format!(
            "`{name}` is an argument the platform provides to preview environments: it cannot be renamed"
        ));
    }
    Ok((symbol, at, name))
}

/// The range to rename and the current name, or a message why this cannot be renamed.
pub fn prepare_rename(analysis: &Analysis, offset: u32) -> Result<(TextRange, String), String> {
    renameable(&analysis.semantic, offset).map(|(_, at, name)| (at, name))
}

/// Whether `name` can be a ref or argument name: `[A-Za-z0-9_-]+`, which expressions accept
/// after `refs.`/`args.` and JSON strings hold without escapes.
fn check_new_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the new name is empty".to_owned());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(format!(
            "`{name}` cannot be a name: `{bad}` is not allowed (use letters, digits, `_` and `-`)"
        ));
    }
    Ok(())
}

/// Edits that rename the ref or argument at `offset` everywhere: its definitions and every use,
/// including `template.`-prefixed uses in nested documents. Renaming to the current name gives
/// no edits.
pub fn rename(analysis: &Analysis, offset: u32, new_name: &str) -> Result<Vec<TextEdit>, String> {
    let model = &analysis.semantic;
    let (symbol, _, old_name) = renameable(model, offset)?;
    check_new_name(new_name)?;
    if new_name == old_name {
        return Ok(Vec::new());
    }
    let def = model.definition(symbol);
    if let Some(&clash) = model.lookup(def.scope, def.namespace, new_name).first() {
        let clash = model.definition(clash);
        let text = analysis.parse.tree.text();
        let what = crate::semantic::describe(model, clash);
        let place = clash.range.map_or(String::new(), |r| {
            format!(" at line {}", crate::semantic::line_of(text, r.start))
        });
        let noun = match def.namespace {
            Namespace::Ref => "the ref of",
            _ => "the name of",
        };
        return Err(format!(
            "`{new_name}` is already {noun} {what}{place}: pick another name"
        ));
    }
    let mut edits: Vec<TextEdit> = definition_ranges(model, symbol)
        .chain(model.uses_of(symbol).map(|u| u.range))
        .map(|range| TextEdit::replace(range, new_name))
        .collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup();
    Ok(edits)
}

/// The definitions (Write) and uses (Read) of the name at `offset`.
pub fn highlights(analysis: &Analysis, offset: u32) -> Vec<Highlight> {
    let model = &analysis.semantic;
    let Some(symbol) = model.symbol_at(offset) else {
        return Vec::new();
    };
    let mut out: Vec<Highlight> = definition_ranges(model, symbol)
        .map(|range| Highlight {
            range,
            kind: HighlightKind::Write,
        })
        .chain(model.uses_of(symbol).map(|u| Highlight {
            range: u.range,
            kind: HighlightKind::Read,
        }))
        .collect();
    out.sort_by_key(|h| (h.range.start, h.range.end));
    out
}

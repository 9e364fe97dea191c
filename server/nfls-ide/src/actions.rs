//! Code actions: the fixes attached to diagnostics in the range, plus refactors.

use nfls_syntax::TextRange;

use crate::Analysis;
use crate::types::{ActionKind, CodeAction};

/// The actions for `range`: every fix of every diagnostic that touches it.
pub fn code_actions(analysis: &Analysis, range: TextRange) -> Vec<CodeAction> {
    let mut actions = Vec::new();
    for diagnostic in &analysis.diagnostics {
        let touches = diagnostic.range.start <= range.end && range.start <= diagnostic.range.end;
        if !touches {
            continue;
        }
        for fix in &diagnostic.fixes {
            actions.push(CodeAction {
                title: fix.title.clone(),
                kind: ActionKind::QuickFix,
                edits: fix.edits.clone(),
                fixes_codes: vec![diagnostic.code.to_string()],
                preferred: fix.preferred,
            });
        }
    }
    actions
}

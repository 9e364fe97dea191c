//! Hover: on expressions (`expr`), else on keys, values and node kinds from the schemas.

mod expr;
mod schema;

use crate::Analysis;
use crate::types::HoverResult;

pub fn hover(analysis: &Analysis, offset: u32) -> Option<HoverResult> {
    if analysis.settings_file {
        return crate::repo_settings::hover(&analysis.parse.tree, offset);
    }
    analysis.classification.as_ref()?;
    expr::hover(analysis, offset).or_else(|| schema::hover(analysis, offset))
}

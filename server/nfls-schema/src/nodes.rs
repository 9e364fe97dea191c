//! What the schemas say about node kinds (`x-nfls-node-kinds`): where each kind may run, a
//! one-line summary and a docs link.

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::classify::DocumentKind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeKindInfo {
    /// The documents whose workflow may hold this kind (outside teardown).
    pub documents: Vec<DocumentKind>,
    /// Whether it may run in a `teardownSpec`.
    pub teardown: bool,
    pub summary: Option<String>,
    pub docs: Option<String>,
}

/// Reads the `x-nfls-node-kinds` annotation of a document schema.
pub fn read_node_kinds(schema: &Json) -> HashMap<String, NodeKindInfo> {
    let Some(kinds) = schema.get("x-nfls-node-kinds").and_then(Json::as_object) else {
        return HashMap::new();
    };
    kinds
        .iter()
        .map(|(name, info)| {
            let documents = info
                .get("documents")
                .and_then(Json::as_array)
                .map(|documents| {
                    documents
                        .iter()
                        .filter_map(|id| id.as_str().and_then(DocumentKind::from_id))
                        .collect()
                })
                .unwrap_or_default();
            let text = |key: &str| info.get(key).and_then(Json::as_str).map(str::to_owned);
            (
                name.clone(),
                NodeKindInfo {
                    documents,
                    teardown: info
                        .get("teardown")
                        .and_then(Json::as_bool)
                        .unwrap_or(false),
                    summary: text("summary"),
                    docs: text("docs"),
                },
            )
        })
        .collect()
}

/// `DeploymentService` → `deployment service`; `BYOCCluster` → `BYOC cluster`.
pub fn camel_to_words(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &ch) in chars.iter().enumerate() {
        let next_is_lower = chars.get(i + 1).is_some_and(|next| next.is_lowercase());
        let prev_is_lower = i > 0 && chars[i - 1].is_lowercase();
        if ch.is_uppercase() && !current.is_empty() && (prev_is_lower || next_is_lower) {
            words.push(std::mem::take(&mut current));
        }
        current.push(ch);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
        .into_iter()
        .map(|word| {
            if word.len() > 1 && word.chars().all(|ch| ch.is_uppercase()) {
                word
            } else {
                word.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::camel_to_words;

    #[test]
    fn words() {
        assert_eq!(camel_to_words("Workflow"), "workflow");
        assert_eq!(camel_to_words("DeploymentService"), "deployment service");
        assert_eq!(camel_to_words("BYOCCluster"), "BYOC cluster");
        assert_eq!(camel_to_words("LLMModelDeployment"), "LLM model deployment");
        assert_eq!(camel_to_words("SSHIdentity"), "SSH identity");
        assert_eq!(camel_to_words("JobRun"), "job run");
    }
}

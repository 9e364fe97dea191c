//! Open documents: versioned text, edits applied strictly in version order, and a lazily
//! computed, shared analysis per version.
//!
//! tower-lsp-server runs up to four messages at once, so two `didChange` notifications can reach
//! us out of order. Every change carries the version it produces; a change is applied only on top
//! of the version before it. An early arrival is parked until its predecessor comes; a stale one
//! (its version is not newer than what we hold) is dropped and logged. LSP allows versions to
//! skip numbers, so a parked change whose predecessor never arrives is applied when the next
//! request or change needs the text (`flush_parked`), in version order.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use nfls_ide::{Analysis, AnalysisConfig, ValidationCache};
use nfls_syntax::text::{Encoding, LineIndex, Position, rope_offset};
use ropey::Rope;
use tokio::sync::OnceCell;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// One version of one document: the text, its line index and (once computed) its analysis.
#[derive(Debug)]
pub struct Snapshot {
    pub uri: Uri,
    pub version: i32,
    /// The file path with `/` separators, for associations and git (None for non-file URIs).
    pub path: Option<String>,
    pub text: Arc<String>,
    pub index: LineIndex,
    pub config: Arc<AnalysisConfig>,
    /// The document's schema-check results by part, shared by all its versions, so that a
    /// change re-validates only the node it touched.
    cache: Arc<ValidationCache>,
    analysis: OnceCell<Arc<Analysis>>,
    /// The parse the stdin reader made of this version (see [`Prepared`]), for the analysis
    /// to start from.
    seed: Mutex<Option<nfls_ide::Parsed>>,
    /// The stdin reader published this version's syntax errors already.
    pub syntax_published: bool,
}

impl Snapshot {
    fn new(
        uri: Uri,
        version: i32,
        path: Option<String>,
        text: Arc<String>,
        config: Arc<AnalysisConfig>,
        cache: Arc<ValidationCache>,
    ) -> Snapshot {
        let index = LineIndex::from_shared(Arc::clone(&text));
        Snapshot::with_index(uri, version, path, text, index, config, cache)
    }

    /// [`Snapshot::new`] with the text's line index already built.
    fn with_index(
        uri: Uri,
        version: i32,
        path: Option<String>,
        text: Arc<String>,
        index: LineIndex,
        config: Arc<AnalysisConfig>,
        cache: Arc<ValidationCache>,
    ) -> Snapshot {
        Snapshot {
            uri,
            version,
            path,
            index,
            text,
            config,
            cache,
            analysis: OnceCell::new(),
            seed: Mutex::new(None),
            syntax_published: false,
        }
    }

    /// The analysis of this version, computed once on a blocking thread and shared by every
    /// request and the diagnostics task that ask for it.
    pub async fn analysis(self: &Arc<Snapshot>) -> Arc<Analysis> {
        self.analysis_reporting(None).await
    }

    /// [`Snapshot::analysis`], handing the first stage (the parse and the document's kind) to
    /// `early` on the analysing thread before the schema and semantic checks run, if this
    /// call is the one that computes the analysis.
    pub async fn analysis_reporting(
        self: &Arc<Snapshot>,
        early: Option<EarlyHook>,
    ) -> Arc<Analysis> {
        self.analysis
            .get_or_init(|| {
                let snapshot = Arc::clone(self);
                async move {
                    let computed = tokio::task::spawn_blocking(move || {
                        tracing::debug!(version = snapshot.version, "analysis started");
                        let start = std::time::Instant::now();
                        let seed = snapshot
                            .seed
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .take();
                        let parsed = seed.unwrap_or_else(|| {
                            nfls_ide::parse_and_classify(
                                Arc::clone(&snapshot.text),
                                snapshot.path.as_deref(),
                                &snapshot.config,
                            )
                        });
                        tracing::debug!(
                            version = snapshot.version,
                            elapsed = ?start.elapsed(),
                            "parsed and classified"
                        );
                        if let Some(early) = early {
                            early(&snapshot, &parsed);
                        }
                        let analysis = parsed.finish(&snapshot.cache);
                        tracing::debug!(
                            version = snapshot.version,
                            bytes = snapshot.text.len(),
                            elapsed = ?start.elapsed(),
                            "analysed"
                        );
                        analysis
                    })
                    .await;
                    match computed {
                        Ok(analysis) => Arc::new(analysis),
                        Err(err) => {
                            // A panic in analysis must not take the server down: fall back to a
                            // parse-only analysis so that the document stays usable.
                            tracing::error!("analysis panicked: {err}");
                            Arc::new(nfls_ide::analyze_syntax_only(&self.text))
                        }
                    }
                }
            })
            .await
            .clone()
    }
}

/// What [`Snapshot::analysis_reporting`] calls with an analysis's first stage.
pub type EarlyHook = Box<dyn FnOnce(&Snapshot, &nfls_ide::Parsed) + Send>;

/// A just-opened document as the stdin reader leaves it when it parses the document straight
/// after decoding it (see [`super::framing::Inbox::set_preparer`]): the text, its line index,
/// and its parse under the settings of that moment.
pub struct Prepared {
    pub text: Arc<String>,
    pub index: LineIndex,
    /// The settings the parse (the document's kind) was made with: the parse is used only if
    /// they are still the settings when the document is stored.
    pub config: Arc<AnalysisConfig>,
    pub parsed: nfls_ide::Parsed,
    /// The syntax errors were published.
    pub published: bool,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("bytes", &self.text.len())
            .field("published", &self.published)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Document {
    version: i32,
    /// The text being edited, built from the snapshot's text on the first edit: a document
    /// that is only read (most are) never holds a second copy of its text.
    rope: Option<Rope>,
    parked: BTreeMap<i32, Vec<TextDocumentContentChangeEvent>>,
    snapshot: Arc<Snapshot>,
    /// This client numbers versions with gaps (Neovim 0.7 uses its change ticks): once a gap
    /// was never filled, newer versions apply at once instead of waiting for a predecessor.
    gaps: bool,
}

impl Document {
    /// A new snapshot of the current text and version (the old one stays valid for whoever
    /// holds it).
    fn new_snapshot(&mut self, uri: &Uri, config: Arc<AnalysisConfig>) {
        let text = match &self.rope {
            Some(rope) => {
                let mut text = String::with_capacity(rope.len_bytes());
                rope.chunks().for_each(|chunk| text.push_str(chunk));
                Arc::new(text)
            }
            None => Arc::clone(&self.snapshot.text),
        };
        self.snapshot = Arc::new(Snapshot::new(
            uri.clone(),
            self.version,
            self.snapshot.path.clone(),
            text,
            config,
            Arc::clone(&self.snapshot.cache),
        ));
    }

    /// Applies `changes` to the text being edited.
    fn apply(&mut self, changes: &[TextDocumentContentChangeEvent], encoding: Encoding) {
        let snapshot = &self.snapshot;
        let rope = self
            .rope
            .get_or_insert_with(|| Rope::from_str(&snapshot.text));
        apply(rope, changes, encoding);
    }
}

/// What happened to a `didChange`.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeOutcome {
    /// Applied, possibly together with parked successors; the document is now at this version.
    Applied(i32),
    /// Came before its predecessor; parked until it arrives.
    Parked,
    /// Not newer than the current version: dropped.
    Stale { current: i32 },
    /// No such open document.
    Unknown,
}

/// All open documents. Mutated only inside notification handlers, before any `.await`.
#[derive(Debug, Default)]
pub struct Documents {
    docs: HashMap<Uri, Document>,
}

impl Documents {
    pub fn open(
        &mut self,
        uri: Uri,
        version: i32,
        text: String,
        config: Arc<AnalysisConfig>,
    ) -> Arc<Snapshot> {
        let path = file_path(&uri);
        let snapshot = Snapshot::new(
            uri.clone(),
            version,
            path,
            Arc::new(text),
            config,
            Arc::new(ValidationCache::new()),
        );
        self.insert(uri, version, snapshot)
    }

    /// [`Documents::open`] for a document the stdin reader parsed: its analysis starts from
    /// that parse, unless the settings changed since (then it parses again).
    pub fn open_prepared(
        &mut self,
        uri: Uri,
        version: i32,
        prepared: Prepared,
        config: Arc<AnalysisConfig>,
    ) -> Arc<Snapshot> {
        let path = file_path(&uri);
        let seed = Arc::ptr_eq(&prepared.config, &config).then_some(prepared.parsed);
        let snapshot = Snapshot {
            seed: Mutex::new(seed),
            syntax_published: prepared.published,
            ..Snapshot::with_index(
                uri.clone(),
                version,
                path,
                prepared.text,
                prepared.index,
                config,
                Arc::new(ValidationCache::new()),
            )
        };
        self.insert(uri, version, snapshot)
    }

    fn insert(&mut self, uri: Uri, version: i32, snapshot: Snapshot) -> Arc<Snapshot> {
        let snapshot = Arc::new(snapshot);
        self.docs.insert(
            uri,
            Document {
                version,
                rope: None,
                parked: BTreeMap::new(),
                snapshot: Arc::clone(&snapshot),
                gaps: false,
            },
        );
        snapshot
    }

    pub fn close(&mut self, uri: &Uri) -> bool {
        self.docs.remove(uri).is_some()
    }

    /// The open documents.
    pub fn uris(&self) -> Vec<Uri> {
        self.docs.keys().cloned().collect()
    }

    pub fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.docs.get(uri).map(|doc| Arc::clone(&doc.snapshot))
    }

    /// Applies one `didChange`, honouring version order (see the module docs).
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> ChangeOutcome {
        let Some(doc) = self.docs.get_mut(uri) else {
            return ChangeOutcome::Unknown;
        };
        if version <= doc.version {
            return ChangeOutcome::Stale {
                current: doc.version,
            };
        }
        if version != doc.version + 1 && !doc.gaps {
            doc.parked.insert(version, changes);
            return ChangeOutcome::Parked;
        }
        doc.apply(&changes, encoding);
        doc.version = version;
        // Successors that arrived early can go on now.
        while let Some(entry) = doc.parked.first_entry() {
            if *entry.key() != doc.version + 1 {
                break;
            }
            let (next, changes) = entry.remove_entry();
            doc.apply(&changes, encoding);
            doc.version = next;
        }
        doc.new_snapshot(uri, Arc::clone(&doc.snapshot.config));
        ChangeOutcome::Applied(doc.version)
    }

    /// Applies parked changes whose predecessors never came (clients may skip version numbers),
    /// in version order, and from then on takes this document's versions as they come. Returns
    /// the new version when anything was applied.
    pub fn flush_parked(&mut self, uri: &Uri, encoding: Encoding) -> Option<i32> {
        let doc = self.docs.get_mut(uri)?;
        if doc.parked.is_empty() {
            return None;
        }
        for (version, changes) in std::mem::take(&mut doc.parked) {
            doc.apply(&changes, encoding);
            doc.version = version;
        }
        doc.gaps = true;
        doc.new_snapshot(uri, Arc::clone(&doc.snapshot.config));
        Some(doc.version)
    }

    /// Re-analyses every document with new settings (new snapshots, same text and version).
    pub fn reconfigure(&mut self, config: &Arc<AnalysisConfig>) -> Vec<Arc<Snapshot>> {
        self.docs
            .iter_mut()
            .map(|(uri, doc)| {
                doc.new_snapshot(uri, Arc::clone(config));
                Arc::clone(&doc.snapshot)
            })
            .collect()
    }
}

/// Applies content changes to the rope: ranged ones as edits, range-less ones as full
/// replacements. Positions out of range are clamped, never a panic.
fn apply(rope: &mut Rope, changes: &[TextDocumentContentChangeEvent], encoding: Encoding) {
    for change in changes {
        let Some(range) = change.range else {
            *rope = Rope::from_str(&change.text);
            continue;
        };
        // Offsets in the rope as it is now, after earlier changes of this batch.
        let at = |position: tower_lsp_server::ls_types::Position| {
            rope_offset(
                rope,
                Position {
                    line: position.line,
                    character: position.character,
                },
                encoding,
            )
        };
        let (start, end) = (at(range.start), at(range.end));
        let (start, end) = if start <= end {
            (start, end)
        } else {
            (end, start)
        };
        let start_char = rope.byte_to_char(start as usize);
        let end_char = rope.byte_to_char(end as usize);
        rope.remove(start_char..end_char);
        rope.insert(start_char, &change.text);
    }
}

/// The file system path of a `file:` URI, with `/` separators.
pub fn file_path(uri: &Uri) -> Option<String> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path()
        .map(|path| path.to_string_lossy().replace('\\', "/"))
}

#[cfg(test)]
mod tests;

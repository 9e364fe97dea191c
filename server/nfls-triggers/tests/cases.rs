//! Table of whole-document cases: document snippet + event → would it run, is the answer
//! approximate, and a phrase the explanation must contain.

use nfls_triggers::{
    DocKind, LinkedObject, PushEvent, Verdict, evaluate_document, overall, render_explanation,
};

struct Case {
    name: &'static str,
    kind: DocKind,
    doc: &'static str,
    event: &'static str,
    /// JSON array of `LinkedObject`s, or "" for none.
    linked: &'static str,
    run: bool,
    approximate: bool,
    phrase: &'static str,
}

use DocKind::{PreviewBlueprint, PreviewTemplate, ReleaseFlow, Template, Workflow};

const CASES: &[Case] = &[
    // ---- legacy branch and PR rules -------------------------------------------------------
    Case {
        name: "branch rule exact match",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","vcsService":"github","branchRestrictions":["main"],"prRestrictions":[]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["src/a.ts"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "✓ branch rules: saw branch `main` against `main` — `main` matches `main`",
    },
    Case {
        name: "branch rule no match",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"prRestrictions":[]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"dev","changes":["src/a.ts"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "no rule matches `dev`",
    },
    Case {
        name: "glob prefix within one segment",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["feature/*"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"feature/login","changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "`feature/*` matches `feature/login`",
    },
    Case {
        name: "glob star crossing a slash is approximate",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["feature/*"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"feature/a/b","changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: true,
        phrase: "`feature/*` matches `feature/a/b` (with `*` matching across `/`)",
    },
    Case {
        name: "lone star matches every branch for certain",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["*"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"release/2024/q1","changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "`*` matches `release/2024/q1`",
    },
    Case {
        name: "case differs",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["Main"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: true,
        phrase: "if Northflank ignored letter case",
    },
    Case {
        name: "PR rule on a push to a branch with an open PR",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"prRestrictions":["patch/*"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"patch/x","pullRequest":{},"changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "`patch/*` matches `patch/x`",
    },
    Case {
        name: "PR rule on a push without a PR",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"prRestrictions":["patch/*"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"patch/x","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "saw no open pull request from `patch/x`",
    },
    Case {
        name: "PR opened event",
        kind: PreviewTemplate,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":[],"prRestrictions":["*"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","kind":"pullRequest","branch":"feat/y","pullRequest":{"draft":false},"changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "✓ pull-request rules",
    },
    Case {
        name: "PR opened event with only branch rules",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["*"],"prRestrictions":[]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","kind":"pullRequest","branch":"feat/y","pullRequest":{},"changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "this event opens a pull request",
    },
    Case {
        name: "draft PR ignored",
        kind: PreviewTemplate,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","prRestrictions":["*"],"ignoreDrafts":true}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","kind":"pullRequest","branch":"feat/y","pullRequest":{"draft":true},"changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "the pull request is a draft and drafts are ignored",
    },
    Case {
        name: "draft PR allowed",
        kind: PreviewTemplate,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","prRestrictions":["*"],"ignoreDrafts":false}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","kind":"pullRequest","branch":"feat/y","pullRequest":{"draft":true},"changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "drafts are not ignored",
    },
    Case {
        name: "draft PR ignored but the branch rule fires",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"prRestrictions":["*"],"ignoreDrafts":true}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","pullRequest":{"draft":true},"changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "✗ drafts",
    },
    Case {
        name: "both rule lists empty",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":[],"prRestrictions":[]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: true,
        phrase: "with an empty rule list no push is assumed to match",
    },
    // ---- path rules ------------------------------------------------------------------------
    Case {
        name: "ignore mode: every path ignored",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"pathIgnoreRules":["*.md","docs/"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["README.md","docs/guide/a.txt"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "every changed path is ignored: `README.md`, `docs/guide/a.txt`",
    },
    Case {
        name: "ignore mode: one path not ignored",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"pathIgnoreRules":["*.md","docs/"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["README.md","src/app.ts"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "`src/app.ts` is not ignored, so the push counts",
    },
    Case {
        name: "ignore mode: negation re-includes a file",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"pathIgnoreRules":["*.md","!CHANGELOG.md"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["README.md","CHANGELOG.md"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "`CHANGELOG.md` is not ignored",
    },
    Case {
        name: "ignore mode: directory rule at any depth",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"pathIgnoreRules":["node_modules/"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["node_modules/x/index.js","packages/a/node_modules/y.js"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "every changed path is ignored",
    },
    Case {
        name: "ignore mode: re-including inside an excluded directory",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"pathIgnoreRules":["docs/","!docs/api.md"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["docs/api.md"]}"##,
        linked: "",
        run: true,
        approximate: true,
        phrase: "git would not",
    },
    Case {
        name: "allow mode: matched directory",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"isAllowList":true,"pathIgnoreRules":["platform/"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/flows/release.json"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "`platform/flows/release.json` is matched by the allow rules",
    },
    Case {
        name: "allow mode: nothing matched",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"isAllowList":true,"pathIgnoreRules":["platform/"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["src/a.ts"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "no changed path is matched by the allow rules: `src/a.ts`",
    },
    Case {
        name: "allow mode: negation excludes",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"isAllowList":true,"pathIgnoreRules":["*.json","!package.json"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["package.json","web/package.json"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "no changed path is matched",
    },
    Case {
        name: "allow mode: anchored rule",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"isAllowList":true,"pathIgnoreRules":["/infra/*.tf"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["modules/infra/x.tf"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "`modules/infra/x.tf`",
    },
    Case {
        name: "rename into an allowed directory",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"isAllowList":true,"pathIgnoreRules":["platform/"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":[{"path":"platform/x.json","kind":"renamed","oldPath":"old/x.json"}]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "`platform/x.json` is matched",
    },
    Case {
        name: "rename out of an allowed directory counts the old side",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"isAllowList":true,"pathIgnoreRules":["platform/"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":[{"path":"archive/x.json","kind":"renamed","oldPath":"platform/x.json"}]}"##,
        linked: "",
        run: true,
        approximate: true,
        phrase: "rests on counting `platform/x.json`, a rename's old path or a deleted file",
    },
    Case {
        name: "deleted file counts in ignore mode",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"pathIgnoreRules":["*.md"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":[{"path":"src/old.ts","kind":"deleted"},"README.md"]}"##,
        linked: "",
        run: true,
        approximate: true,
        phrase: "`src/old.ts` is not ignored",
    },
    Case {
        name: "union and net change sets disagree",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"pathIgnoreRules":["*.md"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["README.md","tmp/x.ts"],"netChanges":["README.md"]}"##,
        linked: "",
        run: true,
        approximate: true,
        phrase: "the union of the pushed commits' changes and the net diff",
    },
    // ---- skip flags ------------------------------------------------------------------------
    Case {
        name: "skip flag in one of several pushed commits",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"ciIgnoreFlagsEnabled":true}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"],"commitMessages":["feat: a","chore: b [skip ci]","fix: c"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "commit `chore: b [skip ci]` contains `[skip ci]`, so the run is skipped",
    },
    Case {
        name: "skip flags disabled",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"ciIgnoreFlagsEnabled":false,"ciIgnoreFlags":["[skip ci]"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"],"commitMessages":["chore: b [skip ci]"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "commit-message skip flags are off",
    },
    Case {
        name: "custom flags replace the defaults",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"ciIgnoreFlagsEnabled":true,"ciIgnoreFlags":["#no-deploy"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"],"commitMessages":["docs [skip ci]"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "against `#no-deploy` — no message contains a skip flag",
    },
    Case {
        name: "custom flag hit",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"ciIgnoreFlagsEnabled":true,"ciIgnoreFlags":["#no-deploy"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"],"commitMessages":["hotfix #no-deploy\n\nbody"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "commit `hotfix #no-deploy` contains `#no-deploy`",
    },
    Case {
        name: "PR route checks only the head commit",
        kind: PreviewTemplate,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"],"prRestrictions":["patch/*"],"ciIgnoreFlagsEnabled":true}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"patch/x","pullRequest":{},"changes":["a"],"commitMessages":["wip [skip ci]","ready"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "1 message (the pull request's head commit)",
    },
    Case {
        name: "PR head commit flag blocks",
        kind: PreviewTemplate,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","prRestrictions":["patch/*"],"ciIgnoreFlagsEnabled":true}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"patch/x","pullRequest":{},"changes":["a"],"commitMessages":["ready"],"headCommitMessage":"ready [no ci]"}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "contains `[no ci]`",
    },
    // ---- pause, several triggers, repositories ---------------------------------------------
    Case {
        name: "release flow paused in options",
        kind: ReleaseFlow,
        doc: r##"{"options":{"paused":true},"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "saw `options.paused` is true — paused",
    },
    Case {
        name: "preview template paused at top level",
        kind: PreviewTemplate,
        doc: r##"{"paused":true,"triggers":[{"repoUrl":"https://github.com/acme/app","prRestrictions":["*"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","kind":"pullRequest","branch":"x","pullRequest":{},"changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "saw `paused` is true",
    },
    Case {
        name: "several triggers: the second fires",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"ref":"lib","repoUrl":"https://github.com/acme/lib","branchRestrictions":["main"]},{"ref":"app","repoUrl":"https://github.com/acme/app","branchRestrictions":["main"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "trigger 2 (`app`): would run, starting now",
    },
    Case {
        name: "several triggers: none fires",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"ref":"lib","repoUrl":"https://github.com/acme/lib","branchRestrictions":["main"]},{"ref":"app","repoUrl":"https://github.com/acme/app","branchRestrictions":["release"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "trigger 1 (`lib`): would not run",
    },
    Case {
        name: "wrong repository",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/other","branchRestrictions":["main"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "wrong repository: the push goes to `github.com/acme/app`, the rule watches `github.com/acme/other`",
    },
    Case {
        name: "ssh remote matches https rule",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","vcsService":"github","branchRestrictions":["main"]}]}"##,
        event: r##"{"repoUrl":"git@github.com:Acme/App.git","vcsService":"github","branch":"main","changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "same repository (`github.com/acme/app`)",
    },
    Case {
        name: "no triggers at all",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "there are no Git triggers",
    },
    Case {
        name: "typed-model key inside a legacy trigger",
        kind: ReleaseFlow,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","branchNamePatterns":["main"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: true,
        phrase: "`branchNamePatterns` belongs to the typed trigger model",
    },
    Case {
        name: "manual-only preview trigger",
        kind: PreviewTemplate,
        doc: r##"{"triggers":[{"repoUrl":"https://github.com/acme/app","prRestrictions":["*"],"manualOnly":true}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","kind":"pullRequest","branch":"x","pullRequest":{},"changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "this trigger is used only for manual runs",
    },
    Case {
        name: "preview active hours are not evaluated",
        kind: PreviewTemplate,
        doc: r##"{"options":{"schedule":{"mon":{"startTime":"09:00","endTime":"17:00"}}},"triggers":[{"repoUrl":"https://github.com/acme/app","prRestrictions":["*"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","kind":"pullRequest","branch":"x","pullRequest":{},"changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: true,
        phrase: "active hours are not evaluated",
    },
    Case {
        name: "release flow push also edits its own definition",
        kind: ReleaseFlow,
        doc: r##"{"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/flows/release.json"},"triggers":[{"repoUrl":"https://github.com/acme/app","branchRestrictions":["main"]}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["flows/release.json"]}"##,
        linked: "",
        run: true,
        approximate: true,
        phrase: "whether this run uses the old or the new definition is unconfirmed",
    },
    // ---- typed triggers --------------------------------------------------------------------
    Case {
        name: "vcs-push matches",
        kind: Workflow,
        doc: r##"{"triggers":[{"kind":"vcs-push","ref":"app","spec":{"vcs":{"vcsService":"github","repoUrl":"https://github.com/acme/app"},"branchNamePatterns":["main"],"commitMessageFlags":{"enabled":false},"filePaths":{"enabled":false}}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "`vcs-push` trigger 1 (`app`): would run",
    },
    Case {
        name: "vcs-push allow-listed file paths not touched",
        kind: Workflow,
        doc: r##"{"triggers":[{"kind":"vcs-push","spec":{"vcs":{"vcsService":"github","repoUrl":"https://github.com/acme/app"},"branchNamePatterns":["main"],"filePaths":{"enabled":true,"allowList":true,"paths":["services/api/"]}}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["services/web/x.ts"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "no changed path is matched by the allow rules",
    },
    Case {
        name: "vcs-push default flags when the list is absent",
        kind: Workflow,
        doc: r##"{"triggers":[{"kind":"vcs-push","spec":{"vcs":{"vcsService":"github","repoUrl":"https://github.com/acme/app"},"branchNamePatterns":["*"],"commitMessageFlags":{"enabled":true}}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"],"commitMessages":["tweak [skip nf]"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "contains `[skip nf]`",
    },
    Case {
        name: "vcs-push with empty branch patterns",
        kind: Workflow,
        doc: r##"{"triggers":[{"kind":"vcs-push","spec":{"vcs":{"vcsService":"github","repoUrl":"https://github.com/acme/app"},"branchNamePatterns":[]}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: true,
        phrase: "branch patterns: with an empty rule list",
    },
    Case {
        name: "vcs-push paused trigger",
        kind: Workflow,
        doc: r##"{"triggers":[{"kind":"vcs-push","paused":true,"spec":{"vcs":{"vcsService":"github","repoUrl":"https://github.com/acme/app"},"branchNamePatterns":["main"]}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "the trigger's `paused` is true",
    },
    Case {
        name: "vcs-pr ignores drafts",
        kind: Workflow,
        doc: r##"{"triggers":[{"kind":"vcs-pr","spec":{"vcs":{"vcsService":"github","repoUrl":"https://github.com/acme/app"},"branchNamePatterns":["*"],"ignoreDrafts":true}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","kind":"pullRequest","branch":"feat/x","pullRequest":{"draft":true},"changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "drafts are ignored",
    },
    Case {
        name: "vcs-pr without a pull request",
        kind: Workflow,
        doc: r##"{"triggers":[{"kind":"vcs-pr","spec":{"vcs":{"vcsService":"github","repoUrl":"https://github.com/acme/app"},"branchNamePatterns":["*"]}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"feat/x","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "pull-request triggers need a pull request",
    },
    Case {
        name: "preview blueprint vcs-pr on a PR",
        kind: PreviewBlueprint,
        doc: r##"{"triggers":[{"kind":"vcs-pr","spec":{"vcs":{"vcsService":"github","repoUrl":"https://github.com/acme/app"},"branchNamePatterns":["feat/*"]}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","kind":"pullRequest","branch":"feat/x","pullRequest":{},"changes":["a"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "`feat/*` matches `feat/x`",
    },
    Case {
        name: "vcs-release is not evaluated",
        kind: Workflow,
        doc: r##"{"triggers":[{"kind":"vcs-release","spec":{"vcs":{"vcsService":"github","repoUrl":"https://github.com/acme/app"}}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: true,
        phrase: "not evaluated: release triggers",
    },
    Case {
        name: "cron is not started by a push",
        kind: Workflow,
        doc: r##"{"triggers":[{"kind":"cron","spec":{"cron":"0 3 * * *"}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "saw cron `0 3 * * *` — cron triggers run on their schedule",
    },
    Case {
        name: "webhook is not started by a push",
        kind: PreviewBlueprint,
        doc: r##"{"triggers":[{"kind":"webhook","ref":"hook","spec":{"token":"t"}}]}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["a"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "webhook triggers run when their URL is called",
    },
    // ---- templates -------------------------------------------------------------------------
    Case {
        name: "template with autorun",
        kind: Template,
        doc: r##"{"options":{"autorun":true},"gitops":{"vcsService":"github","repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/template.json"]}"##,
        linked: "",
        run: true,
        approximate: false,
        phrase: "autorun is on: the update starts a run",
    },
    Case {
        name: "template without autorun",
        kind: Template,
        doc: r##"{"options":{"autorun":false},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/template.json"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "the template is updated but not run",
    },
    Case {
        name: "template with runOnUpdate only",
        kind: Template,
        doc: r##"{"options":{"runOnUpdate":true},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/template.json"]}"##,
        linked: "",
        run: true,
        approximate: true,
        phrase: "`options.runOnUpdate` is undocumented; read as an alias of `autorun`",
    },
    Case {
        name: "template pushed to another branch",
        kind: Template,
        doc: r##"{"options":{"autorun":true},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"dev","changes":["platform/template.json"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "the template follows `main`, not `dev`",
    },
    Case {
        name: "template file not changed",
        kind: Template,
        doc: r##"{"options":{"autorun":true},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/other.json"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "the push does not change `/platform/template.json`",
    },
    Case {
        name: "template file deleted",
        kind: Template,
        doc: r##"{"options":{"autorun":true},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":[{"path":"platform/template.json","kind":"deleted"}]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "Northflank can no longer read the linked file",
    },
    Case {
        name: "file not linked at all",
        kind: Template,
        doc: r##"{"apiVersion":"v1.2","options":{"autorun":true},"spec":{}}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["template.json"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "the template is not linked to a file in Git",
    },
    Case {
        name: "template in another repository",
        kind: Template,
        doc: r##"{"options":{"autorun":true},"gitops":{"repoUrl":"https://github.com/acme/infra","branch":"main","filePath":"/platform/template.json"}}"##,
        event: r##"{"repoUrl":"git@github.com:acme/app.git","branch":"main","changes":["platform/template.json"]}"##,
        linked: "",
        run: false,
        approximate: false,
        phrase: "wrong repository",
    },
    Case {
        name: "template skip flag is assumed to have no effect",
        kind: Template,
        doc: r##"{"options":{"autorun":true},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/template.json"],"commitMessages":["tweak [skip ci]"]}"##,
        linked: "",
        run: true,
        approximate: true,
        phrase: "whether `[skip ci]` suppresses template autorun is unconfirmed (assumed not)",
    },
    Case {
        name: "template forbid while a run is in progress",
        kind: Template,
        doc: r##"{}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/template.json"]}"##,
        linked: r##"[{"id":"prod","runInProgress":true,"document":{"options":{"autorun":true,"concurrencyPolicy":"forbid"},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}}]"##,
        run: false,
        approximate: false,
        phrase: "`prod`: template autorun: would not run: dropped by the concurrency policy",
    },
    Case {
        name: "template queue while a run is in progress",
        kind: Template,
        doc: r##"{}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/template.json"]}"##,
        linked: r##"[{"id":"prod","runInProgress":true,"document":{"options":{"autorun":true},"concurrencyPolicy":"queue","gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}}]"##,
        run: true,
        approximate: false,
        phrase: "would run, after the running run (queued)",
    },
    Case {
        name: "template replace is undocumented",
        kind: Template,
        doc: r##"{"options":{"autorun":true,"concurrencyPolicy":"replace"},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/template.json"]}"##,
        linked: r##"[{"id":"prod","runInProgress":true,"document":{"options":{"autorun":true,"concurrencyPolicy":"replace"},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}}]"##,
        run: true,
        approximate: true,
        phrase: "would run, aborting the running run (approximate)",
    },
    Case {
        name: "template latest is undocumented",
        kind: Template,
        doc: r##"{"options":{"autorun":true,"concurrencyPolicy":"latest"},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/template.json"]}"##,
        linked: "",
        run: true,
        approximate: true,
        phrase: "`latest` is undocumented",
    },
    Case {
        name: "one file backing two templates",
        kind: Template,
        doc: r##"{}"##,
        event: r##"{"repoUrl":"https://github.com/acme/app","branch":"main","changes":["platform/template.json"]}"##,
        linked: r##"[{"id":"us","document":{"options":{"autorun":false},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}},{"id":"eu","document":{"options":{"autorun":true},"gitops":{"repoUrl":"https://github.com/acme/app","branch":"main","filePath":"/platform/template.json"}}}]"##,
        run: true,
        approximate: false,
        phrase: "`eu`: template autorun: would run, starting now",
    },
];

fn evaluate(case: &Case) -> (Vec<Verdict>, String) {
    let doc: serde_json::Value = serde_json::from_str(case.doc).expect("doc parses");
    let event: PushEvent = serde_json::from_str(case.event).expect("event parses");
    let linked: Vec<LinkedObject> = if case.linked.is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(case.linked).expect("linked parses")
    };
    let verdicts = evaluate_document(case.kind, &doc, &event, &linked);
    let text = render_explanation(&verdicts);
    (verdicts, text)
}

#[test]
fn table() {
    assert!(CASES.len() >= 40, "only {} cases", CASES.len());
    let mut failures = Vec::new();
    for case in CASES {
        let (verdicts, text) = evaluate(case);
        let o = overall(&verdicts);
        let mut problems = Vec::new();
        if o.would_run != case.run {
            problems.push(format!("would_run {} (want {})", o.would_run, case.run));
        }
        if o.approximate != case.approximate {
            problems.push(format!(
                "approximate {} (want {})",
                o.approximate, case.approximate
            ));
        }
        if !text.contains(case.phrase) {
            problems.push(format!("missing phrase {:?}", case.phrase));
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n{text}", case.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn case_names_are_unique() {
    let mut names: Vec<_> = CASES.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), CASES.len());
}

#[test]
fn full_explanation_of_a_skipped_push() {
    let case = CASES
        .iter()
        .find(|c| c.name == "skip flag in one of several pushed commits")
        .unwrap();
    let (_, text) = evaluate(case);
    assert_eq!(
        text,
        "trigger 1: would not run
  ✓ pause: saw not paused — Git triggers are active
  ✓ repository: saw `https://github.com/acme/app` against `https://github.com/acme/app` — same repository (`github.com/acme/app`)
  ✓ branch rules: saw branch `main` against `main` — `main` matches `main`
  ✗ skip flags: saw 3 messages (every pushed commit) against `[skip ci]`, `[ci skip]`, `[no ci]`, `[skip nf]`, `[nf skip]`, `[northflank skip]`, `[skip northflank]` — commit `chore: b [skip ci]` contains `[skip ci]`, so the run is skipped
  ✗ pull-request rules: saw no open pull request from `main` — pull-request rules need a pull request
  ✓ path rules: saw no path rules — no path rules, so every change counts
"
    );
}

#[test]
fn full_explanation_of_an_approximate_run() {
    let case = CASES
        .iter()
        .find(|c| c.name == "glob star crossing a slash is approximate")
        .unwrap();
    let (verdicts, text) = evaluate(case);
    assert_eq!(verdicts.len(), 1);
    assert_eq!(
        verdicts[0].approximate,
        vec![
            "branch rules: `feature/*` matches `feature/a/b` only because `*` is taken to match `/` too (unconfirmed)"
        ]
    );
    assert!(
        text.starts_with("trigger 1: would run, starting now (approximate)\n"),
        "{text}"
    );
    assert!(text.ends_with("  approximate:\n    - branch rules: `feature/*` matches `feature/a/b` only because `*` is taken to match `/` too (unconfirmed)\n"), "{text}");
}

#[test]
fn malformed_documents_do_not_panic() {
    let event: PushEvent = serde_json::from_str(
        r#"{"repoUrl":"https://github.com/a/b","branch":"main","changes":["x"]}"#,
    )
    .unwrap();
    let docs = [
        "null",
        "[]",
        "42",
        r#"{"triggers": 5}"#,
        r#"{"triggers": [null, 1, "x", {"kind": 3}, {"branchRestrictions": "main"}]}"#,
        r#"{"gitops": "x"}"#,
        r#"{"gitops": {"repoUrl": 1, "branch": null}}"#,
        r#"{"triggers": [{"kind": "vcs-push", "spec": {"vcs": [], "filePaths": {"enabled": true, "paths": ["[", "**/", "!"]}}}]}"#,
    ];
    for kind in [
        Template,
        ReleaseFlow,
        PreviewTemplate,
        Workflow,
        PreviewBlueprint,
    ] {
        for doc in docs {
            let doc: serde_json::Value = serde_json::from_str(doc).unwrap();
            let verdicts = evaluate_document(kind, &doc, &event, &[]);
            assert!(!render_explanation(&verdicts).is_empty());
        }
    }
}

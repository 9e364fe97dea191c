// Names of the Northflank document kinds that the server announces with `northflank/documentKind`,
// as the status bar shows them. Pure.

export type DocumentKind = 'template' | 'release-flow' | 'preview-template' | 'workflow' | 'preview-blueprint';

const LABELS: Record<DocumentKind, string> = {
  template: 'Template',
  'release-flow': 'Release flow',
  'preview-template': 'Preview template',
  workflow: 'Workflow',
  'preview-blueprint': 'Preview blueprint',
};

/** The status bar label of a kind, e.g. `Northflank: Release flow`; an unknown kind is shown as sent. */
export function kindLabel(kind: string): string {
  return `Northflank: ${(LABELS as Record<string, string>)[kind] ?? kind}`;
}

export interface DocumentKindParams {
  uri: string;
  kind: string | null;
}

/** Validates a `northflank/documentKind` notification's params; undefined when malformed. */
export function parseDocumentKind(params: unknown): DocumentKindParams | undefined {
  if (typeof params !== 'object' || params === null) {
    return undefined;
  }
  const { uri, kind } = params as { uri?: unknown; kind?: unknown };
  if (typeof uri !== 'string' || !(kind === null || typeof kind === 'string')) {
    return undefined;
  }
  return { uri, kind };
}

/** Whether a document with this language id should be switched to `northflank-json` once it is known to be ours. */
export function shouldSwitchLanguage(languageId: string, kind: string | null, enabled: boolean): boolean {
  return enabled && kind !== null && languageId === 'json';
}

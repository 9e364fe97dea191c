// The editor commands that wrap the server's `workspace/executeCommand` commands: their
// arguments and how their answers are shown. Pure: no `vscode` import, so the table and the
// presentation are unit-tested.
//
// The server does most of the talking itself: it asks with `window/showMessageRequest` (link,
// replace), shows read-only `northflank-remote:` documents with `window/showDocument` (fetch,
// diff), applies edits with `workspace/applyEdit` (link, replace) and shows the explanation of a
// push with `window/showMessage`. The client only adds what the answer says and the server did
// not already show: the link status (a structure) and "no differences".

export interface ServerCommand {
  /** The VS Code command id (palette, context menu, keybindings). */
  id: string;
  /** The server's command id, sent with `workspace/executeCommand`. */
  server: string;
  title: string;
}

// The VS Code ids differ from the server ids on purpose: vscode-languageclient registers a VS Code
// command under every id the server lists in `executeCommandProvider`, and registering the same
// id twice fails. Those auto-registered commands serve code lenses and code actions, which carry
// their own arguments; ours add the active file's URI.
export const SERVER_COMMANDS: readonly ServerCommand[] = [
  { id: 'northflank.showLinkStatus', server: 'northflank.remote.status', title: 'Show link status' },
  { id: 'northflank.link', server: 'northflank.remote.link', title: 'Link to Northflank…' },
  { id: 'northflank.fetchRemote', server: 'northflank.remote.fetch', title: 'Fetch remote versions' },
  { id: 'northflank.diffWithRemote', server: 'northflank.remote.diff', title: 'Show difference with remote' },
  { id: 'northflank.replaceWithRemote', server: 'northflank.remote.replace', title: 'Replace with remote version' },
  { id: 'northflank.explainPreview', server: 'northflank.preview.explain', title: 'Explain whether a push would run this' },
];

/** Where `northflank.remote.replace` takes the new text from (the user picks). */
export const REPLACE_SOURCES = [
  { source: 'platform', label: "The platform's copy", detail: 'The version of the linked template on Northflank' },
  { source: 'git', label: "The Git remote's copy", detail: 'The version on the branch that Northflank deploys from' },
] as const;

/**
 * The `arguments` of `workspace/executeCommand` for a command run on a document: `[{uri, …}]`.
 * Fetch asks the server to `git fetch` first (that is what the user asked for); replace needs
 * the source the user picked.
 */
export function commandArguments(server: string, uri: string, source?: string): [Record<string, unknown>] {
  const argument: Record<string, unknown> = { uri };
  if (server === 'northflank.remote.fetch') {
    argument.fetch = true;
  }
  if (server === 'northflank.remote.replace' && source !== undefined) {
    argument.source = source;
  }
  return [argument];
}

export interface Presentation {
  /** One line for a notification; none when the server already showed everything. */
  message?: string;
  /** Longer text (Markdown) worth opening in an editor. */
  details?: string;
  /** A link to offer ("Open in Northflank"). */
  url?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `northflank.remote.status` answers `{linked, drift, objects[], problem?, kind?, gitops?, git?}`. */
function presentStatus(result: Json): Presentation {
  const problem = str(result.problem);
  const details = '```json\n' + JSON.stringify(result, null, 2) + '\n```';
  if (problem !== undefined) {
    return { message: `Not linked: ${problem}`, details };
  }
  const objects = Array.isArray(result.objects) ? result.objects.filter(isObject) : [];
  if (result.linked !== true || objects.length === 0) {
    const git = isObject(result.git) ? result.git : {};
    const branch = str(git.linkBranch) ?? str(git.branch);
    return {
      message: `Not linked to Northflank${branch ? ` (branch ${branch})` : ''}: run “Link to Northflank…” to link it.`,
      details,
    };
  }
  const parts = objects.map((o) => {
    const label = `${str(o.kind) ?? 'object'} "${str(o.name) ?? str(o.id) ?? '?'}"`;
    return o.drift === true ? `${label}, which differs from this file` : label;
  });
  return { message: `Linked to ${parts.join('; ')}.`, details };
}

/**
 * How the answer of a server command is shown, by command. Answers of a shape this version does
 * not know fall back to `message` / `details` / `url` members, a string, or nothing.
 */
export function presentResult(server: string, title: string, result: unknown): Presentation {
  if (result === null || result === undefined) {
    return {};
  }
  if (isObject(result)) {
    switch (server) {
      case 'northflank.remote.status':
        if ('linked' in result || 'problem' in result) {
          return presentStatus(result);
        }
        break;
      case 'northflank.remote.diff':
        if ('uri' in result) {
          // the server opened the diff when there is one
          return result.uri === null ? { message: 'No differences with the remote copies.' } : {};
        }
        break;
      case 'northflank.remote.link': // the server asks and reports through messages
      case 'northflank.remote.fetch': // the server shows the remote copies as documents
      case 'northflank.remote.replace': // the server confirms and applies the edit itself
      case 'northflank.preview.explain': // the server shows the explanation itself
        return {};
    }
    const message = str(result.message) ?? str(result.summary);
    const details = str(result.details) ?? str(result.markdown);
    const url = str(result.url) ?? str(result.link);
    const out: Presentation = {};
    if (message !== undefined) out.message = message;
    if (details !== undefined) out.details = details;
    if (url !== undefined) out.url = url;
    return out;
  }
  if (typeof result === 'string' && result.trim() !== '') {
    const text = result.trim();
    const newline = text.indexOf('\n');
    return newline === -1 ? { message: text } : { message: text.slice(0, newline), details: text };
  }
  return { message: `${title}: ${JSON.stringify(result)}` };
}

/** The message for a failed command: the server's own words, or a hint when it lacks the command. */
export function describeError(title: string, serverCommand: string, error: unknown): string {
  const code = isObject(error) ? error.code : undefined;
  const text = error instanceof Error ? error.message : isObject(error) && typeof error.message === 'string' ? error.message : String(error);
  if (code === -32601 || /unknown command|method not found|unhandled method/i.test(text)) {
    return `${title}: this northflank-lsp does not offer ${serverCommand}; update the server.`;
  }
  return `${title} failed: ${text}`;
}

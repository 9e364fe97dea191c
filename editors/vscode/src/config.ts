// Turns the user's `northflank.*` VS Code settings into the server's `northflank` settings
// section, and puts the API token (kept in SecretStorage, never a setting) into it. Pure: no
// `vscode` import, so the mapping is unit-tested outside VS Code.

/** The settings that only the extension uses; the server never sees them. */
const CLIENT_ONLY = new Set(['server', 'trace', 'switchLanguage']);

export interface ServerSettings {
  files?: Record<string, string>;
  diagnostics?: { mode?: string; debounceMs?: number; severity?: Record<string, string> };
  api?: { baseUrl?: string; teamId?: string; tokenFile?: string; token?: string };
  [key: string]: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Maps the `northflank` settings object (as `workspace.getConfiguration().get('northflank')`
 * returns it) to what the server reads. Empty strings mean "not set" and are left out, so the
 * server applies its own defaults; the client-only settings are dropped; keys this version does
 * not know are passed through, so a newer server's settings work before the extension knows them.
 */
export function serverSettings(raw: unknown, token: string | undefined): ServerSettings {
  const out: ServerSettings = {};
  const section = isObject(raw) ? raw : {};
  for (const [key, value] of Object.entries(section)) {
    if (CLIENT_ONLY.has(key) || key === 'files' || key === 'diagnostics' || key === 'api') {
      continue;
    }
    out[key] = value;
  }
  if (isObject(section.files) && Object.keys(section.files).length > 0) {
    const files: Record<string, string> = {};
    for (const [glob, kind] of Object.entries(section.files)) {
      if (typeof kind === 'string') {
        files[glob] = kind;
      }
    }
    out.files = files;
  }
  if (isObject(section.diagnostics)) {
    const diagnostics: { mode?: string; debounceMs?: number; severity?: Record<string, string> } = {};
    const mode = nonEmptyString(section.diagnostics.mode);
    if (mode !== undefined) {
      diagnostics.mode = mode;
    }
    const debounce = section.diagnostics.debounceMs;
    if (typeof debounce === 'number' && Number.isFinite(debounce)) {
      diagnostics.debounceMs = Math.max(0, Math.round(debounce));
    }
    if (isObject(section.diagnostics.severity)) {
      const severity: Record<string, string> = {};
      for (const [code, level] of Object.entries(section.diagnostics.severity)) {
        if (typeof level === 'string') {
          severity[code] = level;
        }
      }
      if (Object.keys(severity).length > 0) {
        diagnostics.severity = severity;
      }
    }
    if (Object.keys(diagnostics).length > 0) {
      out.diagnostics = diagnostics;
    }
  }
  const api: { baseUrl?: string; teamId?: string; tokenFile?: string; token?: string } = {};
  if (isObject(section.api)) {
    for (const key of ['baseUrl', 'teamId', 'tokenFile'] as const) {
      const value = nonEmptyString(section.api[key]);
      if (value !== undefined) {
        api[key] = value;
      }
    }
    // `northflank.api.token` is not a contributed setting; if a user typed one into
    // settings.json anyway it is ignored: the token lives in SecretStorage only.
  }
  const secret = nonEmptyString(token);
  if (secret !== undefined) {
    api.token = secret;
  }
  if (Object.keys(api).length > 0) {
    out.api = api;
  }
  return out;
}

export interface ConfigurationItemLike {
  section?: string;
  scopeUri?: string;
}

/**
 * The `workspace/configuration` middleware's work: `results[i]` is VS Code's own answer for
 * `items[i]`. Answers for the `northflank` section become server settings (with the token);
 * answers for a sub-section such as `northflank.api` get the same treatment for that part.
 * Other sections are left as VS Code answered them.
 */
export function rewriteConfigurationResults(
  items: readonly ConfigurationItemLike[],
  results: readonly unknown[],
  token: string | undefined,
): unknown[] {
  return results.map((result, i) => {
    const section = items[i]?.section;
    if (section === 'northflank') {
      return serverSettings(result, token);
    }
    if (section !== undefined && section.startsWith('northflank.')) {
      // Answer a sub-section from the mapped whole, so that the token and the dropped
      // client-only settings are handled the same way.
      const path = section.slice('northflank.'.length).split('.');
      const mapped = serverSettings(nestUnder(path, result), token);
      let value: unknown = mapped;
      for (const key of path) {
        value = isObject(value) ? value[key] : undefined;
      }
      return value ?? null;
    }
    return result;
  });
}

function nestUnder(path: readonly string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

/** Settings whose change needs a new server process (they are read at `initialize`). */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects('northflank.server.path') || affects('northflank.diagnostics.mode');
}

// Finds the northflank-lsp executable: the `northflank.server.path` setting, else the binary
// bundled in the .vsix, else `northflank-lsp` on PATH. Pure: all file-system access goes
// through the `exists` callback, so the order and the messages can be unit-tested.
import * as path from 'path';

export const SERVER_NAME = 'northflank-lsp';

export interface ResolveInput {
  /** The `northflank.server.path` setting, as the user wrote it ('' or undefined: not set). */
  configured: string | undefined;
  /** Where the extension is installed (holds `server/<platform>-<arch>/`). */
  extensionPath: string;
  platform: string; // process.platform
  arch: string; // process.arch
  /** The PATH environment variable. */
  pathEnv: string | undefined;
  homeDir: string;
  /** First workspace folder, for `${workspaceFolder}` and relative paths. */
  workspaceFolder: string | undefined;
  /** True when `file` exists and is a file we may execute. */
  exists(file: string): boolean;
}

export type Resolution =
  | { ok: true; path: string; source: 'setting' | 'bundled' | 'path' }
  | { ok: false; message: string };

export function executableName(platform: string): string {
  return platform === 'win32' ? `${SERVER_NAME}.exe` : SERVER_NAME;
}

/** `server/<platform>-<arch>/northflank-lsp[.exe]` inside the extension: what `npm run package:bundled` ships. */
export function bundledServerPath(extensionPath: string, platform: string, arch: string): string {
  return path.join(extensionPath, 'server', `${platform}-${arch}`, executableName(platform));
}

/** Expands `~` and `${workspaceFolder}`, and makes a relative path absolute from the workspace folder. */
export function expandConfiguredPath(configured: string, homeDir: string, workspaceFolder: string | undefined): string {
  let p = configured.trim();
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) {
    p = path.join(homeDir, p.slice(1));
  }
  if (p.includes('${workspaceFolder}')) {
    p = p.split('${workspaceFolder}').join(workspaceFolder ?? '');
  }
  if (!path.isAbsolute(p) && workspaceFolder !== undefined) {
    p = path.join(workspaceFolder, p);
  }
  return p;
}

export function resolveServerPath(input: ResolveInput): Resolution {
  const configured = input.configured?.trim();
  if (configured) {
    const p = expandConfiguredPath(configured, input.homeDir, input.workspaceFolder);
    if (input.exists(p)) {
      return { ok: true, path: p, source: 'setting' };
    }
    // An explicit setting wins: falling back silently would run a server the user did not ask for.
    return {
      ok: false,
      message:
        `northflank-lsp: the setting northflank.server.path is "${configured}", but ${p} does not exist ` +
        'or is not executable. Fix the path, or clear the setting to use the bundled server or northflank-lsp on PATH.',
    };
  }
  const bundled = bundledServerPath(input.extensionPath, input.platform, input.arch);
  if (input.exists(bundled)) {
    return { ok: true, path: bundled, source: 'bundled' };
  }
  const exe = executableName(input.platform);
  const separator = input.platform === 'win32' ? ';' : ':';
  for (const dir of (input.pathEnv ?? '').split(separator)) {
    if (dir === '') {
      continue; // an empty PATH entry means the current directory: never run a binary from there
    }
    const candidate = path.join(dir, exe);
    if (input.exists(candidate)) {
      return { ok: true, path: candidate, source: 'path' };
    }
  }
  return {
    ok: false,
    message:
      `northflank-lsp: cannot find the language server. This extension has no bundled server for ${input.platform}-${input.arch} ` +
      `and ${exe} is not on PATH. Set northflank.server.path to the northflank-lsp executable, ` +
      'or install northflank-lsp (for example `cargo install --path server/nfls-lsp` in a checkout) so that it is on PATH.',
  };
}

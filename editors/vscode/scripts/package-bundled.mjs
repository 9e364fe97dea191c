// Packages a platform-specific .vsix that carries a northflank-lsp binary, so users need no
// separate install. The binary goes to server/<platform>-<arch>/ (what src/serverPath.ts looks
// for) and the .vsix is marked for that VS Code target.
// Usage: node scripts/package-bundled.mjs [path/to/northflank-lsp]   (default: ../../target/release/northflank-lsp)
//        env NFLS_VSIX_OUT: output file (default northflank-lsp-<target>.vsix)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const exe = process.platform === 'win32' ? 'northflank-lsp.exe' : 'northflank-lsp';
const binary = path.resolve(process.argv[2] ?? path.join(root, '..', '..', 'target', 'release', exe));
if (!fs.existsSync(binary)) {
  console.error(`no server binary at ${binary}: build it with \`cargo build --release -p nfls-lsp\` or pass its path`);
  process.exit(1);
}
// VS Code's platform targets: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64, …
const target = `${process.platform}-${process.arch}`;
const serverDir = path.join(root, 'server');
fs.rmSync(serverDir, { recursive: true, force: true });
fs.mkdirSync(path.join(serverDir, target), { recursive: true });
const dest = path.join(serverDir, target, exe);
fs.copyFileSync(binary, dest);
fs.chmodSync(dest, 0o755);
// The release profile keeps line tables for backtraces (143 MB); the shipped copy drops the debug
// sections but keeps the symbols (about 30 MB). Skipped where there is no GNU strip.
if (process.platform === 'linux') {
  try {
    execFileSync('strip', ['--strip-debug', dest], { stdio: 'inherit' });
  } catch {
    console.warn('strip not found: bundling the binary as built');
  }
}
const out = process.env.NFLS_VSIX_OUT ?? `northflank-lsp-${target}.vsix`;
const vsce = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
try {
  execFileSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--target', target, '--out', out], { cwd: root, stdio: 'inherit' });
} finally {
  fs.rmSync(serverDir, { recursive: true, force: true });
}

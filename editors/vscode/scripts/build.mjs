// Bundles the extension into dist/extension.js with esbuild (one file: no node_modules in the .vsix).
// Usage: node scripts/build.mjs [--watch] [--dev]
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const dev = watch || process.argv.includes('--dev');
const options = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: dev,
  minify: !dev,
  logLevel: 'info',
};
if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}

// Drives code-server (VS Code in the browser) with Playwright and Debian's Chromium, headless, to
// test the Northflank extension (editors/vscode) end to end with the real northflank-lsp.
// Usage: node drive.js URL WORKSPACE_FOLDER OUT_DIR
// Env:   CHROMIUM (default /usr/bin/chromium); NFLS_EDITOR_FEATURES (default completion,hover;
//        `none` turns those checks off); COMPLETION_LABEL / HOVER_TEXT.
// Writes a screenshot per step to OUT_DIR and prints OK/FAIL/SKIP lines, then
// "RESULT N passed, M failed"; exit 0 when nothing failed.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const [url = 'http://127.0.0.1:8080', folder = process.cwd(), out = 'vscode-out'] = process.argv.slice(2);
fs.mkdirSync(out, { recursive: true });
// Checks of server features, on by default now that the server has them; NFLS_EDITOR_FEATURES
// (a list, or `none`) selects them, e.g. while a feature is being reworked.
let features = new Set((process.env.NFLS_EDITOR_FEATURES || 'completion,hover').split(/[,\s]+/).filter(Boolean));
if (features.has('all')) features = new Set(['completion', 'hover']);
const COMPLETION_LABEL = process.env.COMPLETION_LABEL || 'description';
const HOVER_TEXT = process.env.HOVER_TEXT || 'Project';
const TOKEN = 'nf-e2e-secret-7d1f';
const log = (...a) => { console.log(...a); fs.appendFileSync(path.join(out, 'result.txt'), a.join(' ') + '\n'); };

(async () => {
  const t0 = Date.now();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-sync',
      '--disable-background-networking', '--disable-component-update'],
  });
  let passed = 0;
  let failed = 0;
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  page.on('pageerror', (e) => fs.appendFileSync(path.join(out, 'console.txt'), `pageerror: ${e}\n`));
  page.on('console', (m) => fs.appendFileSync(path.join(out, 'console.txt'), `${m.type()}: ${m.text()}\n`));
  const shot = (name) => page.screenshot({ path: path.join(out, `${name}.png`) }).catch(() => {});
  const step = async (name, fn) => {
    try {
      const r = await fn();
      passed++;
      log(`OK   ${name}${r ? ': ' + r : ''} (${Date.now() - t0} ms)`);
      return true;
    } catch (e) {
      failed++;
      log(`FAIL ${name}: ${String(e.message).split('\n')[0]}`);
      await shot(`fail-${name}`);
      return false;
    }
  };
  const skip = (name) => log(`SKIP ${name} (not in NFLS_EDITOR_FEATURES)`);
  const text = (s) => s.replace(/\s+/g, ' ').trim();

  const quickOpen = async (file, attempt = 1) => {
    try {
      await page.keyboard.press('Control+P');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.keyboard.type(file);
      await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${path.basename(file)}"]`, { timeout: 30000 });
      await page.keyboard.press('Enter');
      await page.waitForSelector(`.tab.active[aria-label*="${path.basename(file)}"]`, { timeout: 30000 });
    } catch (e) {
      if (attempt > 1) throw e;
      // a busy workbench sometimes drops the first keystrokes: close whatever is open, once more
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
      await quickOpen(file, attempt + 1);
    }
  };
  const palette = async (query) => {
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>' + query);
    await page.waitForTimeout(300);
  };
  const runCommand = async (title) => {
    await palette(title);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 10000 });
    await page.keyboard.press('Enter');
  };
  const toast = async (re, timeout = 15000) => {
    const item = page.locator('.notifications-toasts .notification-list-item-message', { hasText: re }).first();
    await item.waitFor({ timeout });
    return text(await item.innerText());
  };
  const clearToasts = async () => {
    await runCommand('Notifications: Clear All Notifications').catch(() => {});
    await page.keyboard.press('Escape');
  };
  const problemRows = () => page.locator('.markers-panel .monaco-list-row');

  try {
    await step('workbench', async () => {
      await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
      await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 90000 });
      await page.waitForTimeout(1500);
    });
    await step('open shop-template.json', async () => {
      await quickOpen('shop-template.json');
      await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30000 });
    });
    // The server recognises the file by its content and says so (northflank/documentKind): the
    // extension switches it from JSON to Northflank JSON and shows the kind in the status bar.
    await step('status bar kind', async () => {
      const item = page.locator('.statusbar-item', { hasText: 'Northflank: Template' }).first();
      await item.waitFor({ timeout: 60000 });
      return text(await item.innerText());
    });
    await step('language switched to Northflank JSON', async () => {
      const mode = page.locator('[id="status.editor.mode"]');
      await page.waitForFunction(
        () => (document.querySelector('[id="status.editor.mode"]')?.textContent || '').includes('Northflank JSON'),
        null, { timeout: 30000 });
      return text(await mode.innerText());
    });
    await step('diagnostics in the Problems view', async () => {
      await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60000 });
      await page.keyboard.press('Control+Shift+M');
      const row = problemRows().filter({ hasText: 'expected `,` between members' }).first();
      await row.waitFor({ timeout: 30000 });
      const t = text(await row.innerText());
      for (const want of ['northflank', 'syntax/missing-comma', '[Ln 3, Col 25]']) {
        if (!t.includes(want)) throw new Error(`the row "${t}" lacks "${want}"`);
      }
      return t;
    });
    // After the switch VS Code's JSON server no longer reports on this file: only our diagnostics.
    await step('no duplicate diagnostics from the JSON extension', async () => {
      const foreignRe = /Expected comma|End of file expected|Colon expected|Value expected/i;
      const deadline = Date.now() + 15000;
      let rows = [];
      for (;;) {
        rows = (await problemRows().allInnerTexts()).map(text);
        const ours = rows.some((r) => r.includes('syntax/missing-comma'));
        const foreign = rows.filter((r) => foreignRe.test(r));
        if (ours && foreign.length === 0) break;
        if (Date.now() > deadline) {
          throw new Error(`expected only our diagnostic, got ${JSON.stringify(rows)}`);
        }
        await page.waitForTimeout(500);
      }
      return JSON.stringify(rows);
    });
    await shot('problems');

    // Settings reach the server: `northflank.files` makes legacy/app.json a template.
    await step('settings: northflank.files', async () => {
      await quickOpen('legacy/app.json');
      const row = problemRows().filter({ hasText: 'trailing commas are not allowed in JSON' }).first();
      await row.waitFor({ timeout: 30000 });
      const t = text(await row.innerText());
      if (!t.includes('[Ln 3, Col 14]')) throw new Error(`unexpected position in "${t}"`);
      return t;
    });
    await step('back to shop-template.json', async () => {
      await page.click('.tab[aria-label*="shop-template.json"]');
      await page.waitForSelector('.tab.active[aria-label*="shop-template.json"]', { timeout: 10000 });
    });

    await step('command palette', async () => {
      await palette('Northflank:');
      await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 10000 });
      await page.waitForTimeout(300);
      const labels = (await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map(text);
      const want = ['Northflank: Show link status', 'Northflank: Link to Northflank…', 'Northflank: Fetch remote versions',
        'Northflank: Show difference with remote', 'Northflank: Replace with remote version',
        'Northflank: Explain whether a push would run this', 'Northflank: Set API token',
        'Northflank: Clear API token', 'Northflank: Restart server', 'Northflank: Show output'];
      const missing = want.filter((w) => !labels.some((l) => l.includes(w)));
      await shot('palette');
      await page.keyboard.press('Escape');
      if (missing.length) throw new Error('missing: ' + JSON.stringify(missing) + ' in ' + JSON.stringify(labels));
      return `${want.length} commands`;
    });
    await step('editor context menu', async () => {
      await page.click('.monaco-editor .view-lines', { button: 'right', position: { x: 200, y: 40 } });
      const item = page.locator('.monaco-menu .action-label', { hasText: 'Link to Northflank…' }).first();
      await item.waitFor({ timeout: 10000 });
      const labels = (await page.locator('.monaco-menu .action-label').allInnerTexts()).map(text).filter(Boolean);
      await shot('context-menu');
      await page.keyboard.press('Escape');
      const want = ['Show link status', 'Link to Northflank…', 'Fetch remote versions', 'Show difference with remote',
        'Replace with remote version', 'Explain whether a push would run this'];
      const missing = want.filter((w) => !labels.includes(w));
      if (missing.length) throw new Error('missing: ' + JSON.stringify(missing));
      return `${want.length} Northflank entries`;
    });
    // The server was found inside the .vsix (server/<platform>-<arch>/), not via a setting or PATH.
    await step('server found in the .vsix', async () => {
      await runCommand('Northflank: Show output');
      const line = page.locator('.panel .monaco-editor .view-line', { hasText: 'found via bundled' }).first();
      await line.waitFor({ timeout: 15000 });
      return text(await line.innerText()).replace(/^.*?starting /, 'starting ');
    });
    // Commands reach the server with the file's URI and show its answer. Without a token the
    // link status is the server's "no API token" error; with the token from secret storage
    // (and an API address on loopback where nothing listens) it is something else: the token
    // went from SecretStorage through the configuration middleware to the server.
    await step('link status without a token', async () => {
      await clearToasts();
      await runCommand('Northflank: Show link status');
      return toast('no API token');
    });
    await step('set API token (secret storage)', async () => {
      await runCommand('Northflank: Set API token');
      const input = page.locator('.quick-input-widget input[type="password"]');
      await input.waitFor({ timeout: 10000 });
      await input.fill(TOKEN);
      await page.keyboard.press('Enter');
      return toast('Northflank API token saved.');
    });
    await step('link status with the token', async () => {
      await clearToasts();
      await page.waitForTimeout(1000); // the server asks for the new settings first
      await runCommand('Northflank: Show link status');
      const t = await toast(/./, 30000);
      if (/no API token|does not offer|not running/.test(t)) throw new Error(t);
      return t;
    });
    await step('token never in the output', async () => {
      await runCommand('Northflank: Show output');
      await page.waitForTimeout(500);
      const all = (await page.locator('.panel .monaco-editor .view-lines').allInnerTexts()).join('\n');
      if (all.includes(TOKEN)) throw new Error('the token appears in the output channel');
      return 'ok';
    });
    // explain needs no API: it reads the fixture's Git state and shows its answer itself
    await step('explain whether a push would run this', async () => {
      await clearToasts();
      await runCommand('Northflank: Explain whether a push would run this');
      const t = await toast('committing and pushing the working tree', 30000);
      await shot('explain');
      return t.slice(0, 160);
    });
    await page.keyboard.press('Escape');

    // ---- language features (NFLS_EDITOR_FEATURES selects them) -----------------------------
    if (features.has('completion')) {
      await step('completion', async () => {
        await page.click('.monaco-editor .view-lines');
        await page.keyboard.press('Control+Home');
        for (let i = 0; i < 13; i++) await page.keyboard.press('ArrowDown'); // line 14: "name": "shop",
        await page.keyboard.press('End');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Control+Space');
        const rows = page.locator('.suggest-widget .monaco-list-row');
        await rows.first().waitFor({ timeout: 30000 });
        const labels = (await rows.allInnerTexts()).map(text);
        await shot('completion');
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+Z');
        if (!labels.some((l) => l.includes(COMPLETION_LABEL))) throw new Error(`no "${COMPLETION_LABEL}" in ${JSON.stringify(labels)}`);
        return JSON.stringify(labels.slice(0, 8));
      });
    } else skip('completion');
    if (features.has('hover')) {
      await step('hover', async () => {
        await page.click('.monaco-editor .view-lines');
        await page.keyboard.press('Control+Home');
        for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowDown'); // line 11: "kind": "Project",
        await page.keyboard.press('Home');
        await page.keyboard.press('End');
        for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        const hover = page.locator('.monaco-hover-content', { hasText: HOVER_TEXT }).first();
        await hover.waitFor({ timeout: 30000 });
        await shot('hover');
        return text(await hover.innerText()).slice(0, 160);
      });
    } else skip('hover');
  } catch (e) {
    // an error between steps (e.g. navigation) is a failure too, never a silent pass
    failed++;
    log(`FAIL driver: ${String(e.message).split('\n')[0]}`);
    await shot('fail-driver');
  } finally {
    await browser.close();
    log(`RESULT ${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  }
})();

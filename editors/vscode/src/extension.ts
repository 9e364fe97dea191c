// The Northflank extension: starts northflank-lsp over stdio with vscode-languageclient, passes
// the `northflank.*` settings (plus the API token from SecretStorage) to it, switches JSON
// documents that the server recognises to the `northflank-json` language, shows each document's
// kind in the status bar, and wraps the server's commands for the palette and context menu.
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  StaticFeature,
  TransportKind,
} from 'vscode-languageclient/node';

import { REPLACE_SOURCES, SERVER_COMMANDS, ServerCommand, commandArguments, describeError, presentResult } from './commands';
import { needsRestart, rewriteConfigurationResults, serverSettings } from './config';
import { kindLabel, parseDocumentKind, shouldSwitchLanguage } from './kinds';
import { redact } from './redact';
import { resolveServerPath } from './serverPath';

const SECRET_KEY = 'northflank.api.token';
const LANGUAGE_ID = 'northflank-json';
/** Read-only documents (remote copies, diffs) that the server shows with `window/showDocument`. */
const REMOTE_SCHEME = 'northflank-remote';

let extension: NorthflankExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new NorthflankExtension(context);
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}

/** A log output channel that masks the API token in everything written to it. */
function redactingChannel(channel: vscode.LogOutputChannel, secrets: () => string[]): vscode.LogOutputChannel {
  // Arguments are folded into the message, so that they are masked too.
  const text = (message: string, args: unknown[]) =>
    redact([message, ...args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)))].join(' '), secrets());
  return {
    get name() {
      return channel.name;
    },
    get logLevel() {
      return channel.logLevel;
    },
    onDidChangeLogLevel: channel.onDidChangeLogLevel,
    trace: (message: string, ...args: unknown[]) => channel.trace(text(message, args)),
    debug: (message: string, ...args: unknown[]) => channel.debug(text(message, args)),
    info: (message: string, ...args: unknown[]) => channel.info(text(message, args)),
    warn: (message: string, ...args: unknown[]) => channel.warn(text(message, args)),
    error: (error: string | Error, ...args: unknown[]) =>
      channel.error(text(error instanceof Error ? (error.stack ?? error.message) : error, args)),
    append: (value: string) => channel.append(redact(value, secrets())),
    appendLine: (value: string) => channel.appendLine(redact(value, secrets())),
    replace: (value: string) => channel.replace(redact(value, secrets())),
    clear: () => channel.clear(),
    show: (columnOrPreserve?: vscode.ViewColumn | boolean, preserveFocus?: boolean) =>
      typeof columnOrPreserve === 'boolean' ? channel.show(columnOrPreserve) : channel.show(columnOrPreserve, preserveFocus),
    hide: () => channel.hide(),
    dispose: () => channel.dispose(),
  };
}

/** Asks the server to send `experimental.northflankDocumentKind` notifications. */
class DocumentKindFeature implements StaticFeature {
  fillClientCapabilities(capabilities: { experimental?: unknown }): void {
    const experimental = (capabilities.experimental ?? {}) as Record<string, unknown>;
    experimental.northflankDocumentKind = true;
    capabilities.experimental = experimental;
  }
  initialize(): void {}
  getState(): { kind: 'static' } {
    return { kind: 'static' };
  }
  clear(): void {}
}

class NorthflankExtension {
  private client: LanguageClient | undefined;
  private token: string | undefined;
  private readonly output: vscode.LogOutputChannel;
  private readonly trace: vscode.LogOutputChannel;
  private readonly status: vscode.StatusBarItem;
  /** Document kind per document URI (string form), as the server last announced it. */
  private readonly kinds = new Map<string, string | null>();
  /** Documents switched to northflank-json once: if the user switches one back, we leave it be. */
  private readonly switched = new Set<string>();
  /**
   * The server's spelling of each `northflank-remote:` URI it showed, by VS Code's spelling:
   * `northflank/remoteContent` looks documents up by the exact string, and VS Code re-encodes URIs.
   */
  private readonly remoteUris = new Map<string, string>();
  private readonly repoSettingsWatcher: vscode.FileSystemWatcher;

  constructor(private readonly context: vscode.ExtensionContext) {
    const secrets = () => (this.token ? [this.token] : []);
    const output = vscode.window.createOutputChannel('Northflank Language Server', { log: true });
    const trace = vscode.window.createOutputChannel('Northflank Language Server Trace', { log: true });
    this.output = redactingChannel(output, secrets);
    this.trace = redactingChannel(trace, secrets);
    this.status = vscode.window.createStatusBarItem('northflank.documentKind', vscode.StatusBarAlignment.Right, 100);
    this.status.name = 'Northflank document kind';
    this.status.command = 'northflank.statusMenu';
    // The repository's settings file: the server reads it again when it is created, changed
    // (also by `git pull`) or deleted.
    this.repoSettingsWatcher = vscode.workspace.createFileSystemWatcher('**/.northflank-lsp.json');
    context.subscriptions.push(output, trace, this.status, this.repoSettingsWatcher);

    for (const command of SERVER_COMMANDS) {
      context.subscriptions.push(
        vscode.commands.registerCommand(command.id, (uri?: unknown) => this.runServerCommand(command, uri)),
      );
    }
    context.subscriptions.push(
      vscode.commands.registerCommand('northflank.setApiToken', () => this.setToken()),
      vscode.commands.registerCommand('northflank.clearApiToken', () => this.clearToken()),
      vscode.commands.registerCommand('northflank.restartServer', () => this.restart()),
      vscode.commands.registerCommand('northflank.showOutput', () => this.output.show(true)),
      vscode.commands.registerCommand('northflank.statusMenu', () => this.statusMenu()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
      vscode.workspace.onDidChangeConfiguration((event) => this.configurationChanged(event)),
      vscode.workspace.registerTextDocumentContentProvider(REMOTE_SCHEME, {
        provideTextDocumentContent: (uri) => this.remoteContent(uri),
      }),
      context.secrets.onDidChange(async (event) => {
        if (event.key === SECRET_KEY) {
          this.token = await context.secrets.get(SECRET_KEY);
          this.settingsChanged();
        }
      }),
    );
  }

  async start(): Promise<void> {
    this.token = await this.context.secrets.get(SECRET_KEY);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const resolution = resolveServerPath({
      configured: vscode.workspace.getConfiguration('northflank').get<string>('server.path'),
      extensionPath: this.context.extensionPath,
      platform: process.platform,
      arch: process.arch,
      pathEnv: process.env.PATH,
      homeDir: os.homedir(),
      workspaceFolder: folder?.scheme === 'file' ? folder.fsPath : undefined,
      exists: (file) => {
        try {
          fs.accessSync(file, fs.constants.X_OK);
          return fs.statSync(file).isFile();
        } catch {
          return false;
        }
      },
    });
    if (!resolution.ok) {
      this.output.info(resolution.message);
      this.showStatusError('northflank-lsp not found', resolution.message);
      const choice = await vscode.window.showErrorMessage(resolution.message, 'Open Settings');
      if (choice === 'Open Settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'northflank.server.path');
      }
      return;
    }
    this.output.info(`starting ${resolution.path} (found via ${resolution.source})`);

    // TransportKind.stdio: vscode-languageclient adds `--stdio` to the arguments itself.
    const serverOptions: ServerOptions = { command: resolution.path, args: [], transport: TransportKind.stdio };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'json' },
        { scheme: 'file', language: 'jsonc' },
        { scheme: 'file', language: LANGUAGE_ID },
        { scheme: 'untitled', language: LANGUAGE_ID },
      ],
      initializationOptions: serverSettings(vscode.workspace.getConfiguration().get('northflank'), this.token),
      synchronize: { fileEvents: this.repoSettingsWatcher },
      outputChannel: this.output,
      traceOutputChannel: this.trace,
      middleware: {
        window: {
          showDocument: async (params, token, next) => {
            if (params.uri.startsWith(`${REMOTE_SCHEME}:`)) {
              this.remoteUris.set(vscode.Uri.parse(params.uri).toString(), params.uri);
            }
            return next(params, token);
          },
        },
        workspace: {
          // Every `workspace/configuration` answer for `northflank` goes through here: the client-
          // only settings are dropped and the token from SecretStorage is added as `api.token`.
          configuration: async (params, token, next) => {
            const results = await next(params, token);
            if (!Array.isArray(results)) {
              return results;
            }
            return rewriteConfigurationResults(params.items, results, this.token);
          },
        },
      },
    };
    // The id `northflank` makes vscode-languageclient read the trace level from `northflank.trace.server`.
    const client = new LanguageClient('northflank', 'Northflank Language Server', serverOptions, clientOptions);
    client.registerFeature(new DocumentKindFeature());
    client.onNotification('northflank/documentKind', (params: unknown) => this.documentKind(client, params));
    client.onDidChangeState((event) => {
      if (event.newState === State.Stopped && this.client === client) {
        this.showStatusError('northflank-lsp stopped', 'The language server stopped. Run "Northflank: Restart server" to start it again.');
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      const message = `northflank-lsp failed to start: ${error instanceof Error ? error.message : String(error)}`;
      this.output.info(message);
      this.showStatusError('northflank-lsp failed to start', message);
      void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => {
        if (choice) {
          this.output.show(true);
        }
      });
      return;
    }
    this.updateStatus();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.output.info(`stopping the server: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async restart(): Promise<void> {
    await this.stop();
    this.kinds.clear();
    this.status.hide();
    await this.start();
  }

  private configurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (needsRestart((section) => event.affectsConfiguration(section))) {
      void this.restart();
    } else if (event.affectsConfiguration('northflank')) {
      this.settingsChanged();
    }
  }

  /** Tells the server that settings changed; it then asks for them with `workspace/configuration`. */
  private settingsChanged(): void {
    if (this.client?.isRunning()) {
      void this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    }
  }

  private async setToken(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Northflank API token',
      prompt: 'Kept in VS Code secret storage and given to northflank-lsp; never written to settings or logs.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() === '' ? 'Enter a token, or use "Northflank: Clear API token".' : undefined),
    });
    if (value === undefined) {
      return;
    }
    this.token = value.trim();
    await this.context.secrets.store(SECRET_KEY, this.token);
    this.settingsChanged();
    void vscode.window.showInformationMessage('Northflank API token saved.');
  }

  private async clearToken(): Promise<void> {
    this.token = undefined;
    await this.context.secrets.delete(SECRET_KEY);
    this.settingsChanged();
    void vscode.window.showInformationMessage('Northflank API token cleared.');
  }

  private async documentKind(client: LanguageClient, raw: unknown): Promise<void> {
    const params = parseDocumentKind(raw);
    if (!params) {
      return;
    }
    const uri = client.protocol2CodeConverter.asUri(params.uri);
    const key = uri.toString();
    this.kinds.set(key, params.kind);
    this.updateStatus();
    const document = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === key);
    const enabled = vscode.workspace.getConfiguration('northflank', uri).get<boolean>('switchLanguage', true);
    if (document && !this.switched.has(key) && shouldSwitchLanguage(document.languageId, params.kind, enabled)) {
      this.switched.add(key);
      this.output.info(`${uri.fsPath || key} is a Northflank ${params.kind}: switching it to Northflank JSON`);
      try {
        await vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
      } catch (error) {
        this.output.info(`could not switch the language: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private updateStatus(): void {
    const document = vscode.window.activeTextEditor?.document;
    const kind = document ? this.kinds.get(document.uri.toString()) : undefined;
    if (!kind) {
      this.status.hide();
      return;
    }
    this.status.text = kindLabel(kind);
    this.status.tooltip = `northflank-lsp reads this file as a Northflank ${kind}. Click for Northflank commands.`;
    this.status.backgroundColor = undefined;
    this.status.command = 'northflank.statusMenu';
    this.status.show();
  }

  private showStatusError(text: string, tooltip: string): void {
    this.status.text = `$(error) ${text}`;
    this.status.tooltip = tooltip;
    this.status.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    this.status.command = 'northflank.showOutput';
    this.status.show();
  }

  private async statusMenu(): Promise<void> {
    const items = [
      ...SERVER_COMMANDS.map((command) => ({ label: command.title, id: command.id })),
      { label: 'Set API token', id: 'northflank.setApiToken' },
      { label: 'Restart server', id: 'northflank.restartServer' },
      { label: 'Show output', id: 'northflank.showOutput' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Northflank' });
    if (picked) {
      await vscode.commands.executeCommand(picked.id);
    }
  }

  /** The text of a `northflank-remote:` document, from the server (`northflank/remoteContent`). */
  private async remoteContent(uri: vscode.Uri): Promise<string> {
    const client = this.client;
    if (!client || !client.isRunning()) {
      throw new Error('the Northflank language server is not running');
    }
    const original = this.remoteUris.get(uri.toString()) ?? uri.toString(true);
    const answer = await client.sendRequest<{ text?: unknown }>('northflank/remoteContent', { uri: original });
    return typeof answer?.text === 'string' ? answer.text : '';
  }

  private async runServerCommand(command: ServerCommand, arg: unknown): Promise<void> {
    // From the editor context menu VS Code passes the document's URI; from the palette, nothing.
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const title = `Northflank: ${command.title}`;
    if (!uri) {
      void vscode.window.showWarningMessage(`${title}: open a Northflank file first.`);
      return;
    }
    const client = this.client;
    if (!client || !client.isRunning()) {
      void vscode.window.showErrorMessage(`${title}: the language server is not running.`, 'Show Output').then((choice) => {
        if (choice) {
          this.output.show(true);
        }
      });
      return;
    }
    let source: string | undefined;
    if (command.server === 'northflank.remote.replace') {
      const picked = await vscode.window.showQuickPick(
        REPLACE_SOURCES.map((s) => ({ label: s.label, detail: s.detail, source: s.source })),
        { title: `${title}: replace this file with…` },
      );
      if (!picked) {
        return;
      }
      source = picked.source;
    }
    let result: unknown;
    try {
      result = await client.sendRequest(ExecuteCommandRequest.type, {
        command: command.server,
        arguments: commandArguments(command.server, client.code2ProtocolConverter.asUri(uri), source),
      });
    } catch (error) {
      void vscode.window.showErrorMessage(describeError(title, command.server, error));
      return;
    }
    const presentation = presentResult(command.server, title, result);
    if (presentation.message === undefined) {
      return; // the server showed what there is to show
    }
    const actions = [...(presentation.url ? ['Open in Northflank'] : []), ...(presentation.details ? ['Show details'] : [])];
    const choice = await vscode.window.showInformationMessage(presentation.message, ...actions);
    if (choice === 'Open in Northflank' && presentation.url) {
      await vscode.env.openExternal(vscode.Uri.parse(presentation.url));
    } else if (choice === 'Show details' && presentation.details) {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: presentation.details });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }
  }
}

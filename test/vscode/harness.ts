// A real VS Code for tests: code-server (provisioned by provision.mjs) with the built .vsix
// installed into throwaway user-data and extensions folders, served on loopback, driven by
// playwright-core in Debian's Chromium. Every process is spawned without a shell and stopped by
// its own pid.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Frame, type FrameLocator, type Page } from 'playwright-core';
import { sleep, waitFor } from './wait.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const outputDir = path.join(repoRoot, 'test-output', 'vscode');

export interface Provisioned {
  codeServer: string;
  chromium: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export { sleep, waitFor };

export interface CodeServerOptions {
  vsix?: string;
  /** Workspace folder to open. */
  workspace: string;
  /** User settings. */
  settings?: Record<string, unknown>;
  /** Workspace trust on, the folder never trusted and no prompt (restricted mode). Default: off. */
  untrusted?: boolean;
}

export class CodeServer {
  readonly dir: string;
  readonly userData: string;
  readonly extensions: string;
  port = 0;
  private proc: ChildProcess | undefined;
  log = '';

  constructor(
    private readonly p: Provisioned,
    private readonly o: CodeServerOptions,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-code-server-'));
    this.userData = path.join(this.dir, 'user-data');
    this.extensions = path.join(this.dir, 'extensions');
    fs.mkdirSync(path.join(this.userData, 'User'), { recursive: true });
    fs.mkdirSync(this.extensions, { recursive: true });
    fs.writeFileSync(
      path.join(this.userData, 'User', 'settings.json'),
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
          'workbench.enableExperiments': false,
          'security.workspace.trust.enabled': this.o.untrusted === true,
          'security.workspace.trust.startupPrompt': 'never',
          'security.workspace.trust.emptyWindow': false,
          'telemetry.telemetryLevel': 'off',
          'update.mode': 'none',
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
          'editor.minimap.enabled': false,
          'workbench.colorTheme': 'Default Dark Modern',
          'window.commandCenter': false,
          'chat.commandCenter.enabled': false,
          ...this.o.settings,
        },
        null,
        2,
      ),
    );
    fs.writeFileSync(path.join(this.dir, 'config.yaml'), 'auth: none\ncert: false\n');
  }

  private args(): string[] {
    return [
      this.p.codeServer,
      '--config',
      path.join(this.dir, 'config.yaml'),
      '--user-data-dir',
      this.userData,
      '--extensions-dir',
      this.extensions,
    ];
  }

  install(vsix: string): void {
    const res = spawnSync(process.execPath, [...this.args(), '--install-extension', vsix], {
      encoding: 'utf8',
      shell: false,
      env: { ...process.env, HOME: this.dir },
    });
    if (res.status !== 0)
      throw new Error(`code-server --install-extension failed:\n${res.stdout}${res.stderr}`);
  }

  async start(): Promise<void> {
    if (this.o.vsix) this.install(this.o.vsix);
    this.port = await freePort();
    this.proc = spawn(
      process.execPath,
      [
        ...this.args(),
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${this.port}`,
        '--disable-telemetry',
        '--disable-update-check',
        ...(this.o.untrusted ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override',
        this.o.workspace,
      ],
      { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: this.dir } },
    );
    const keep = (b: Buffer) => {
      this.log = (this.log + b.toString()).slice(-100_000);
    };
    this.proc.stdout!.on('data', keep);
    this.proc.stderr!.on('data', keep);
    await waitFor(
      'code-server /healthz',
      async () => {
        const r = await fetch(`http://127.0.0.1:${this.port}/healthz`).catch(() => undefined);
        return r?.ok ? true : undefined;
      },
      60_000,
    );
  }

  url(query = ''): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.o.workspace)}${query}`;
  }

  /** The extension host's log lines (activation errors show there). */
  exthostLog(): string {
    const logs = path.join(this.userData, 'logs');
    let out = '';
    const walk = (d: string) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/exthost|remoteexthost/.test(e.name)) out += fs.readFileSync(p, 'utf8');
      }
    };
    walk(logs);
    return out;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null) {
      p.kill('SIGTERM');
      await Promise.race([new Promise((r) => p.once('exit', r)), sleep(5000)]);
      if (p.exitCode === null) p.kill('SIGKILL');
    }
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Browser {
  context!: BrowserContext;
  page!: Page;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-chromium-'));

  constructor(private readonly executable: string) {}

  async open(url: string): Promise<Page> {
    this.context = await chromium.launchPersistentContext(this.dir, {
      executablePath: this.executable,
      headless: true,
      viewport: { width: 1600, height: 1000 },
      // The extension copies pathspecs; the in-host suite reads the clipboard back.
      permissions: ['clipboard-read', 'clipboard-write'],
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    await this.page.goto(url);
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    return this.page;
  }

  async close(): Promise<void> {
    await this.context?.close().catch(() => {});
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The frame inside a webview panel whose document matches `selector` (webviews nest two iframes). */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  return waitFor(
    `a webview with ${selector}`,
    async () => {
      for (const f of page.frames()) {
        if (!f.url().includes('vscode-webview') && !f.url().includes('webview')) continue;
        const n = await f
          .locator(selector)
          .count()
          .catch(() => 0);
        if (n > 0) return f;
      }
      return undefined;
    },
    timeoutMs,
  );
}

export function webviewLocator(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Runs a command from the palette (F1), retrying while the workbench is still starting. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await waitFor(
    `the command palette for "${title}"`,
    async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 3000 });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ state: 'visible', timeout: 3000 });
      await page.keyboard.press('Enter');
      return true;
    },
    60_000,
  );
}

export async function openFile(page: Page, relPath: string): Promise<void> {
  await waitFor(
    `quick open of ${relPath}`,
    async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 3000 });
      await input.fill(relPath);
      const row = page.locator('.quick-input-list .monaco-list-row').first();
      await row.waitFor({ state: 'visible', timeout: 5000 });
      await page.keyboard.press('Enter');
      await page.locator(`.tab[data-resource-name="${path.basename(relPath)}"]`).waitFor({ timeout: 5000 });
      return true;
    },
    60_000,
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(outputDir, { recursive: true });
  const file = path.join(outputDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

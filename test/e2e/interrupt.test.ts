// Ctrl-C: the terminal sends SIGINT to the whole foreground process group (scheduler and task
// processes alike). Everything stops, and the run is left marked failed, not running.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { Flow } from '../../runtime/src/client/index.ts';
import { BIN, REPO, flowFile, tempDir } from './helpers.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('Ctrl-C stops every task and leaves the run marked failed', async () => {
  const root = tempDir();
  const child = spawn(process.execPath, [BIN, 'run', flowFile('sleepy.ts')], {
    cwd: REPO,
    env: { ...process.env, TSFLOW_DATASTORE_ROOT: root, NO_COLOR: '1' },
    detached: true, // its own process group, like a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const napPid = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /\/nap\/\d+ \(pid (\d+)\)\] napping/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('close', () => reject(new Error(`run ended early:\n${out}\n${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  process.kill(-child.pid!, 'SIGINT');
  const code = await exited;
  assert.equal(code, 1, `${out}\n${err}`);
  assert.match(err, /Received SIGINT: stopping every task/);
  assert.equal(alive(napPid), false, 'the task process is gone');
  const run = await (await Flow.get('SleepyFlow', { datastoreRoot: root })).latestRun();
  assert.equal(run?.status, 'failed');
  const nap = await (await run!.step('nap')).task();
  assert.equal(nap.finished, false);
});

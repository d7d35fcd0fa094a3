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

/** `tsflow run` of SleepyFlow in a process group of its own, once its nap task is running. */
async function napping() {
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
  const ended = async () => {
    const code = await exited;
    return { code, out, err };
  };
  return { root, child, napPid, ended };
}

/** The run stopped as an interruption: exit 1, said so, no task left, run failed, nap unfinished. */
async function assertInterrupted(r: Awaited<ReturnType<typeof napping>>) {
  const { code, out, err } = await r.ended();
  assert.equal(code, 1, `${out}\n${err}`);
  assert.match(err, /Received SIGINT: stopping every task/);
  assert.equal(alive(r.napPid), false, 'the task process is gone');
  const run = await (await Flow.get('SleepyFlow', { datastoreRoot: r.root })).latestRun();
  assert.equal(run?.status, 'failed');
  const nap = await (await run!.step('nap')).task();
  assert.equal(nap.finished, false);
}

test('Ctrl-C stops every task and leaves the run marked failed', async () => {
  const r = await napping();
  process.kill(-r.child.pid!, 'SIGINT');
  await assertInterrupted(r);
});

test('a task dying of SIGINT before the scheduler sees its own is still an interruption', async () => {
  // Ctrl-C reaches the tasks too, and a busy scheduler can see its task die first; here only the
  // task gets the signal, the most that ordering can do.
  const r = await napping();
  process.kill(r.napPid, 'SIGINT');
  await assertInterrupted(r);
});

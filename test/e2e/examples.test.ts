// Every example runs via `tsflow run` and via `tsx <file> run`; results are read back through
// the client API and `tsflow dump --json`, as the acceptance list asks.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Flow, Run } from '../../runtime/src/client/index.ts';
import { example, runIdOf, show, tempDir, tsflow, tsxRun } from './helpers.ts';

async function dumpJson(pathspec: string, root: string): Promise<any> {
  const r = await tsflow(['dump', pathspec, '--json'], { root });
  assert.equal(r.code, 0, show(r));
  return JSON.parse(r.stdout);
}

const artifactValue = (task: any, name: string) => task.artifacts.find((a: any) => a.name === name)?.value;

for (const via of ['tsflow run', 'tsx FILE run'] as const) {
  const run = (file: string, args: string[], root: string) =>
    via === 'tsflow run'
      ? tsflow(['run', example(file), ...args], { root })
      : tsxRun(example(file), ['run', ...args], { root });

  describe(`examples via ${via}`, () => {
    test('petsflow: total of 6 pets', async () => {
      const root = tempDir();
      const r = await run('petsflow.ts', ['--alpha', '0.7'], root);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /\[\d+\/join\/4 \(pid \d+\)\] total of 6 pets/);
      assert.match(r.stdout, /\[\d+\/start\/1 \(pid \d+\)\] alpha is 0\.7/);
      const runId = runIdOf(r);
      const client = await Run.get(`PetsFlow/${runId}`, { datastoreRoot: root });
      assert.equal(client.successful, true);
      assert.deepEqual(await client.data.pets, ['dogs', 'cats', 'budgies', 'lions', 'wolves', 'elephants']);
      const dumped = await dumpJson(`PetsFlow/${runId}/join/4`, root);
      assert.equal(dumped.kind, 'task');
      assert.deepEqual(artifactValue(dumped.task, 'pets'), [
        'dogs',
        'cats',
        'budgies',
        'lions',
        'wolves',
        'elephants',
      ]);
      assert.equal(artifactValue(dumped.task, 'alpha'), 0.7);
    });

    test('petstats: one foreach task per pet, a Map of stats in the join', async () => {
      const root = tempDir();
      const r = await run('petstats.ts', [], root);
      assert.equal(r.code, 0, show(r));
      const latest = await (await Flow.get('PetStatsFlow', { datastoreRoot: root })).latestSuccessfulRun();
      assert.equal(latest?.id, runIdOf(r));
      const byName = (await latest!.data.byName) as Map<string, { meanKg: number; trend: string }>;
      assert.equal(byName.size, 6);
      assert.equal(byName.get('cats')?.trend, 'losing');
      assert.equal(byName.get('dogs')?.meanKg, 21.1);
      assert.equal(await latest!.data.heaviest, 'elephants');
      assert.equal((await (await latest!.step('measure')).tasks()).length, 6);
      const dumped = await dumpJson(`PetStatsFlow/${latest!.id}`, root);
      const end = dumped.steps.find((s: any) => s.step.name === 'end').tasks[0];
      assert.equal(artifactValue(end, 'heaviest'), 'elephants');
      assert.equal(artifactValue(end, 'byName').$map.length, 6);
    });

    test('hyperparams: fits a model per lambda and keeps the best', async () => {
      const root = tempDir();
      const r = await run('hyperparams.ts', ['--samples', '800', '--epochs', '150'], root);
      assert.equal(r.code, 0, show(r));
      const client = await Run.get(`HyperparamFlow/${runIdOf(r)}`, { datastoreRoot: root });
      const board = (await client.data.leaderboard) as { lambda: number; validMse: number }[];
      assert.equal(board.length, 5);
      const best = (await client.data.best) as { lambda: number; validMse: number; weights: Float64Array };
      assert.equal(best.validMse, board[0]!.validMse);
      assert.ok(best.weights instanceof Float64Array && best.weights.length === 8);
      assert.ok(best.validMse < 0.05, `validation MSE ${best.validMse}`);
      assert.match(r.stdout, /largest weight error of the best model: 0\.\d+/);
    });
  });
}

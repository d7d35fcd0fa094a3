// 10,000 random edits (deletions, insertions, truncations) to the example flows, each followed
// by a request: the server must answer every one, and never report a failure of its own. Every
// 25 edits, the diagnostics it published (parsed incrementally) must equal a full parse's.
//   TSFLOW_FUZZ_SEED=random TSFLOW_FUZZ_EDITS=2000 npm test -- test/lsp/fuzz.test.ts
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { diagnosticsOf } from '../../server/src/diagnostics.js';
import { analyzeText, mayContainFlow } from '../../server/src/documents.js';
import { prng } from '../support/prng.js';
import { fuzzSeed, pick as pickOf, randomEdit } from './edits.js';
import { SHOP } from './flows.js';
import { EXAMPLES, offsetToPosition, TestClient, uriOf } from './harness.js';

const EDITS = Number(process.env.TSFLOW_FUZZ_EDITS ?? 10_000);
const SEED = fuzzSeed(20_260_826);

describe('fuzz: random edits to the example flows', () => {
  it(`the server answers every request (${EDITS} edits, seed ${SEED})`, async () => {
    const rand = prng(SEED);
    const pick = <T>(xs: T[]): T => pickOf(rand, xs);
    const originals = [
      ...fs
        .readdirSync(EXAMPLES)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => ({
          uri: uriOf(path.join(EXAMPLES, f)),
          text: fs.readFileSync(path.join(EXAMPLES, f), 'utf8'),
        })),
      { uri: 'file:///tmp/lsp/fuzz-shop.ts', text: SHOP },
    ];
    const client = await TestClient.start({ diagnosticsDelay: 1, graphDelay: 5 });
    const texts = new Map<string, string>();
    const history: string[] = [];
    try {
      for (const o of originals) {
        await client.open(o.uri, o.text);
        texts.set(o.uri, o.text);
      }
      let pending: Promise<unknown>[] = [];
      const refusal = (e: { code?: number; message: string }) => assert.equal(e.code, -32803, e.message);
      for (let i = 0; i < EDITS; i++) {
        const doc = pick(originals);
        const { change, text } = randomEdit(rand, texts.get(doc.uri)!, doc.text);
        texts.set(doc.uri, text);
        history.push(`${doc.uri} ${JSON.stringify(change).slice(0, 200)}`);
        if (history.length > 20) history.shift();
        const version = await client.change(doc.uri, [change]);
        const pos = offsetToPosition(text, Math.floor(rand() * (text.length + 1)));
        const requests = [
          () => client.hover(doc.uri, pos),
          () => client.definition(doc.uri, pos),
          () => client.references(doc.uri, pos),
          () => client.completion(doc.uri, pos),
          () => client.codeLens(doc.uri),
          () => client.symbols(doc.uri),
          () => client.graph(doc.uri),
          () => client.prepareRename(doc.uri, pos).catch(refusal),
          () => client.codeActions(doc.uri, client.diagnostics.get(doc.uri)?.diagnostics ?? []),
        ];
        pending.push(pick(requests)());
        // Requests are answered in order; waiting in batches keeps the pipe full but bounded.
        if (pending.length >= 25 || i === EDITS - 1) {
          await withTimeout(Promise.all(pending), 60_000, () => history.join('\n'));
          pending = [];
          // The server parsed incrementally: what it published is what a full parse gives.
          if (mayContainFlow(text)) {
            const full = diagnosticsOf(analyzeText(doc.uri, version, text));
            assert.deepEqual(await client.diagnosticsFor(doc.uri, version), full, history.join('\n'));
          }
        }
      }
      // Every flow document settles on diagnostics for its last version, none of them a failure.
      for (const o of originals) {
        if (!mayContainFlow(texts.get(o.uri)!)) continue;
        const diagnostics = await client.diagnosticsFor(o.uri);
        const internal = diagnostics.filter((d) => d.code === 'internal-error');
        assert.deepEqual(internal, [], `seed ${SEED}: ${o.uri}\n${texts.get(o.uri)}`);
      }
      // And the server is none the worse: back to the originals, they are clean again.
      for (const o of originals) {
        const v = await client.change(o.uri, o.text);
        assert.deepEqual(await client.diagnosticsFor(o.uri, v), [], o.uri);
        assert.equal((await client.codeLens(o.uri)).length, 3);
      }
      const failures = client.logs.filter((l) => /failed/.test(l));
      assert.deepEqual(failures, [], `seed ${SEED}`);
      const internal = client.published.filter((p) => p.diagnostics.some((d) => d.code === 'internal-error'));
      assert.deepEqual(internal, [], `seed ${SEED}`);
    } catch (err) {
      throw new Error(
        `fuzz failed with seed ${SEED} (rerun: TSFLOW_FUZZ_SEED=${SEED}): ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    } finally {
      await client.dispose();
    }
  });
});

async function withTimeout<T>(p: Promise<T>, ms: number, context: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms; last edits:\n${context()}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

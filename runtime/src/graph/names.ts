// Names the graph rules know about, in one place so the linter, the language server's completion
// and the docs agree.

/**
 * Members a step must not shadow: the FlowSpec API that steps call (`this.next`,
 * `this.mergeArtifacts`), the values the runtime sets on a task (`this.input`, `this.index`,
 * `this.name`), and what every object already has (`constructor`, `toString`, ...).
 */
export const RESERVED_STEP_NAMES: ReadonlySet<string> = new Set([
  'next',
  'input',
  'index',
  'name',
  'mergeArtifacts',
  'whereAmI',
  'constructor',
  'toString',
  'toLocaleString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
]);

/** Step names become path components (`Flow/run/step/task`), so they stay plain ASCII identifiers. */
export const STEP_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/** An artifact or variable name usable as `this.<name>`. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The step decorators tsflow provides; `step` must be the one closest to the method. */
export const KNOWN_DECORATORS: ReadonlySet<string> = new Set([
  'step',
  'retry',
  'catchErrors',
  'timeout',
  'resources',
  'environment',
  'batch',
]);

/** Command-line options of `tsflow run`/`resume` a Parameter would collide with. */
export const RESERVED_PARAMETER_NAMES: ReadonlySet<string> = new Set([
  'tag',
  'with',
  'max-workers',
  'max-num-splits',
  'run-id-file',
  'datastore',
  'datastore-root',
  'help',
  'flow',
  'resume',
  'origin-run-id',
  'quiet',
]);

/** How the CLI compares option names: case-insensitive, `_` and `-` alike. */
export function normalizeParameterName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/** Edit distance counting a swap of neighbours as one edit (`retyr` → `retry`), for "did you mean". */
function distance(a: string, b: string): number {
  // Rows i-2, i-1 and i of the dynamic-programming table (optimal string alignment).
  let older: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, older[j - 2]! + 1);
      cur.push(d);
    }
    older = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate to `name` when it is plausibly a typo of it, else undefined. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  const limit = Math.max(1, Math.floor(name.length / 3));
  for (const c of candidates) {
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : distance(name, c);
    if (d <= limit && d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best;
}

// What the scheduler does for a step, from its decorators (as the flow class really has them)
// and the `--with` specs given on the command line: how often to retry, whether to catch, when
// to time out, which environment and resources the task gets.

import { UserError } from '../errors.js';
import { KNOWN_DECORATORS } from '../graph/names.js';
import type { DecoratorSpec } from '../flow/types.js';

/** The decorators `--with` can attach (every step decorator but `@step` itself). */
const ATTACHABLE = [...KNOWN_DECORATORS].filter((d) => d !== 'step');

export interface StepPolicy {
  /** Extra attempts after the first. */
  retries: number;
  /** Delay before a retry; locally only when `minutesBetweenRetries` was written explicitly. */
  retryDelayMs: number;
  /** `@catchErrors`: the artifact that receives the error (null: catch without storing). */
  catchVar?: string | null;
  /** `@timeout`, in milliseconds. */
  timeoutMs?: number;
  env: Record<string, string>;
  resources?: { cpu?: number; memory?: number; gpu?: number };
  decorators: DecoratorSpec[];
}

/** Parses `--with name[:key=value,key=value]`; values are JSON when they parse, else strings. */
export function parseWithSpec(spec: string): DecoratorSpec {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  if (!ATTACHABLE.includes(name)) {
    throw new UserError(`--with ${spec}: unknown decorator '${name}' (known: ${ATTACHABLE.join(', ')})`);
  }
  const options: Record<string, unknown> = {};
  if (colon >= 0) {
    for (const pair of spec.slice(colon + 1).split(',')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UserError(`--with ${spec}: '${pair}' is not key=value`);
      const key = pair.slice(0, eq);
      const raw = pair.slice(eq + 1);
      try {
        options[key] = JSON.parse(raw);
      } catch {
        options[key] = raw;
      }
    }
  }
  return { name, options };
}

function num(
  where: string,
  key: string,
  v: unknown,
  { min = 0, max = Number.POSITIVE_INFINITY, integer = false } = {},
): number | undefined {
  if (v === undefined) return undefined;
  if (
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    v < min ||
    v > max ||
    (integer && !Number.isInteger(v))
  ) {
    throw new UserError(
      `${where}: ${key} must be ${integer ? 'a whole number' : 'a number'} from ${min}${Number.isFinite(max) ? ` to ${max}` : ''}, not ${JSON.stringify(v)}`,
    );
  }
  return v;
}

export function stepPolicy(step: string, own: DecoratorSpec[], withSpecs: DecoratorSpec[]): StepPolicy {
  // `--with` adds a decorator to every step that does not already have it (the step's own wins).
  const decorators = [...own, ...withSpecs.filter((w) => !own.some((d) => d.name === w.name))];
  const policy: StepPolicy = { retries: 0, retryDelayMs: 0, env: {}, decorators };
  for (const d of decorators) {
    const where = `@${d.name} on step '${step}'`;
    const o = d.options;
    switch (d.name) {
      case 'retry': {
        policy.retries = num(where, 'times', o.times, { max: 4, integer: true }) ?? 3;
        const minutes = num(where, 'minutesBetweenRetries', o.minutesBetweenRetries);
        policy.retryDelayMs = minutes === undefined ? 0 : minutes * 60_000;
        break;
      }
      case 'catchErrors': {
        const v = o.var;
        if (v !== undefined && (typeof v !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(v))) {
          throw new UserError(`${where}: var must be an identifier, not ${JSON.stringify(v)}`);
        }
        policy.catchVar = (v as string | undefined) ?? null;
        break;
      }
      case 'timeout': {
        const s =
          (num(where, 'seconds', o.seconds) ?? 0) +
          (num(where, 'minutes', o.minutes) ?? 0) * 60 +
          (num(where, 'hours', o.hours) ?? 0) * 3600;
        if (s <= 0) throw new UserError(`${where}: give seconds, minutes or hours adding up to more than 0`);
        policy.timeoutMs = s * 1000;
        break;
      }
      case 'environment': {
        const vars = o.vars;
        if (
          typeof vars !== 'object' ||
          vars === null ||
          Object.values(vars).some((v) => typeof v !== 'string')
        ) {
          throw new UserError(`${where}: vars must be an object of strings`);
        }
        Object.assign(policy.env, vars);
        break;
      }
      case 'resources': {
        const r: NonNullable<StepPolicy['resources']> = {};
        for (const k of ['cpu', 'memory', 'gpu'] as const) {
          const v = num(where, k, o[k]);
          if (v !== undefined) r[k] = v;
        }
        policy.resources = r;
        break;
      }
      case 'batch':
        break;
      default:
        throw new UserError(`${where}: unknown decorator`);
    }
  }
  return policy;
}

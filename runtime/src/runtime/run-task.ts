// Runs one attempt of one task inside a task process: bind the inputs, call the step, check what
// it did against the static graph, persist every artifact, commit the attempt.

import type {
  AttemptData,
  AttemptDone,
  ArtifactRef,
  FlowStore,
  TakenTransition,
} from '../datastore/types.js';
import type { FlowSpec, RecordedNext, TaskContext } from '../flow/spec.js';
import { stepMethods } from '../flow/spec.js';
import { bindParameter, collectParameters } from '../flow/parameter.js';
import { CONTEXT } from '../flow/symbols.js';
import { checkTransition } from '../graph/transition.js';
import { mapLimit } from '../util/limit.js';
import { ArtifactBinder, inputView } from './artifacts.js';
import { mergeArtifacts } from './merge.js';
import { type ParentRef, type TaskSpec, taskPathspec } from './task-spec.js';
import { serializeError } from './errors.js';

type FlowClass = new () => FlowSpec;

/**
 * A step broke the flow's contract (no transition, a foreach over nothing, a switch value that is
 * no case...). Its stack would only show tsflow's internals, so only the message is reported.
 */
export class FlowError extends Error {
  override name = 'FlowError';
}

async function readManifest(
  store: FlowStore,
  ref: ParentRef,
  flow: string,
): Promise<Record<string, ArtifactRef>> {
  const view = await store.readAttempt(ref, ref.attempt);
  const where = `${flow}/${ref.runId}/${ref.step}/${ref.taskId} attempt ${ref.attempt}`;
  if (!view?.done) throw new Error(`input task ${where} is not committed`);
  if (!view.done.finished) throw new Error(`input task ${where} did not finish`);
  return view.data?.artifacts ?? {};
}

function label(v: unknown): string {
  let s: string;
  try {
    s =
      typeof v === 'string'
        ? v
        : (JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function toList(value: unknown, what: string): unknown[] {
  if (
    value === null ||
    value === undefined ||
    typeof value === 'string' ||
    !(Symbol.iterator in Object(value))
  ) {
    throw new FlowError(
      `${what} is not a list (an array or other iterable), it is ${value === null ? 'null' : typeof value}`,
    );
  }
  return Array.isArray(value) ? value : [...(value as Iterable<unknown>)];
}

/** Turns the recorded `this.next(...)` into what the scheduler follows. */
function takenTransition(
  spec: TaskSpec,
  inst: FlowSpec,
  next: RecordedNext | undefined,
): TakenTransition | null {
  const node = spec.node;
  if (node.isEnd) {
    if (next) throw new FlowError(`step '${spec.step}' is the end step and must not call this.next()`);
    return null;
  }
  if (!next)
    throw new FlowError(
      `step '${spec.step}' finished without calling this.next(); make it the last statement`,
    );
  const fields = inst as unknown as Record<string, unknown>;
  if (next.foreach) {
    const list = toList(fields[next.foreach], `foreach artifact '${next.foreach}' of step '${spec.step}'`);
    if (list.length === 0)
      throw new FlowError(`step '${spec.step}': foreach over '${next.foreach}' has no elements`);
    if (list.length > spec.maxNumSplits) {
      throw new FlowError(
        `step '${spec.step}': foreach over '${next.foreach}' would start ${list.length} tasks, more than --max-num-splits ${spec.maxNumSplits}; raise --max-num-splits if that is intended`,
      );
    }
    return {
      next: next.targets,
      foreach: {
        var: next.foreach,
        numSplits: list.length,
        labels: list.length <= 10_000 ? list.map(label) : [],
      },
    };
  }
  if (next.condition && next.cases) {
    const raw = fields[next.condition];
    const value = String(raw);
    const chosen = next.cases[value];
    if (chosen === undefined) {
      throw new FlowError(
        `step '${spec.step}': condition '${next.condition}' is ${label(raw)}, which is none of the cases ${Object.keys(next.cases).join(', ')}`,
      );
    }
    return { next: [chosen], condition: { var: next.condition, value } };
  }
  return { next: next.targets };
}

function findClass(mod: Record<string, unknown>, registry: Map<string, FlowClass>, name: string): FlowClass {
  const exported = mod[name];
  if (typeof exported === 'function') return exported as FlowClass;
  const registered = registry.get(name);
  if (registered) return registered;
  throw new Error(`flow class '${name}' is neither exported from the flow file nor passed to main()`);
}

export interface TaskResult {
  ok: boolean;
}

export async function runTask(
  spec: TaskSpec,
  store: FlowStore,
  mod: Record<string, unknown>,
  registry: Map<string, FlowClass>,
  /** Formats an error for the task's stderr (maps bundle frames to the flow's source). */
  report: (err: unknown) => string = (e) => String(e instanceof Error ? e.stack : e),
): Promise<TaskResult> {
  const key = { runId: spec.runId, step: spec.step, taskId: spec.taskId };
  const pathspec = taskPathspec(spec);
  // The scheduler recorded the attempt's start before handing the task over.

  const binder = new ArtifactBinder(store, pathspec);
  let inst: FlowSpec | undefined;
  const inherited: Record<string, ArtifactRef> = {};
  let paramRefs: Record<string, ArtifactRef> = {};
  let transition: TakenTransition | null = null;
  try {
    const cls = findClass(mod, registry, spec.flowClass);
    const method = stepMethods(cls).get(spec.step);
    if (!method)
      throw new Error(`flow ${spec.flow} has no step '${spec.step}' (was the file changed during the run?)`);
    inst = new cls();
    const defs = collectParameters(inst);
    const initial = new Map(Object.entries(inst));
    paramRefs = await readManifest(store, spec.parameters, spec.flow);
    const paramPathspec = `${spec.flow}/${spec.runId}/_parameters/0`;
    // What the step can read, fetched before it runs where the backend has no synchronous reads.
    const readable: { name: string; ref: ArtifactRef; pathspec: string }[] = [];
    for (const def of defs) {
      const ref = paramRefs[def.field];
      if (!ref) throw new Error(`parameter '${def.name}' has no value in ${paramPathspec}`);
      readable.push({ name: def.field, ref, pathspec: paramPathspec });
      bindParameter(inst, def, () => binder.load(def.field, ref, paramPathspec));
      initial.delete(def.field);
    }
    const paramFields = new Set(defs.map((d) => d.field));

    const isJoin = spec.node.kind === 'join';
    // A join of a wide foreach has thousands of inputs: read their manifests a few at a time.
    const manifests = await mapLimit(spec.parents, 32, (p) => readManifest(store, p, spec.flow));
    let args: unknown[] = [];
    if (isJoin) {
      const inputs: object[] = [];
      const byStep: Record<string, object> = {};
      spec.parents.forEach((p, i) => {
        const arts = Object.fromEntries(Object.entries(manifests[i]!).filter(([n]) => !paramFields.has(n)));
        const inputPathspec = `${spec.flow}/${p.runId}/${p.step}/${p.taskId}`;
        for (const [name, ref] of Object.entries(arts)) readable.push({ name, ref, pathspec: inputPathspec });
        const view = inputView(binder, inputPathspec, arts, p.step);
        inputs.push(view);
        byStep[p.step] ??= view;
      });
      for (const [name, view] of Object.entries(byStep)) {
        if (!(name in inputs)) Object.defineProperty(inputs, name, { value: view, enumerable: false });
      }
      args = [Object.freeze(inputs)];
    } else if (manifests.length === 1 && spec.parents[0]!.step !== '_parameters') {
      for (const [name, ref] of Object.entries(manifests[0]!)) {
        if (paramFields.has(name)) continue;
        inherited[name] = ref;
        binder.bindInherited(inst, name, ref);
        readable.push({ name, ref, pathspec });
      }
    }

    const frame = spec.foreachStack[spec.foreachStack.length - 1];
    const ctx: TaskContext = {
      step: spec.step,
      pathspec,
      mergeArtifacts: (target, inputs, options) => {
        if (!isJoin)
          throw new Error(`mergeArtifacts() only works in a join step, and '${spec.step}' is not one`);
        mergeArtifacts(
          { binder, initial, parameterFields: paramFields, step: spec.step },
          target,
          inputs,
          options,
        );
      },
    };
    if (frame) {
      // The list lives in the foreach split task: the direct parent for the body's first step,
      // further up for later steps of the body.
      const parent = spec.parents[0];
      const splitRunId = spec.inputRunId ?? spec.runId;
      const splitPathspec = `${spec.flow}/${splitRunId}/${frame.step}/${frame.taskId}`;
      let splitManifest: Record<string, ArtifactRef> | undefined;
      if (parent && parent.step === frame.step && parent.taskId === frame.taskId)
        splitManifest = manifests[0];
      else {
        const view = await store.latestAttempt({ runId: splitRunId, step: frame.step, taskId: frame.taskId });
        splitManifest = view?.data?.artifacts;
      }
      const ref = splitManifest?.[frame.var];
      if (ref) readable.push({ name: frame.var, ref, pathspec: splitPathspec });
      let cached: { v: unknown } | undefined;
      Object.assign(ctx, {
        foreach: {
          index: frame.index,
          input: () => {
            if (!ref) throw new Error(`foreach artifact '${frame.var}' of ${splitPathspec} is missing`);
            cached ??= { v: toList(binder.load(frame.var, ref, splitPathspec), frame.var)[frame.index] };
            return cached.v;
          },
        },
      });
    }
    await binder.prefetch(readable);
    inst[CONTEXT] = ctx;
    await method.apply(inst, args);
    transition = takenTransition(spec, inst, ctx.next);
    if (transition) {
      const problem = checkTransition(spec.node, transition);
      if (problem) throw new FlowError(problem);
    }
    const artifacts = { ...(await binder.persist(inst, inherited)), ...paramRefs };
    const data: AttemptData = { attempt: spec.attempt, artifacts, transition };
    const done: AttemptDone = {
      attempt: spec.attempt,
      finishedAt: Date.now(),
      finished: true,
      successful: true,
    };
    await store.commitAttempt(key, data, done);
    return { ok: true };
  } catch (err) {
    const error = serializeError(err);
    const shown = report(err);
    if (error.stack) error.stack = shown;
    process.stderr.write(`${shown}\n`);
    const caught = spec.catchVar !== undefined && inst !== undefined;
    if (caught && spec.catchVar && inst) {
      // @catchErrors: the error becomes an artifact (a plain object: it reads the same everywhere).
      const stored = {
        name: error.name,
        message: error.message,
        ...(error.stack ? { stack: error.stack } : {}),
      };
      Object.defineProperty(inst, spec.catchVar, {
        value: stored,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    // Keep what the step produced for debugging, if it can be saved; the failure itself is what counts.
    let data: AttemptData | null = null;
    if (inst) {
      try {
        data = {
          attempt: spec.attempt,
          artifacts: { ...(await binder.persist(inst, inherited)), ...paramRefs },
          // A caught task goes on where the static graph says (catch is refused on foreach and switch steps).
          transition: caught ? { next: spec.node.next } : null,
        };
      } catch {
        data = null;
      }
    }
    if (caught && !data) {
      // The artifacts could not be saved: the catch cannot carry the task forward.
      await store.commitAttempt(key, null, {
        attempt: spec.attempt,
        finishedAt: Date.now(),
        finished: false,
        successful: false,
        error,
      });
      return { ok: false };
    }
    const done: AttemptDone = {
      attempt: spec.attempt,
      finishedAt: Date.now(),
      finished: caught,
      successful: false,
      error,
    };
    if (caught) {
      await store.commitAttempt(key, data, done);
      return { ok: true };
    }
    await store.commitAttempt(key, data, done);
    return { ok: false };
  }
}

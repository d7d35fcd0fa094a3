// A task process that exits without committing its attempt (a crash, `process.exit`, a signal, a
// timeout) cannot say why: whoever waited for it (the scheduler, `tsflow spin`) commits a failed
// attempt on its behalf, so the attempt is finished and readers see why it failed.

import type { TaskExit } from '../compute/types.js';
import type { AttemptView, FlowStore, TaskKey } from '../datastore/types.js';

export interface FailureCause {
  name?: string;
  /** Replaces the message derived from the exit code or signal. */
  message?: string;
}

/** The attempt as committed: by the task itself, or now, as failed, for a process that died. */
export async function commitIfUncommitted(
  store: FlowStore,
  key: TaskKey,
  attempt: number,
  exit: TaskExit,
  cause: FailureCause = {},
): Promise<AttemptView | null> {
  const view = await store.readAttempt(key, attempt);
  if (view?.done) return view;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  await store.commitAttempt(key, null, {
    attempt,
    finishedAt: Date.now(),
    finished: false,
    successful: false,
    exitCode: exit.code,
    signal: exit.signal,
    error: {
      name: cause.name ?? 'TaskProcessError',
      message: cause.message ?? `the task process ${how} before the step finished`,
    },
  });
  return store.readAttempt(key, attempt);
}

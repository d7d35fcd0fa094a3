// The message the scheduler sends a task worker: everything needed to run one attempt of one
// task. Plain JSON so it crosses process (and later container) boundaries unchanged.

import type { StepNode } from '../graph/types.js';
import type { ForeachFrame, TaskKey } from '../datastore/types.js';

export interface ParentRef extends TaskKey {
  attempt: number;
}

export interface TaskSpec {
  datastoreRoot: string;
  flow: string;
  /** Name of the flow class in the bundle (usually `flow`). */
  flowClass: string;
  runId: string;
  step: string;
  taskId: string;
  attempt: number;
  /** The tasks whose outputs are this task's inputs, in join order. */
  parents: ParentRef[];
  /** The `_parameters` pseudo-task of the run. */
  parameters: ParentRef;
  foreachStack: ForeachFrame[];
  /** The step as the static graph describes it; what the step does is checked against it. */
  node: StepNode;
  maxNumSplits: number;
  /**
   * Set on the last attempt of a `@catchErrors` step: an error in the step is stored in this
   * artifact (null: not stored) and the task finishes, unsuccessful, along its static transition.
   */
  catchVar?: string | null;
  /** The run holding the inputs and foreach split tasks (the origin run for `spin`; default `runId`). */
  inputRunId?: string;
}

export function taskPathspec(spec: Pick<TaskSpec, 'flow' | 'runId' | 'step' | 'taskId'>): string {
  return `${spec.flow}/${spec.runId}/${spec.step}/${spec.taskId}`;
}

// What every client object needs: the backend it reads from, one FlowStore per flow, and a clock.
// Objects created from one another share their context, so a whole browse session resolves the
// datastore root once.

import { BackendFlowStore } from '../datastore/flow-store.js';
import { isValidFlowName } from '../datastore/layout.js';
import { listFlows as listFlowNames, resolveDatastoreRoot, toBackend } from '../datastore/root.js';
import type { FlowStore, StorageBackend } from '../datastore/types.js';
import { NotFoundError } from '../errors.js';

export interface ClientOptions {
  /**
   * Datastore root: a directory or `s3://bucket/prefix` (S3 endpoint, region and credentials from
   * the AWS environment); default: `resolveDatastoreRoot()` ($TSFLOW_DATASTORE_ROOT, else the nearest `.tsflow`).
   */
  datastoreRoot?: string;
  /** Read from this backend instead (e.g. S3); takes precedence over `datastoreRoot`. */
  backend?: StorageBackend;
  /** Where the nearest `.tsflow` is looked for; default `process.cwd()`. */
  cwd?: string;
  /** Clock used to judge heartbeats (epoch ms); default `Date.now`. For tests. */
  now?: () => number;
}

export class ClientContext {
  private readonly stores = new Map<string, FlowStore>();

  constructor(
    readonly backend: StorageBackend,
    readonly now: () => number,
  ) {}

  static from(opts: ClientOptions | ClientContext = {}): ClientContext {
    if (opts instanceof ClientContext) return opts;
    const backend =
      opts.backend ??
      toBackend(resolveDatastoreRoot({ root: opts.datastoreRoot, cwd: opts.cwd ?? process.cwd() }));
    return new ClientContext(backend, opts.now ?? Date.now);
  }

  get root(): string {
    return this.backend.root;
  }

  /** The store of a flow that is known to exist. */
  store(flow: string): FlowStore {
    let s = this.stores.get(flow);
    if (!s) {
      s = new BackendFlowStore(this.backend, flow);
      this.stores.set(flow, s);
    }
    return s;
  }

  listFlows(): Promise<string[]> {
    return listFlowNames(this.backend);
  }

  /** The store of `flow`, or NotFoundError listing the flows there are. */
  async existingStore(flow: string): Promise<FlowStore> {
    if (isValidFlowName(flow)) {
      const { dirs, files } = await this.backend.list(flow);
      if (dirs.length > 0 || files.length > 0) return this.store(flow);
    }
    const flows = await this.listFlows();
    throw new NotFoundError(
      `no flow '${flow}' in datastore ${this.root}; ${flows.length > 0 ? `flows: ${flows.join(', ')}` : 'it holds no flows'}`,
    );
  }
}

/**
 * Whether the extension may connect to a host now: in Restricted Mode (an untrusted workspace) never; in a trusted
 * workspace, a host that only the workspace's settings name is contacted after the user agreed, once per host (the
 * answer is remembered in the user's global state, never in the workspace). Hosts the user's own settings name, and
 * this machine, need no question. Every network use asks here first: metadata download, sign-in, send.
 * No `vscode` here: the wiring (networkAccess.ts) passes the workspace's state in.
 */

export type NetworkPurpose = 'download' | 'signIn' | 'send';

export interface NetworkGateHost {
  /** VS Code's `workspace.isTrusted`. */
  isTrusted(): boolean;
  /** Origins named by the user's own (user-level) environments. */
  userOrigins(): ReadonlySet<string>;
  /** Names of the workspace environments that use an origin (for the question). */
  workspaceNames(origin: string): string[];
  /** The remembered answer for an origin. */
  remembered(origin: string): boolean | undefined;
  remember(origin: string, allowed: boolean): Promise<void>;
  /** Asks the user; undefined when the question was dismissed (asked again next time). */
  ask(origin: string, purpose: NetworkPurpose, names: string[]): Promise<boolean | undefined>;
}

const PURPOSES: Record<NetworkPurpose, string> = { download: 'download its metadata', signIn: 'sign in to it', send: 'send a request to it' };

export function isLoopbackOrigin(origin: string): boolean {
  try {
    const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

function neverResolves(origin: string): boolean {
  try {
    return /(^|\.)invalid\.?$/i.test(new URL(origin).hostname);
  } catch {
    return false;
  }
}

export class NetworkGate {
  private readonly asking = new Map<string, Promise<boolean | undefined>>();

  constructor(private readonly host: NetworkGateHost) {}

  /** Undefined when the connection may go ahead; otherwise the sentence that says why not and what to do. */
  async check(url: string, purpose: NetworkPurpose): Promise<string | undefined> {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return `"${url}" is not a URL.`;
    }
    if (!this.host.isTrusted()) {
      return `This workspace is in Restricted Mode: Dynamics OData Tools does not ${PURPOSES[purpose].replace(' it', '')} until you trust the workspace (Manage Workspace Trust). Checking and completion keep working.`;
    }
    // This machine, and names that never resolve (RFC 6761 `.invalid`): nothing can reach another host.
    if (isLoopbackOrigin(origin) || neverResolves(origin) || this.host.userOrigins().has(origin)) return undefined;
    const names = this.host.workspaceNames(origin);
    if (names.length === 0) return undefined; // not an environment's host (e.g. a sign-in authority): the caller's own rules apply
    const known = this.host.remembered(origin);
    if (known === true) return undefined;
    if (known === false) return refusal(origin, 'you chose not to connect to it');
    let pending = this.asking.get(origin);
    if (!pending) {
      pending = this.host.ask(origin, purpose, names).then(async (answer) => {
        if (answer !== undefined) await this.host.remember(origin, answer);
        return answer;
      });
      this.asking.set(origin, pending);
      void pending.finally(() => this.asking.delete(origin));
    }
    const answer = await pending;
    if (answer === true) return undefined;
    return refusal(origin, answer === false ? 'you chose not to connect to it' : 'the question was dismissed');
  }
}

function refusal(origin: string, why: string): string {
  return `Not connecting to ${origin}, which only this workspace's settings name: ${why}. To allow it, run "Dynamics OData: Reset Workspace Host Answers" and try again, or add the environment to your user settings.`;
}

let current: NetworkGate | undefined;

/** Set by the wiring on activation; before that (and in plain node: tests, CLI) every connection may go ahead. */
export function setNetworkGate(gate: NetworkGate | undefined): void {
  current = gate;
}

/** The hook every network use calls first. */
export function checkNetworkAccess(url: string, purpose: NetworkPurpose): Promise<string | undefined> {
  return current ? current.check(url, purpose) : Promise.resolve(undefined);
}

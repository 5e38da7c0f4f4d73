/**
 * The product's MSAL network client (client/src/features/network/msalNetworkClient.ts) over a dispatcher that trusts
 * the local authority's self-signed certificate, so the tests run in one process (Node reads NODE_EXTRA_CA_CERTS
 * only at process start) and still go through the code users run.
 */
import type { INetworkModule } from '@azure/msal-node';
import type { Dispatcher } from 'undici';
import { proxiedNetworkClient } from '../../../client/src/features/network/msalNetworkClient';

export function trustingNetworkClient(dispatcher: Dispatcher): INetworkModule {
  return proxiedNetworkClient(() => dispatcher);
}

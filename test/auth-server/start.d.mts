// Types of start.mjs (the local OAuth authority for the sign-in tests).
import type { Dispatcher } from 'undici';

export interface IssuedTokens {
  accessToken?: string;
  refreshToken?: string;
  idToken?: string;
  at: number;
}

export interface BrowseResult {
  /** The last answer's status and URL (the loopback redirect target at the end of a successful sign-in). */
  status: number;
  url: string;
  text: string;
}

export interface AuthServer {
  /** `{authorityHost}/{tenant}`. */
  issuer: string;
  /** `https://localhost:{port}`: the sign-in settings' authorityHost. */
  authorityHost: string;
  tenant: string;
  port: number;
  /** The self-signed certificate (PEM) of the authority, also the CA to trust. */
  caFile: string;
  ca: string;
  /** An undici dispatcher that trusts `ca`. */
  dispatcher: Dispatcher;
  publicClientId: string;
  confidentialClientId: string;
  certificateClientId: string;
  clientSecret: string;
  /** A PEM file with the certificate client's private key and certificate, and its thumbprints (hex, upper case). */
  certificate: { file: string; thumbprint: string; thumbprintSha256: string };
  tokensIssued(): IssuedTokens[];
  /** Drops every refresh token; returns how many. */
  revokeAll(): number;
  browse(url: string, login?: string): Promise<BrowseResult>;
  approveDeviceCode(userCode: string, login?: string): Promise<BrowseResult>;
  stop(): Promise<void>;
}

export function startAuthServer(options?: { tenant?: string; accessTokenTtl?: number }): Promise<AuthServer>;

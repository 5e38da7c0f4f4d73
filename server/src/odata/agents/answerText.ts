/**
 * Answers sized for a language model's context: a cap on characters (cut at a line, with a last line that
 * says what was cut and how to ask for less), short single-line descriptions, and a last guard that
 * removes anything that looks like a credential (bearer tokens, JWTs, secrets in query strings), so that
 * no answer can carry one even if a service or a file put it there.
 */

import { groupedDigits } from '../numberText';

/** The longest answer a tool gives, in characters (about 4,000 tokens). */
export const MAX_ANSWER_CHARS = 16_000;

/** What a tool returns: text for the model, and whether it reports a problem with the request itself. */
export interface AgentAnswer {
  text: string;
  /** True when the tool could not do what was asked (bad input, unknown environment, nothing loaded). */
  isError?: boolean;
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer [redacted]'],
  // A JWT: three base64url parts, the first two starting with `eyJ` ('{"').
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted token]'],
  [/\b(client_secret|access_token|refresh_token|id_token|password|sig)=([^&\s"']+)/gi, '$1=[redacted]'],
  // A password in a URL's user information (https://user:password@host).
  [/\b(https?:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1[redacted]@'],
];

/** The text with anything that looks like a credential replaced. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/**
 * Joins lines into an answer no longer than `maxChars`; when cut, at a line boundary, with a last line
 * saying how many lines were left out and what to do instead (`hint`).
 */
export function sizedAnswer(lines: readonly string[], hint: string, maxChars = MAX_ANSWER_CHARS): string {
  const kept: string[] = [];
  let length = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (length + line.length + 1 > maxChars - 200) {
      const rest = lines.length - i;
      kept.push(`… cut: ${rest} more line${rest === 1 ? '' : 's'} left out to keep this answer short. ${hint}`);
      break;
    }
    kept.push(line);
    length += line.length + 1;
  }
  return redactSecrets(kept.join('\n'));
}

/** One line of at most `max` characters: whitespace collapsed, an ellipsis when cut. */
export function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${groupedDigits(count)} ${count === 1 ? word : many}`;
}

export function errorAnswer(text: string): AgentAnswer {
  return { text: redactSecrets(text), isError: true };
}

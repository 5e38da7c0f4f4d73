/**
 * `{{name}}` completion, wherever a `{{` is open in a `.odata` document: the URL, header values, bodies and
 * variable values. The language service asks it before the URL and request-part completions.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList } from 'vscode-languageserver-types';
import { toRange, type ODataDocument, type ServiceContext } from './serviceContext';

/** `{{name}}` completion anywhere in a document (URL, headers, bodies, variable values); undefined when not after `{{`. */
export function completeVariables(document: ODataDocument, offset: number, context?: { variables?: ServiceContext['variables'] }): CompletionList | undefined {
  const text = document.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const open = before.lastIndexOf('{{');
  if (open < 0 || before.indexOf('}}', open) >= 0) return undefined;
  const typed = before.slice(open + 2);
  if (!/^\s*[\w$.-]*$/.test(typed)) return undefined;
  const start = lineStart + open + 2 + (typed.length - typed.trimStart().length);
  let end = offset;
  while (end < text.length && /[\w$.-]/.test(text[end]!)) end++;
  const after = text.slice(end, text.indexOf('\n', end) < 0 ? text.length : text.indexOf('\n', end));
  const close = /^\s*\}\}/.test(after) ? '' : '}}';
  const range = toRange(document, { start, end });
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (let i = document.file.variables.length - 1; i >= 0; i--) {
    const variable = document.file.variables[i]!;
    // `@environment` chooses the environment; it is not a value to substitute.
    if (seen.has(variable.name) || variable.name === 'environment') continue;
    seen.add(variable.name);
    items.push({
      label: variable.name,
      kind: CompletionItemKind.Variable,
      detail: variable.value.length > 60 ? `${variable.value.slice(0, 57)}...` : variable.value,
      documentation: { kind: MarkupKind.Markdown, value: `File variable \`@${variable.name}\` = \`${variable.value}\`` },
      sortText: `0${variable.name}`,
      textEdit: { range, newText: variable.name + close },
    });
  }
  for (const [name, value] of Object.entries(context?.variables ?? {})) {
    if (seen.has(name) || typeof value !== 'string') continue;
    seen.add(name);
    items.push({
      label: name,
      kind: CompletionItemKind.Variable,
      detail: value.length > 60 ? `${value.slice(0, 57)}...` : value,
      documentation: { kind: MarkupKind.Markdown, value: `Environment variable \`${name}\` = \`${value}\` (the environment's \`variables\` setting)` },
      sortText: `0${name}`,
      textEdit: { range, newText: name + close },
    });
  }
  for (const system of systemVariables) {
    items.push({
      label: system.name,
      kind: CompletionItemKind.Variable,
      detail: system.detail,
      documentation: { kind: MarkupKind.Markdown, value: system.documentation },
      sortText: `1${system.name}`,
      filterText: system.name,
      insertTextFormat: system.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      textEdit: { range, newText: (system.snippet ?? system.name) + close },
    });
  }
  return { isIncomplete: false, items };
}

const systemVariables: { name: string; detail: string; documentation: string; snippet?: string }[] = [
  { name: '$guid', detail: 'system: a new GUID', documentation: 'A new random GUID (`00000000-0000-0000-0000-000000000000` form) on every send.' },
  { name: '$timestamp', detail: 'system: Unix time (s)', documentation: 'The current Unix timestamp in seconds.' },
  {
    name: '$datetime',
    detail: 'system: current date-time',
    documentation: 'The current UTC date-time: `{{$datetime iso8601}}` or `{{$datetime rfc1123}}`.',
    snippet: '\\$datetime ${1|iso8601,rfc1123|}',
  },
  { name: '$localDatetime', detail: 'system: local date-time', documentation: 'The current local date-time.', snippet: '\\$localDatetime ${1|iso8601,rfc1123|}' },
  { name: '$randomInt', detail: 'system: random integer', documentation: 'A random integer: `{{$randomInt min max}}`.', snippet: '\\$randomInt ${1:0} ${2:100}' },
  { name: '$processEnv', detail: 'system: environment variable', documentation: 'A process environment variable: `{{$processEnv NAME}}`.', snippet: '\\$processEnv ${1:NAME}' },
  { name: '$dotenv', detail: 'system: .env value', documentation: 'A value from a `.env` file: `{{$dotenv NAME}}`.', snippet: '\\$dotenv ${1:NAME}' },
];

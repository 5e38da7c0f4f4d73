/**
 * The agent tools in VS Code: `contributes.languageModelTools` (package.json) registered with
 * `vscode.lm.registerTool`. list_environments, find_metadata, describe, check_query and convert_query run in
 * the language server on its models (`odata/agent/runTool`); run_query runs here through the request runner
 * (prepare + send, the user's sign-in), read-only (the server's `odata/agent/planRun` refuses anything but a
 * GET), asking first on a production environment (the tool's confirmation), and never in Restricted Mode.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DEFAULT_RUN_ROWS, MAX_RUN_ROWS, agentToolDefinitions, redactSecrets, sizedAnswer, type AgentToolName } from '../../../../server/src/odata/index';
import { agentPlanRun, agentRunTool } from '../../../../server/src/protocol';
import { defaultEnvironment, runnerSettings } from '../environments/configuration';
import { environmentSettings } from '../environments/environmentSettings';
import { SAMPLE_ENVIRONMENT_NAME } from '../environments/sampleEnvironment';
import { chooseEnvironment, type EnvironmentEntry } from '../runner/environmentFor';
import { sendRequest } from '../runner/http/engine';
import { countOf, nextLinkOf, rowsOf } from '../runner/http/paging';
import { headerValue, prepareRequest } from '../runner/http/prepare';
import { sendingSystemVariables } from '../runner/systemVariables';
import type { BearerTokenSource, RunnerEnvironment } from '../runner/types';
import { rowsAsTable } from './queryTable';

/** VS Code's name of a tool: the extension's prefix and the tool's own name (MCP uses the bare name). */
export const vscodeToolName = (tool: AgentToolName): string => `dynamicsOData_${tool}`;

export interface AgentToolsDependencies {
  client: LanguageClient;
  token: BearerTokenSource;
  output: vscode.LogOutputChannel;
}

type ToolInput = Record<string, unknown>;

function text(value: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(redactSecrets(value))]);
}

function productionNames(): string[] {
  return environmentSettings()
    .filter((env) => env.production === true)
    .map((env) => env.name);
}

function short(value: unknown, max = 60): string {
  const flat = String(value ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The tools answered by the language server. */
class ServerTool implements vscode.LanguageModelTool<ToolInput> {
  constructor(
    private readonly tool: AgentToolName,
    private readonly deps: AgentToolsDependencies,
  ) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<ToolInput>): vscode.PreparedToolInvocation {
    const input = options.input ?? {};
    const where = typeof input.environment === 'string' ? ` in ${input.environment}` : '';
    switch (this.tool) {
      case 'find_metadata':
        return { invocationMessage: `Searching Dynamics metadata${where} for "${short(input.query)}"` };
      case 'describe':
        return { invocationMessage: `Describing ${short(input.name)}${where}` };
      case 'check_query':
        return { invocationMessage: `Checking the query${where}` };
      case 'convert_query':
        return { invocationMessage: `Converting the query to ${short(input.to)}` };
      default:
        return { invocationMessage: 'Listing Dynamics environments' };
    }
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<ToolInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    try {
      const answer = await this.deps.client.sendRequest(agentRunTool.type, { tool: this.tool, input: options.input, production: productionNames() }, token);
      return text(answer.text);
    } catch (error) {
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      this.deps.output.warn(`${this.tool} failed: ${error instanceof Error ? error.message : String(error)}`);
      return text(`The ${this.tool} tool could not ask the language server (${error instanceof Error ? error.message : String(error)}). Check the "Dynamics OData Tools" output.`);
    }
  }
}

/** The environment run_query sends to: the named one, else the default, else the only one. */
export function runEnvironment(input: ToolInput): { ok: true; environment: RunnerEnvironment } | { ok: false; message: string } {
  const configured: EnvironmentEntry[] = environmentSettings().map((env) => ({ name: env.name, flavor: env.flavor, url: env.url, production: env.production }));
  const named = typeof input.environment === 'string' && input.environment.trim() !== '' ? input.environment.trim() : undefined;
  const fallback = defaultEnvironment();
  const choice = chooseEnvironment(named, configured, fallback, SAMPLE_ENVIRONMENT_NAME);
  if (!choice.ok && named) return { ok: false, message: `There is no environment '${named}' to run on (known: ${configured.map((env) => env.name).join(', ') || 'none'}).` };
  return choice;
}

/** run_query: read-only, capped, in the client with the user's sign-in. */
export class RunQueryTool implements vscode.LanguageModelTool<ToolInput> {
  constructor(private readonly deps: AgentToolsDependencies) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<ToolInput>): vscode.PreparedToolInvocation {
    const input = options.input ?? {};
    const choice = runEnvironment(input);
    if (!choice.ok) return { invocationMessage: 'Running a read-only query' };
    const environment = choice.environment;
    if (!environment.production) return { invocationMessage: `Running a read-only query on ${environment.name}` };
    const query = String(input.query ?? '');
    const message = new vscode.MarkdownString();
    message.appendMarkdown(`**${environment.name}** is a production environment (${environment.serviceRoot}). Only a read is sent:\n\n`);
    message.appendCodeblock(query.length > 2000 ? `${query.slice(0, 2000)}…` : query, 'odata');
    return {
      invocationMessage: `Running a read-only query on ${environment.name} (production)`,
      confirmationMessages: { title: `Read from the production environment ${environment.name}?`, message },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<ToolInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const input = options.input ?? {};
    if (!vscode.workspace.isTrusted) {
      return text('Restricted Mode: this workspace is not trusted, so run_query sends nothing. Checking still works (check_query); ask the user to trust the workspace to run queries.');
    }
    const query = typeof input.query === 'string' ? input.query : '';
    const maxRows = typeof input.maxRows === 'number' && Number.isInteger(input.maxRows) ? Math.min(MAX_RUN_ROWS, Math.max(1, input.maxRows)) : DEFAULT_RUN_ROWS;
    const choice = runEnvironment(input);
    if (!choice.ok) return text(choice.message);
    const environment = choice.environment;
    const plan = await this.deps.client.sendRequest(agentPlanRun.type, { environment: environment.name, query }, token);
    if (!plan.ok) return text(plan.message);
    const variables = environmentSettings().find((env) => env.name === environment.name)?.variables;
    const prepared = prepareRequest(plan.requestText, 0, environment, { systemVariables: sendingSystemVariables(), variables });
    if (!prepared.ok) return text(`The query could not be sent: ${prepared.failure.message}`);
    const request = prepared.request;
    if (request.method !== 'GET') return text(`run_query only reads data: ${request.method} is refused.`);
    // Ask the service for no more than the rows shown (the caller's own Prefer header wins).
    if (headerValue(request.headers, 'prefer') === undefined) request.headers.push(['Prefer', `odata.maxpagesize=${maxRows}`]);
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    try {
      const outcome = await sendRequest(request, {
        token: this.deps.token,
        signal: controller.signal,
        timeoutMs: runnerSettings().timeoutMs,
        maxBodyBytes: 5 * 1024 * 1024,
      });
      const title = `GET ${plan.language === 'fetchxml' ? 'FetchXML' : short(query.trim().split('\n')[0], 200)} on '${environment.name}'`;
      if (!outcome.ok) {
        if (outcome.kind === 'cancelled') throw new vscode.CancellationError();
        return text(`${title} failed (${outcome.kind}): ${outcome.message}`);
      }
      if (outcome.status >= 400) {
        return text(`${title}: the service answered ${outcome.status} ${outcome.statusText}${outcome.error ? `: ${outcome.error.message}` : ''}. Check the query with check_query.`);
      }
      const rows = rowsOf(outcome) ?? [];
      const lines = [`${title}: ${outcome.status} ${outcome.statusText}${outcome.truncated ? ' (the response was cut at 5 MB)' : ''}.`, ...rowsAsTable(rows, maxRows, { returned: rows.length, count: countOf(outcome), nextPage: nextLinkOf(outcome) !== undefined })];
      return text(sizedAnswer(lines, 'Select fewer columns or ask for fewer rows (maxRows).'));
    } finally {
      cancel.dispose();
    }
  }
}

export function registerAgentTools(context: vscode.ExtensionContext, deps: AgentToolsDependencies): void {
  if (typeof vscode.lm?.registerTool !== 'function') {
    deps.output.info('This VS Code has no language model tools API: the agent tools are not registered (use `dynamics-odata mcp`).');
    return;
  }
  const runQuery = new RunQueryTool(deps);
  for (const definition of agentToolDefinitions) {
    const tool = definition.name === 'run_query' ? runQuery : new ServerTool(definition.name, deps);
    context.subscriptions.push(vscode.lm.registerTool(vscodeToolName(definition.name), tool));
  }
  // For tests only (ExtensionMode.Test): what run_query's confirmation would show for an input (VS Code shows it in
  // chat, or as a dialog).
  if (context.extensionMode !== vscode.ExtensionMode.Test) return;
  context.subscriptions.push(
    vscode.commands.registerCommand('dynamicsOData.agents.prepareRunQuery', (input: ToolInput) => {
      const prepared = runQuery.prepareInvocation({ input } as vscode.LanguageModelToolInvocationPrepareOptions<ToolInput>);
      const confirmation = prepared.confirmationMessages;
      return {
        invocationMessage: prepared.invocationMessage,
        confirmation: confirmation ? { title: confirmation.title, message: typeof confirmation.message === 'string' ? confirmation.message : confirmation.message.value } : undefined,
      };
    }),
  );
}

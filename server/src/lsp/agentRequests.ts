/**
 * The agent tools' requests: `odata/agent/runTool` runs a tool of the core (server/src/odata/agents) on the
 * server's own models, so VS Code's language model tools answer from the one parsed copy; `odata/agent/planRun`
 * says what `run_query` may send. The environment a tool needs is loaded (awaited) first; any other is
 * reported as it stands. A request never fails: problems are answers.
 */
import type { Connection } from 'vscode-languageserver';
import { environmentWanted, fetchXmlCapability, planReadOnlyQuery, runAgentTool, type AgentEnvironment, type AgentToolContext } from '../odata/agents/index';
import { agentPlanRun, agentRunTool, type AgentRunPlan, type AgentToolAnswer } from '../protocol';
import type { Environments } from './environments';

async function toolContext(environments: Environments, input: unknown, production: readonly string[], needsModel: boolean): Promise<AgentToolContext> {
  const configs = environments.configs();
  const defaultEnvironment = environments.resolve(undefined)?.name;
  const wanted = needsModel ? environmentWanted(input, { environments: configs, defaultEnvironment }) : undefined;
  if (wanted !== undefined && configs.some((config) => config.name === wanted)) await environments.model(wanted);
  const list: AgentEnvironment[] = configs.map((config) => {
    const loaded = environments.current(config.name);
    const base = { name: config.name, flavor: config.flavor, url: config.url, production: production.includes(config.name) };
    if (!loaded) return { ...base, state: 'loading' };
    if (!loaded.ok) return { ...base, state: 'error', message: loaded.message };
    return { ...base, state: 'ready', model: loaded.model, ...(loaded.problem ? { message: loaded.problem } : {}) };
  });
  return { environments: list, defaultEnvironment, fetchXml: fetchXmlCapability };
}

export function registerAgentRequests(connection: Connection, environments: Environments): void {
  connection.onRequest(agentRunTool.type, async (params): Promise<AgentToolAnswer> => {
    try {
      const tool = typeof params?.tool === 'string' ? params.tool : '';
      const production = Array.isArray(params?.production) ? params.production.filter((name): name is string => typeof name === 'string') : [];
      const context = await toolContext(environments, params?.input, production, tool !== 'list_environments');
      return runAgentTool(tool, params?.input, context);
    } catch (error) {
      return { text: `The tool failed: ${error instanceof Error ? error.message : String(error)}`, isError: true };
    }
  });

  connection.onRequest(agentPlanRun.type, async (params): Promise<AgentRunPlan> => {
    try {
      const query = typeof params?.query === 'string' ? params.query : '';
      const name = typeof params?.environment === 'string' ? params.environment : environments.resolve(undefined)?.name;
      if (!name) return { ok: false, message: 'No environment is configured to run the query on.' };
      // The model is needed for FetchXML only (its entity set); an environment without metadata still runs OData.
      const known = environments.configs().some((config) => config.name === name);
      const loaded = known ? await environments.model(name) : undefined;
      const plan = planReadOnlyQuery(query, loaded?.ok ? loaded.model : undefined);
      return plan.ok ? { ...plan, environment: name } : plan;
    } catch (error) {
      return { ok: false, message: `The query could not be planned: ${error instanceof Error ? error.message : String(error)}` };
    }
  });
}

/** The agent tools' public API (for the language server, the MCP server and tests). */
export { agentToolDefinitions, offlineAgentTools, findAgentTool, checkInput, runAgentTool, DEFAULT_RUN_ROWS, MAX_RUN_ROWS } from './agentTools';
export type { AgentToolDefinition, AgentToolName, JsonSchema } from './agentTools';
export { environmentWanted } from './agentContext';
export type { AgentEnvironment, AgentEnvironmentState, AgentToolContext, FetchXmlCapability, FetchXmlConversion, FetchXmlProblem } from './agentContext';
export { MAX_ANSWER_CHARS, redactSecrets, sizedAnswer, type AgentAnswer } from './answerText';
export { planReadOnlyQuery, type ReadOnlyPlan } from './readOnlyQuery';
export { fetchXmlCapability } from './fetchXmlWiring';

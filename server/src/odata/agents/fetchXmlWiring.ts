/**
 * The one place the agent tools get FetchXML from (server/src/odata/fetchxml/): conversion both ways and the
 * checker, for both doors (VS Code's language model tools and `dynamics-odata mcp`).
 */
import { convertQuery } from '../fetchxml/convert';
import { checkFetchXmlDocument } from '../fetchxml/embeddedFetchXml';
import type { FetchXmlCapability } from './agentContext';

export const fetchXmlCapability: FetchXmlCapability | undefined = {
  convert: ({ index, input, to }) => {
    const result = convertQuery({ model: index, input, to });
    return result.ok ? result : { ok: false, problems: result.problems.map((message) => ({ message })) };
  },
  check: ({ index, input }) =>
    checkFetchXmlDocument(input, index).map((d) => ({
      message: d.message,
      severity: d.severity,
      code: d.code,
      span: d.span,
      ...(d.suggestions ? { suggestions: d.suggestions } : {}),
    })),
};

/**
 * The one place the agent tools get FetchXML from. The FetchXML module (server/src/odata/fetchxml/) is
 * built separately; once it is merged, this becomes
 *   export const fetchXmlCapability: FetchXmlCapability | undefined = { convert: convertQuery, check: … };
 * and both doors (VS Code's language model tools and `dynamics-odata mcp`) convert and check FetchXML.
 */
import type { FetchXmlCapability } from './agentContext';

export const fetchXmlCapability: FetchXmlCapability | undefined = undefined;

// Sends an activity to a Bot Framework channel through a kept ConnectorClient's own HTTP pipeline, without the
// Azure operation machinery around it. botframework-connector's `conversations.replyToActivity`/`sendToConversation`
// go through @azure/core-client's `sendOperationRequest`: the URL built from a template, the body through the
// `Activity` mapper's generic serialiser (~50 properties visited per activity), the response through its deserialiser
// and botbuilder's compat wrappers — ~100–200 µs of CPU per reply here, about a tenth of Baton's server CPU per
// message.
//
// What goes on the wire is the same: the same URL (the operation's path, its parameters URI-encoded, appended to the
// service URL as core-client appends it), method, headers (content type and x-ms-conversation-id set here as the
// operation sets them; user agent, request id, accept, accept-encoding and the bearer token added by the client's
// pipeline, as before) and JSON body (the `Activity` mapper's output: `serializeActivity`, checked against the mapper
// in test/bot/channels/connector-send.test.ts). The request still goes through the connector client's pipeline, so
// botbuilder still signs it (its credentials and token cache), and retries, redirects, proxies (HTTPS_PROXY) and
// decompression stay botbuilder's. Answers as the operation answers: 200/201/202 give the ResourceResponse, any other
// status throws a RestError with the status code and the channel's error message.
import { createRequire } from 'node:module';
import type { CompositeMapper, Mapper } from '@azure/core-client';
import type {
  createPipelineRequest as CreatePipelineRequest,
  RestError as RestErrorClass,
} from '@azure/core-rest-pipeline';
import type { Activity, ResourceResponse } from 'botbuilder';

// botbuilder's own copies (its dependencies, not Baton's), as its ConnectorClient uses them
const requireFromBotbuilder = createRequire(createRequire(import.meta.url).resolve('botbuilder'));
const requireFromConnector = createRequire(requireFromBotbuilder.resolve('botframework-connector'));
const requireFromStdlib = createRequire(requireFromConnector.resolve('botbuilder-stdlib'));
const Mappers = requireFromConnector('botframework-connector/lib/connectorApi/models/mappers') as Record<
  string,
  CompositeMapper
>;
const { createSerializer } = requireFromConnector('botbuilder-stdlib').AzureCoreHttpCompat as {
  createSerializer: typeof import('@azure/core-client').createSerializer;
};
const { createPipelineRequest, RestError } = requireFromStdlib('@azure/core-rest-pipeline') as {
  createPipelineRequest: typeof CreatePipelineRequest;
  RestError: typeof RestErrorClass;
};

/** What Baton uses of botframework-connector's ConnectorClient (ServiceClientContext): its core-client client. */
export interface ConnectorClientLike {
  client: { sendRequest(request: ReturnType<typeof CreatePipelineRequest>): Promise<PipelineResponseLike> };
  baseUri?: string;
  requestContentType?: string;
}
interface PipelineResponseLike {
  status: number;
  headers: { get(name: string): string | undefined };
  bodyAsText?: string | null;
}

/** core-client's deserializationPolicy parses a body whose content type has one of these parts (not trimmed) */
const JSON_CONTENT_TYPES = ['application/json', 'text/json'];

const serializer = createSerializer(Mappers);
/** the operations' body parameter: the Activity mapper, required */
const activityMapper: CompositeMapper = { ...Mappers.Activity!, required: true };

type Compiled = (value: unknown) => unknown;
/** Marks a value the compiled serialiser does not handle: the mapper's serialiser does it. */
const FALLBACK = Symbol('fallback');

/**
 * The `Activity` mapper's serialisation, compiled once into a walk of its properties, for the values a reply has:
 * strings, booleans, numbers, `Object` properties (passed as they are, as the serialiser does) and the composite
 * accounts. A value of any other kind (a Date, a list, null, a mapper with flattening or polymorphism) falls back to
 * the mapper's own serialiser for the whole activity.
 */
function compile(mapper: Mapper): Compiled {
  const type = mapper.type as Omit<CompositeMapper['type'], 'name'> & { name: string };
  if (mapper.isConstant) return () => FALLBACK;
  switch (type.name) {
    case 'String':
      return (v) => (typeof v === 'string' ? v : FALLBACK);
    case 'Boolean':
      return (v) => (typeof v === 'boolean' ? v : FALLBACK);
    case 'Number':
      return (v) => (typeof v === 'number' ? v : FALLBACK);
    case 'Object':
      return (v) => v;
    case 'Composite': {
      const model = type.className ? Mappers[type.className] : undefined;
      const props = (model?.type ?? type).modelProperties;
      if (!props || type.polymorphicDiscriminator || type.additionalProperties || model?.type.additionalProperties)
        return () => FALLBACK;
      if (Object.values(props).some((p) => p.serializedName && /(?<!\\)\./.test(p.serializedName)))
        return () => FALLBACK;
      const fields: [string, string, Compiled | null][] = Object.entries(props)
        .filter(([, p]) => !p.readOnly)
        .map(([key, p]) => [key, p.serializedName ?? key, null]);
      const resolved = () => {
        for (const f of fields) f[2] ??= compile(props[f[0]]!);
      };
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return FALLBACK;
        resolved();
        const out: Record<string, unknown> = {};
        for (const [key, name, ser] of fields) {
          const value = (v as Record<string, unknown>)[key];
          if (value === undefined) continue;
          const s = ser!(value);
          if (s === FALLBACK) return FALLBACK;
          out[name] = s;
        }
        return out;
      };
    }
    default:
      return () => FALLBACK;
  }
}

const compiledActivity = compile(activityMapper);

/** The JSON body botframework-connector sends for this activity (the `Activity` mapper's serialisation). */
export function serializeActivity(activity: Partial<Activity>, fast = true): string {
  const payload = fast ? compiledActivity(activity) : FALLBACK;
  if (payload !== FALLBACK) return JSON.stringify(payload);
  try {
    return JSON.stringify(serializer.serialize(activityMapper, activity, 'activity'));
  } catch (e) {
    // as core-client's serializationPolicy words it
    throw new Error(
      `Error "${(e as Error).message}" occurred in serializing the payload - ${JSON.stringify(activityMapper.serializedName, undefined, '  ')}.`,
      { cause: e },
    );
  }
}

/** core-client's appendPath: the operation's path after the service URL's own. */
function appendPath(base: string, path: string): string {
  const url = new URL(base);
  let pathname = url.pathname;
  if (!pathname.endsWith('/')) pathname = `${pathname}/`;
  Object.assign(url, { pathname: pathname + path });
  return url.toString();
}

/**
 * Posts the activity as `conversations.replyToActivity` (with a `replyToId`) or `sendToConversation` (without)
 * would, through the client's pipeline.
 */
export async function sendActivityVia(
  connector: ConnectorClientLike,
  activity: Partial<Activity>,
): Promise<ResourceResponse> {
  const conversationId = activity.conversation?.id;
  if (conversationId === undefined || conversationId === null)
    throw new Error('conversationId cannot be null or undefined.');
  const base = connector.baseUri ?? 'https://api.botframework.com';
  const path =
    `v3/conversations/${encodeURIComponent(conversationId)}/activities` +
    (activity.replyToId ? `/${encodeURIComponent(activity.replyToId)}` : '');
  const request = createPipelineRequest({
    url: appendPath(base, path),
    method: 'POST',
    body: serializeActivity(activity),
    allowInsecureConnection: base.toLowerCase().startsWith('http:'),
  });
  request.headers.set('Content-Type', connector.requestContentType ?? 'application/json; charset=utf-8');
  // the replyToActivity operation's header parameter (sendToConversation has none)
  if (activity.replyToId) request.headers.set('x-ms-conversation-id', conversationId);
  request.streamResponseStatusCodes = new Set();
  const response = await connector.client.sendRequest(request);
  const text = response.bodyAsText ?? '';
  const contentType = (response.headers.get('content-type') ?? '').split(';').map((c) => c.toLowerCase());
  let parsed: unknown;
  try {
    parsed = text && contentType.some((c) => JSON_CONTENT_TYPES.includes(c)) ? JSON.parse(text) : undefined;
  } catch (e) {
    throw new RestError(`Error "${String(e)}" occurred while parsing the response body - ${text}.`, {
      code: RestError.PARSE_ERROR,
      statusCode: response.status,
      request,
      response: response as never,
    });
  }
  if (response.status === 200 || response.status === 201 || response.status === 202) {
    const id = (parsed as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? { id } : ({} as ResourceResponse);
  }
  // as core-client's deserializationPolicy: the body's text, or the ErrorResponse's code and message
  const error = new RestError(text, { statusCode: response.status, request, response: response as never });
  const detail = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof detail?.code === 'string') error.code = detail.code;
  if (typeof detail?.message === 'string') error.message = detail.message;
  throw error;
}

// One Bot Framework connector client per service URL, reused. botbuilder's CloudAdapter asks its authentication for
// a new ConnectorClient (an Azure HTTP pipeline, its own HTTP agent, so a new TCP connection) and a new
// UserTokenClient on every turn and every proactive send: ~0.5 ms of CPU each here, three times per customer message
// (the inbound turn, the typing indicator, the reply). This authentication keeps them.
//
// Auth stays per request: each inbound request is still authenticated (its JWT checked) before its turn, and a kept
// client signs each outgoing request with a token taken from botbuilder's token cache (refreshed there before it
// expires), as a new client would. A client is kept per (app id, service URL, audience): the credentials it holds
// depend on the app id and the audience only.
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type ClaimsIdentity = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;
type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/** How many clients are kept (service URLs are a few per cloud channel; the least recently used goes first). */
export const KEPT_CLIENTS = 100;

/** The app id botframework-connector creates a turn's clients for: the `aud` claim, else `appid` (its getAppId). */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue('aud') ?? claims.getClaimValue('appid') ?? '';
}

/** A promise per key, at most `max` of them; a rejected one is dropped, so the next call tries again. */
class Kept<T> {
  private readonly entries = new Map<string, Promise<T>>();
  constructor(private readonly max: number) {}

  get(key: string, create: () => Promise<T>): Promise<T> {
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, found);
      return found;
    }
    const made = create();
    this.entries.set(key, made);
    made.catch(() => {
      if (this.entries.get(key) === made) this.entries.delete(key);
    });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return made;
  }

  get size(): number {
    return this.entries.size;
  }
}

export class ReusingBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new Kept<ConnectorClient>(KEPT_CLIENTS);
  private readonly tokenClients = new Kept<UserTokenClient>(KEPT_CLIENTS);

  override async authenticateRequest(
    activity: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>[0],
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: this.reusing(appIdOf(result.claimsIdentity), result.connectorFactory) };
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(appIdOf(claimsIdentity), super.createConnectorFactory(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.tokenClients.get(appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  /** Connector clients kept now (tests). */
  get keptClients(): number {
    return this.connectors.size;
  }

  private reusing(appId: string, factory: ConnectorFactory): ConnectorFactory {
    const { connectors } = this;
    return {
      create: (serviceUrl: string, audience?: string) =>
        connectors.get(JSON.stringify([appId, serviceUrl, audience ?? null]), () =>
          factory.create(serviceUrl, audience),
        ),
    };
  }
}

// The actions client of each organization session. Its token is its own; its request budget is the one the
// session's integrations client spends (one per OAuth client at one API host: the platform counts requests per
// client-credentials token), or, for a session that has none, one per OAuth client here.
import {
  createActionsClient,
  createRequestBudget,
  type ActionsClient,
  type PlatformClientOptions,
  type RequestBudget,
} from '../platform/index.ts';

export interface ActionClientRequest {
  /** The session's key and fingerprint: a rebuilt session gets a new client. */
  readonly sessionKey: string;
  readonly fingerprint: string;
  readonly options: Pick<PlatformClientOptions, 'endpoints' | 'clientId' | 'clientSecret'>;
  readonly requestsPerMinute: number;
  /** The budget the session's integrations client spends; the actions client spends the same one. */
  readonly budget?: RequestBudget | undefined;
}

export class ActionClients {
  private readonly clients = new Map<string, { fingerprint: string; client: ActionsClient }>();
  private readonly budgets = new Map<string, RequestBudget>();

  constructor(private readonly extra: Partial<PlatformClientOptions> = {}) {}

  clientFor(request: ActionClientRequest): ActionsClient {
    const existing = this.clients.get(request.sessionKey);
    if (existing?.fingerprint === request.fingerprint) return existing.client;
    const budgetKey = JSON.stringify([request.options.endpoints.apiBaseUrl, request.options.clientId]);
    let budget = request.budget ?? this.budgets.get(budgetKey);
    if (budget === undefined) {
      budget = createRequestBudget({ ...this.extra, requestsPerMinute: request.requestsPerMinute });
      this.budgets.set(budgetKey, budget);
    }
    // A shared budget's rate is the lowest any session of its OAuth client asks for (OrgSessions sets it).
    if (request.budget === undefined) budget.setRate(request.requestsPerMinute);
    const client = createActionsClient({ ...request.options, budget, ...this.extra });
    this.clients.set(request.sessionKey, { fingerprint: request.fingerprint, client });
    return client;
  }
}

// The actions client of each organization session. Its token is its own; its request budget is one per
// OAuth client at one API host, at the organization's requestsPerMinute, apart from the integrations
// client's budget (OrgSessions keeps that one private).
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
}

export class ActionClients {
  private readonly clients = new Map<string, { fingerprint: string; client: ActionsClient }>();
  private readonly budgets = new Map<string, RequestBudget>();

  constructor(private readonly extra: Partial<PlatformClientOptions> = {}) {}

  clientFor(request: ActionClientRequest): ActionsClient {
    const existing = this.clients.get(request.sessionKey);
    if (existing?.fingerprint === request.fingerprint) return existing.client;
    const budgetKey = JSON.stringify([request.options.endpoints.apiBaseUrl, request.options.clientId]);
    let budget = this.budgets.get(budgetKey);
    if (budget === undefined) {
      budget = createRequestBudget({ ...this.extra, requestsPerMinute: request.requestsPerMinute });
      this.budgets.set(budgetKey, budget);
    }
    budget.setRate(request.requestsPerMinute);
    const client = createActionsClient({ ...request.options, budget, ...this.extra });
    this.clients.set(request.sessionKey, { fingerprint: request.fingerprint, client });
    return client;
  }
}

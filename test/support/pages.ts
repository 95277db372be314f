/** Anything that answers GraphQL: the in-process TestServer or a child process. */
export interface GraphQLClient {
  ok(query: string, variables?: Record<string, unknown>): Promise<any>;
}

export interface LoggedEvent {
  sequence: number;
  toStage: string | null;
}

/** The stage the events lead to: the target of the last one that moved the stage. */
export function stageAfter(events: readonly LoggedEvent[]): string | undefined {
  return events
    .map((event) => event.toStage)
    .filter((stage): stage is string => stage !== null)
    .at(-1);
}

/** Every event of the log, or of one agreement, page by page. */
export async function allEvents(
  client: GraphQLClient,
  agreementId?: string,
): Promise<LoggedEvent[]> {
  const nodes: LoggedEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const { events } = await client.ok(
      `query ($id: ID, $after: String) { events(agreementId: $id, first: 100, after: $after) {
         pageInfo { hasNextPage endCursor } edges { node { sequence toStage } } } }`,
      { id: agreementId, after },
    );
    nodes.push(...events.edges.map((edge: { node: LoggedEvent }) => edge.node));
    if (!events.pageInfo.hasNextPage) return nodes;
    after = events.pageInfo.endCursor;
  }
}

/** Every agreement's id, stage and version, page by page. */
export async function allAgreements(
  client: GraphQLClient,
): Promise<{ id: string; stage: string; version: number }[]> {
  const nodes: { id: string; stage: string; version: number }[] = [];
  let after: string | null = null;
  for (;;) {
    const { agreements } = await client.ok(
      `query ($after: String) { agreements(first: 100, after: $after) {
         pageInfo { hasNextPage endCursor } edges { node { id stage version } } } }`,
      { after },
    );
    nodes.push(...agreements.edges.map((edge: { node: (typeof nodes)[number] }) => edge.node));
    if (!agreements.pageInfo.hasNextPage) return nodes;
    after = agreements.pageInfo.endCursor;
  }
}

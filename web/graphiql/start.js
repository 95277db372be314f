// @ts-check
/**
 * Starts Ratify's GraphiQL (src/graphiql/graphiql.controller.ts serves it): Monaco's workers
 * from this server, queries and mutations over HTTP, subscriptions over graphql-ws, both with
 * the headers of GraphiQL's header editor (a token goes to the WebSocket as
 * `connectionParams.authorization`, the way Ratify reads it there).
 */
(function () {
  'use strict';

  const options = JSON.parse(document.getElementById('graphiql-options')?.textContent ?? '{}');
  const endpoint = new URL(options.endpoint, location.href);
  const socketUrl = endpoint.href.replace(/^http/, 'ws');

  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: (/** @type {string} */ _moduleId, /** @type {string} */ label) =>
      options.workers[label],
  };

  /** The value of header `name` in GraphiQL's headers, whatever its case. */
  function header(/** @type {Record<string, unknown>} */ headers, /** @type {string} */ name) {
    const key = Object.keys(headers).find((key) => key.toLowerCase() === name);
    return key === undefined ? undefined : String(headers[key]);
  }

  /** One WebSocket for the current Authorization; a new one when it changes. */
  let socket = { authorization: /** @type {string | undefined} */ (undefined), client: null };
  function socketClient(/** @type {string | undefined} */ authorization) {
    if (!socket.client || socket.authorization !== authorization) {
      socket.client?.dispose();
      socket = {
        authorization,
        client: graphqlWs.createClient({
          url: socketUrl,
          lazy: true,
          connectionParams: authorization ? { authorization } : {},
          // A refused token (4403) or too many attempts (4429) would only be refused again.
          shouldRetry: (/** @type {any} */ event) => ![4403, 4429].includes(event?.code),
        }),
      };
    }
    return socket.client;
  }

  /** The operation GraphiQL runs: the one named, or the only one. */
  function operationOf(params, documentAST) {
    return documentAST?.definitions.find(
      (definition) =>
        definition.kind === 'OperationDefinition' &&
        (!params.operationName || definition.name?.value === params.operationName),
    );
  }

  /** A subscription's results; a closed WebSocket as an error GraphiQL can show. */
  async function* subscribe(client, params) {
    try {
      yield* client.iterate(params);
    } catch (error) {
      if (typeof error?.code === 'number') {
        throw new Error(`The WebSocket closed: ${error.code} ${error.reason ?? ''}`.trim());
      }
      throw error;
    }
  }

  async function fetcher(params, fetcherOptions) {
    const headers = fetcherOptions?.headers ?? {};
    if (operationOf(params, fetcherOptions?.documentAST)?.operation === 'subscription') {
      return subscribe(socketClient(header(headers, 'authorization')), params);
    }
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        accept: 'application/graphql-response+json, application/json',
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(params),
    });
    return response.json();
  }

  const script = document.createElement('script');
  script.src = options.bundle;
  script.onload = () =>
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('graphiql'), {
      title: 'Ratify GraphiQL',
      logo: '',
      defaultQuery: options.defaultQuery,
      // The token is not kept past the tab: a GraphiQL left open on a shared machine keeps none.
      shouldPersistHeaders: false,
      fetcher,
    });
  document.head.appendChild(script);
})();

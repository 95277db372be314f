// Baseline `bare-apollo`: @apollo/server standalone on Ratify's own schema (schema.gql), its
// root fields answering the same data from memory. What Apollo costs without Nest, TypeORM or
// SQL. Env: PORT, FIXTURE_FILE (a GraphQL response `{ data }` recorded from Ratify).
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const fixture = JSON.parse(readFileSync(process.env.FIXTURE_FILE!, 'utf8')) as {
  data: Record<string, unknown>;
};
const Query = Object.fromEntries(
  Object.entries(fixture.data).map(([field, value]) => [field, () => value]),
);
const server = new ApolloServer({
  typeDefs: readFileSync('schema.gql', 'utf8'),
  resolvers: { Query },
  includeStacktraceInErrorResponses: false,
});
await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
});

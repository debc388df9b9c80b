// GraphiQL on this service's /graphql, with a first query to run.
/* global React, ReactDOM, GraphiQL */
const DEFAULT_QUERY = `# The agreements of a state on a date; press the run button (or Ctrl-Enter).
{
  agreements(filter: { state: ["FL"], status: [ACTIVE] }, first: 5) {
    totalCount
    edges { node { id signedOn agency { name } model { name } } }
  }
}
`;

const fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).href });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: DEFAULT_QUERY, shouldPersistHeaders: false }),
);

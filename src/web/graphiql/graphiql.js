// GraphiQL against this server: queries over HTTP, subscriptions over graphql-ws on the same path. The bearer token
// comes from the page's #token=… (then kept in localStorage, shared with the dashboard) or the Headers tab.
(function () {
  var fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) localStorage.setItem('funnel-token', fromHash);
  var token = localStorage.getItem('funnel-token');
  var headers = token
    ? { Authorization: 'Bearer ' + token }
    : { Authorization: 'Bearer <paste the token npm start printed>' };
  var fetcher = GraphiQL.createFetcher({
    url: location.origin + '/graphql',
    headers: token ? { Authorization: 'Bearer ' + token } : {},
    subscriptionUrl: location.origin.replace(/^http/, 'ws') + '/graphql',
    wsConnectionParams: token ? { authorization: 'Bearer ' + token } : undefined,
  });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: JSON.stringify(headers, null, 2),
      defaultQuery:
        '# The revenue funnel API. Try:\n{\n  me { email role }\n  kpis(input: { from: "2026-01-01T00:00:00Z", to: "2026-04-01T00:00:00Z" }) {\n    leads mqls sqls wonDeals revenue winRate { numerator denominator value }\n  }\n}\n',
      shouldPersistHeaders: true,
    }),
  );
})();

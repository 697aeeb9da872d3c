// Starts GraphiQL (the vendored 4.x UMD build) on this page. Everything it needs is served by this
// binary: the schema comes from /schema.graphql (so the Docs pane does not depend on an introspection
// query) and the example queries from the README, embedded in the page as JSON.
(function () {
  'use strict';
  var h = React.createElement;
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var examples = [];
  try {
    examples = JSON.parse(document.getElementById('tp-examples').textContent);
  } catch (e) {
    examples = [];
  }

  function ExamplesIcon() {
    return h('svg', { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': 'true' },
      h('path', { d: 'M4 5h16M4 10h16M4 15h10M4 20h7', strokeLinecap: 'round' }));
  }

  function ExamplesPane() {
    var setQuery = GraphiQL.React.useOperationsEditorState()[1];
    return h('section', { className: 'tp-examples', 'aria-label': 'Example queries' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Examples'),
      h('p', null, 'The example queries from the README. Pick one, then run it with ▶ (Ctrl-Enter).'),
      h('ul', null, examples.map(function (example, i) {
        return h('li', { key: i },
          h('button', {
            type: 'button',
            className: 'tp-example',
            'data-example': String(i),
            onClick: function () { setQuery(example.query); }
          }, example.title));
      })));
  }

  var examplesPlugin = { title: 'Examples', icon: ExamplesIcon, content: ExamplesPane };

  function render(schema) {
    var props = {
      fetcher: GraphiQL.createFetcher({ url: '/graphql' }),
      plugins: [examplesPlugin],
      visiblePlugin: examplesPlugin,
      defaultQuery: examples.length ? examples[0].query : '{ __typename }\n',
      shouldPersistHeaders: false
    };
    if (schema) props.schema = schema;
    root.render(h(GraphiQL, props));
  }

  fetch('/schema.graphql', { headers: { Accept: 'text/plain' } })
    .then(function (response) {
      if (!response.ok) throw new Error('GET /schema.graphql answered ' + response.status);
      return response.text();
    })
    .then(function (sdl) { render(GraphiQL.GraphQL.buildSchema(sdl)); })
    .catch(function (error) {
      // Fall back to GraphiQL's own introspection query.
      if (window.console) console.warn('could not load /schema.graphql:', error);
      render(null);
    });
})();

// Loaded on pages with widgets, after require.js and before embed-amd.js (see _config.yml).
(function () {
  // 1. The embed manager's fonts sit next to this script. It finds them through the URL
  //    RequireJS gives its module, and through this global; without both it asks beside the page.
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  window.__jupyter_widgets_assets_path__ = here;
  window.requirejs.config({ paths: { "@jupyter-widgets/html-manager/dist": here.slice(0, -1) } });

  // 2. ipywidgets 8 typesets labels with MathJax 2's MathJax.Hub.Queue; the book loads MathJax 3.
  //    Give MathJax 3 that one method (it replaces the global config object when it starts).
  var config = window.MathJax;
  if (!config) return; // no maths on this page, so no MathJax: widgets skip typesetting
  var waiting = [];
  function typeset(elements) {
    var mj = window.MathJax;
    if (!mj.typesetPromise) return void waiting.push.apply(waiting, elements);
    mj.startup.promise = mj.startup.promise.then(function () { return mj.typesetPromise(elements); });
  }
  var hub = { Queue: function (job) { typeset([job[2]]); } }; // job: ["Typeset", Hub, element]
  config.Hub = hub;
  config.startup = config.startup || {};
  var ready = config.startup.ready;
  config.startup.ready = function () {
    if (ready) ready(); else window.MathJax.startup.defaultReady();
    window.MathJax.Hub = hub;
    if (waiting.length) typeset(waiting.splice(0));
  };
})();

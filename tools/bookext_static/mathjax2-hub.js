// The Jupyter widget manager (embed.js) typesets widget labels with the MathJax 2 call
// MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the book serves MathJax 3, which
// has no Hub. This file (loaded after MathJax 3, see tools/bookext.py) maps that one call
// onto MathJax 3's typesetPromise.
(function () {
  "use strict";
  const mathjax = window.MathJax;
  if (!mathjax || !mathjax.version || mathjax.Hub) {
    return;
  }
  mathjax.Hub = {
    Queue: function (...jobs) {
      for (const job of jobs) {
        if (Array.isArray(job) && job[0] === "Typeset" && job[2]) {
          mathjax.startup.promise.then(() => mathjax.typesetPromise([job[2]]));
        }
      }
    },
  };
})();

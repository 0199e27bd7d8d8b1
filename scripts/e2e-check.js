// Injected into a copy of report.html by scripts/e2e-report.sh (the report itself has no scripts).
// After layout, it writes its verdict into the page, which chromium's --dump-dom then prints:
// charts that did not render, elements whose text overflows their box, script errors, and, when
// the page's URL has #no1983, any "1983" in the report's wording (the provenance's code excluded).
(function () {
  var problems = [];
  window.addEventListener('error', function (e) { problems.push('script error: ' + e.message); });
  function check() {
    var svgs = document.querySelectorAll('figure svg');
    svgs.forEach(function (s, i) {
      var r = s.getBoundingClientRect();
      if (r.width < 100 || r.height < 50 || s.querySelectorAll('path, text').length < 10) {
        problems.push('chart ' + (i + 1) + ' did not render (' + Math.round(r.width) + 'x' + Math.round(r.height) + ')');
      }
      // Text drawn outside the chart's own box is clipped. The box of a text element is its font's
      // line box, which for a label set flush with the edge pokes out by a few pixels of ascent
      // and side bearing while every glyph is drawn: allow 4 px.
      var box = s.getBoundingClientRect(), tol = 4;
      s.querySelectorAll('text').forEach(function (t) {
        var b = t.getBoundingClientRect();
        if (b.width > 0 && (b.left < box.left - tol || b.right > box.right + tol || b.top < box.top - tol || b.bottom > box.bottom + tol)) {
          problems.push('chart ' + (i + 1) + ': label "' + t.textContent.slice(0, 40) + '" is clipped');
        }
      });
    });
    document.querySelectorAll('body *').forEach(function (el) {
      if (el.closest('svg') || el.tagName === 'SCRIPT' || el.tagName === 'STYLE') return;
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') {
        problems.push('text overflows its box: <' + el.tagName.toLowerCase() + '> "' + el.textContent.trim().slice(0, 60) + '"');
      }
      if (el.children.length === 0 && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
        problems.push('text overflows its box: <' + el.tagName.toLowerCase() + '> "' + el.textContent.trim().slice(0, 60) + '"');
      }
    });
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      problems.push('page is wider than the window: ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
    }
    if (location.hash === '#no1983') {
      var clone = document.body.cloneNode(true);
      clone.querySelectorAll('code, script, #e2e-result').forEach(function (c) { c.remove(); });
      var text = clone.textContent + ' ' + Array.from(document.querySelectorAll('svg text')).map(function (t) { return t.textContent; }).join(' ');
      var i = text.indexOf('1983');
      if (i >= 0) problems.push('"1983" in the wording: "...' + text.slice(Math.max(0, i - 40), i + 20).replace(/\s+/g, ' ') + '..."');
    }
    var pre = document.createElement('pre');
    pre.id = 'e2e-result';
    pre.textContent = problems.length ? 'E2E-FAIL\n' + problems.join('\n') : 'E2E-OK ' + svgs.length + ' charts';
    document.body.appendChild(pre);
  }
  window.addEventListener('load', check);
})();

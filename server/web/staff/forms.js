// The print pages of dossiers (web/dossier/*.html): the "In phiếu" button
// prints the page. It stays hidden until this script runs, so a page whose
// script did not load shows no dead button; forms.css hides it on paper.
// No inline script: the pages run under script-src 'self'.
(function () {
  'use strict';
  var buttons = document.querySelectorAll('button.print');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener('click', function () { window.print(); });
  }
})();

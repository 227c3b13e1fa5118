// The web chat works without this file: every answer is a plain form post.
// With it, an answer is posted in the background and only the page's content is
// redrawn; focus moves to the question now waiting (for screen readers too), a
// button cannot be pressed twice, and reloading the page shows it as it stands.
"use strict";

(function () {
  var busy = false;

  function waiting() {
    return document.getElementById("answer") || document.getElementById("waiting-text");
  }

  // `url`: where the page came from, the chat's own address (under the site's path
  // prefix, with its workshop), so that reloading shows the same conversation.
  function show(html, url) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var main = page.getElementById("main");
    if (!main) {
      // Not a page of ours (a proxy's error): shown whole, as a plain post would show it.
      document.replaceChild(document.adoptNode(page.documentElement), document.documentElement);
      return;
    }
    // The language may have changed: the header, the tab's title and the page's language too.
    var header = page.querySelector("header");
    if (header) { document.querySelector("header").replaceWith(document.adoptNode(header)); }
    document.getElementById("main").replaceWith(document.adoptNode(main));
    document.documentElement.lang = page.documentElement.lang;
    document.title = page.title;
    history.replaceState(null, "", url);
    var target = waiting() || document.getElementById("main");
    target.focus({ preventScroll: true });
    // What is new (a refusal, the next question) at the top of the screen, as without scripts.
    (document.querySelector(".now") || target).scrollIntoView({ block: "start" });
  }

  function postPlainly(form, submitter) {
    busy = false;
    form.dataset.plain = "1";
    form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    if (submitter) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.plain) { return; }
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    var data = new FormData(form, event.submitter);
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    // Not form.action: a button named "action" hides that property. The header asks for
    // the page itself, not the redirect a plain post gets (app.py, SCRIPT_HEADER).
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new URLSearchParams(data),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        return response.text().then(function (html) { return { html: html, url: response.url }; });
      })
      .then(function (answer) {
        // The server answered, whatever it said (the next question, "wait a few seconds"):
        // that page is shown. Posting the form again would send the answer twice.
        busy = false;
        show(answer.html, answer.url);
      }, function () {
        // No answer at all (the network): the plain form post is still there.
        postPlainly(form, event.submitter);
      });
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.id === "resume-link") { event.target.select(); }
  });
})();

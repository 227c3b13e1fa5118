// The web chat works without this file: every answer is a plain form post.
// With it, an answer is posted in the background and only the page's content is
// redrawn; focus moves to the question now waiting (for screen readers too), or to what
// the page says above it (a tap not taken, the thanks, "my data"), a button cannot be
// pressed twice, a double tap does not answer the next question too,
// and reloading the page shows it as it stands.
// It also keeps what is typed in a question's field until that answer is taken (a
// footer button redraws the page), counts the characters near the field's limit, and
// copies the resume link; it forgets those typed answers with the person (handover.py).
// The phone's own Back button goes one question back, as "← Retour" does.
// Each page it draws is announced ("surveybot:drawn") for choices.js.
// An answer on its way is said to be sending; one that gets no answer in 15 seconds, or
// none at all (offline), is said not to have gone, in the page, its form ready to be sent
// again.
"use strict";

(function () {
  var busy = false;
  var DRAFT = "surveybot-draft:";
  var sent = null; // the draft of the answer just sent, forgotten once it is taken
  var unanswered = null; // the form sent whose reply never came, and what it sent
  // When the last redraw put its buttons on screen, and when and how the last press began
  // (event time stamps, as `performance.now()`).
  var drawn = -Infinity;
  var pressed = { at: -Infinity, type: "" };
  var READING = 400;

  // A delivery id as the server writes them (bot/web/identity.py): negative, 18 digits.
  function fresh() {
    var digits = crypto.getRandomValues(new Uint8Array(18));
    return "-" + Array.prototype.map.call(digits, function (d, i) {
      return String(i === 0 ? 1 + (d % 9) : d % 10);
    }).join("");
  }

  // A typed answer, kept in this tab until taken: by the question's step as its form
  // carries it, so it comes back on that question and no other, even asked again after a
  // "Retour" (a new sequence number).
  function draftKey(form) {
    var step = form && form.querySelector("input[name=step]");
    return step ? DRAFT + step.value : null;
  }

  function store(key, value) {
    try {
      if (value) { sessionStorage.setItem(key, value); } else { sessionStorage.removeItem(key); }
    } catch (e) { /* storage refused (private mode, full): the draft is only not kept */ }
  }

  function stored(key) {
    try { return sessionStorage.getItem(key); } catch (e) { return null; }
  }

  // Every typed answer kept in this tab: when its person is forgotten (the device handed
  // to the next person, or their answers erased), so that no one else finds them.
  function forgetDrafts() {
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf(DRAFT) === 0) { sessionStorage.removeItem(key); }
      }
    } catch (e) { /* storage refused: nothing was kept */ }
  }

  function field() {
    var answer = document.getElementById("answer");
    return answer && answer.name === "text" ? answer : null;
  }

  // "812 / 1 000 caractères" from 80 % of the limit; over it, a warning, said once. The
  // answer is still sent: the server refuses it with its reason and gives it back. A
  // screen reader hears "812 sur 1 000 caractères" (not "812 barre oblique 1 000"), with
  // the field while the count is shown, and nothing of it before.
  function count(answer) {
    var limit = parseInt(answer.dataset.limit || "", 10);
    var shown = document.getElementById("answer-count");
    if (!limit || !shown) { return; }
    var n = counted(answer.value);
    var lang = document.documentElement.lang || undefined;
    var over = n > limit;
    function filled(words) {
      return words
        .replace("{n}", n.toLocaleString(lang))
        .replace("{limit}", limit.toLocaleString(lang));
    }
    var words = over ? answer.dataset.over : answer.dataset.count;
    var spoken = (over ? answer.dataset.overSaid : answer.dataset.countSaid) || words;
    shown.hidden = n < limit * 0.8;
    shown.textContent = filled(words);
    var about = document.getElementById("answer-count-about");
    if (about) { about.textContent = shown.hidden ? "" : filled(spoken); }
    if (over !== shown.classList.contains("over")) {
      shown.classList.toggle("over", over);
      // Said once when the limit is passed, not at every key typed beyond it.
      var said = document.getElementById("answer-count-said");
      if (said) { said.textContent = over ? filled(spoken) : ""; }
    }
  }

  // Characters as the server counts them (flows/typed_text.py, `clean_text`, then Python's
  // len): composed (NFC), without control characters (a line break is one: the "\r" a
  // browser sends before it is dropped), without blanks around, one per code point (an
  // emoji is one, not the two UTF-16 units of `value.length`).
  function counted(value) {
    var text = value.normalize ? value.normalize("NFC") : value;
    return Array.from(text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "").trim()).length;
  }

  // What the page needs from this file, after each load and redraw.
  function prepare() {
    // choices.js sets the page's boxes and lists as its choices require.
    document.dispatchEvent(new CustomEvent("surveybot:drawn"));
    if (document.querySelector("#main .goodbye")) { forgetDrafts(); }
    var answer = field();
    if (answer) {
      var key = draftKey(answer.form);
      var draft = key && stored(key);
      if (draft && draft !== answer.value) { answer.value = draft; }
      if (answer.dataset.limit && !document.getElementById("answer-count")) {
        var shown = document.createElement("p");
        shown.id = "answer-count";
        shown.className = "count";
        shown.hidden = true;
        // Seen only: heard in words, as the field's description (the hidden line below)
        // and, when over, said aloud by the live line after it.
        shown.setAttribute("aria-hidden", "true");
        answer.insertAdjacentElement("afterend", shown);
        var heard = document.createElement("p");
        heard.id = "answer-count-about";
        heard.hidden = true;
        shown.insertAdjacentElement("afterend", heard);
        var said = document.createElement("p");
        said.id = "answer-count-said";
        said.className = "visually-hidden";
        said.setAttribute("aria-live", "polite");
        heard.insertAdjacentElement("afterend", said);
        var about = answer.getAttribute("aria-describedby");
        answer.setAttribute("aria-describedby", (about ? about + " " : "") + heard.id);
      }
      count(answer);
    }
    var copy = document.getElementById("copy-link");
    if (copy) { copy.hidden = false; }
  }

  function say(text) {
    var status = document.getElementById("copy-status");
    if (!status) { return; }
    status.textContent = "";
    // A moment later, so that the same words said twice are said twice.
    setTimeout(function () { status.textContent = text; }, 50);
  }

  function copyLink(button) {
    var link = document.getElementById("resume-link");
    if (!link) { return; }
    function selectIt() {
      link.focus();
      link.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      say(copied ? button.dataset.copied : button.dataset.selected);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(link.value).then(function () {
        say(button.dataset.copied);
      }, selectIt);
    } else {
      selectIt();
    }
  }

  // What takes the focus as a question opens, refused or not (the page without scripts
  // focuses the same): its text field, described by the refusal; else the question's
  // text, in the group the refusal describes. The refusal itself is not focused: its
  // role="alert" says it as it appears, and a focus on it would say it a second time.
  function waiting() {
    return document.getElementById("answer") || document.getElementById("waiting-text");
  }

  // What the page says above its question, to be heard before it (chat.html's `data-heard`:
  // a note such as "this button is no longer active", which means what was tapped was not
  // taken; the thanks above the summary; "my data"): focused, and read on from, so a screen
  // reader does not start below it. Its alerts are no longer alerts: the focus says them, an
  // alert would say them twice.
  function heard(main) {
    var first = main.querySelector(".now [data-heard]");
    var asked = main.querySelector("#waiting");
    if (!first || (asked && !(first.compareDocumentPosition(asked) & Node.DOCUMENT_POSITION_FOLLOWING))) {
      return null;
    }
    first.querySelectorAll("[role=alert]").forEach(function (alert) { alert.removeAttribute("role"); });
    return first;
  }

  // The question's progress ("Question 5 sur 12") is said with what takes the focus: the
  // question's text here, so not again with the first box to tick, the first list or
  // "Continuer", which describe it for a page opened without this file (chat.html).
  function saidOnce(question) {
    if (!/(^| )progress( |$)/.test(question.getAttribute("aria-describedby") || "")) { return; }
    var first = document.querySelector("#waiting [autofocus][aria-describedby]");
    if (!first || first === question) { return; }
    var rest = first.getAttribute("aria-describedby").split(" ").filter(function (id) {
      return id && id !== "progress";
    });
    if (rest.length) {
      first.setAttribute("aria-describedby", rest.join(" "));
    } else {
      first.removeAttribute("aria-describedby");
    }
  }

  // `url`: where the page came from, the chat's own address (under the site's path
  // prefix, with its workshop), so that reloading shows the same conversation.
  // `taken`: the server read the post (not "too many requests", not "too long"), so a
  // draft sent and not asked for again was taken.
  function show(html, url, taken) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var main = page.getElementById("main");
    if (!main) {
      // Not a page of ours (a proxy's error): shown whole, as a plain post would show it.
      document.replaceChild(document.adoptNode(page.documentElement), document.documentElement);
      return;
    }
    // Not taken: sent for a question another tab or device had moved on from. The page
    // says where the person is; the text stays for its question, to come back to it.
    var untaken = main.hasAttribute("data-untaken");
    // The language may have changed: the header, the tab's title and the page's language too.
    var said = heard(main);
    var header = page.querySelector("header");
    if (header) { document.querySelector("header").replaceWith(document.adoptNode(header)); }
    document.getElementById("main").replaceWith(document.adoptNode(main));
    document.documentElement.lang = page.documentElement.lang;
    document.title = page.title;
    above(url);
    drawn = performance.now();
    // Taken: the page asks something else. Refused before it was read (429, 413: nothing
    // saved), it stays, for the question when the refusal's link brings it back.
    // A command typed ("/aide"), answered by a note above the same question: not an answer
    // to keep. (A refused answer beginning with "/" comes back in the field from the server.)
    var command = sent && /^\s*\/\S*\s*$/.test(stored(sent) || "");
    if (sent && taken && !untaken && (command || draftKey(field() && field().form) !== sent)) {
      store(sent, "");
    }
    sent = null;
    prepare();
    // An answer changed from the summary: the summary opens at it, not at its top (without
    // scripts, the redirect's #entry-… does it).
    var changed = document.querySelector(".summary .changed");
    var target = changed || said || waiting() || document.getElementById("main");
    target.focus({ preventScroll: true });
    if (target.id === "waiting-text") { saidOnce(target); }
    // What is new (a refusal, the next question) at the top of the screen, as without scripts.
    (changed || document.querySelector(".now") || target).scrollIntoView({ block: "start" });
  }

  // The phone's Back button steps back a question, as "← Retour" does. Here the whole
  // conversation is one page of the history, so Back used to leave the questionnaire. Each
  // page drawn after a press stands on an entry of the history above the page's own (one,
  // never more, added by that press: browsers skip entries added without one). Back lands
  // on the page's own entry: the question's "← Retour" is pressed, and the page it brings
  // adds the entry above again. Where there is no "← Retour" (the notice, the first
  // question, the end), the browser goes on back, out of the chat, as before.
  var ABOVE = { surveybot: "above" };

  function isAbove(state) {
    return Boolean(state && state.surveybot === ABOVE.surveybot);
  }

  function above(url) {
    if (isAbove(history.state)) {
      history.replaceState(ABOVE, "", url);
    } else {
      history.pushState(ABOVE, "", url);
    }
  }

  window.addEventListener("popstate", function (event) {
    if (isAbove(event.state)) { return; } // Forward, back onto the entry above: nothing to do
    if (busy) { // an answer on its way: its page comes; Back again steps back from it
      history.pushState(ABOVE, "", location.href);
      return;
    }
    var back = document.querySelector("#waiting [data-back]");
    if (back && !back.disabled) { back.click(); } else { history.back(); }
  });

  // How long an answer may take before the page says the connection does not answer.
  var WAIT = 15000;

  // What is said while an answer is on its way, and if it gets no answer: in the page's
  // language, from <main>'s data-sending and data-stalled (words.py).
  function status(form, submitter) {
    var shown = document.getElementById("send-status");
    if (!shown) {
      shown = document.createElement("p");
      shown.id = "send-status";
      shown.className = "send-status";
      shown.setAttribute("role", "status");
    }
    // Where the eyes are: just below the button pressed, in a list of answers one above
    // the other (below the whole list, the last of eleven answers may be off the screen);
    // below its group when the group is a row (a scale, "back" and "skip"), not inside it.
    var group = submitter && submitter.parentElement;
    var row = group && group !== form && /flex|grid/.test(getComputedStyle(group).display);
    var after = row ? group : submitter;
    if (after) { after.insertAdjacentElement("afterend", shown); } else { form.appendChild(shown); }
    return shown;
  }

  // Said, and on the screen: scrolled to if it is not (as little as needed).
  function tell(shown, text) {
    shown.textContent = text;
    var box = shown.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) { shown.scrollIntoView({ block: "nearest" }); }
  }

  function words(key) {
    var main = document.getElementById("main");
    return (main && main.dataset[key]) || "";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    var submitter = event.submitter;
    if (form.hasAttribute("data-forget")) { forgetDrafts(); }
    // An answer typed and sent (not "back", not "skip"): its draft goes once it is taken.
    var typed = form.querySelector("[name=text]");
    sent = typed && !(submitter && submitter.name) ? draftKey(form) : null;
    var data = new FormData(form, submitter);
    var what = new URLSearchParams(data).toString();
    var delivery = form.querySelector("input[name=delivery]");
    if (delivery && unanswered && unanswered.form === form && unanswered.what !== what) {
      // Sent again otherwise (another button, the text edited) after no reply came: a new
      // input, with an id of its own. The same id would have the server take it for the
      // first, perhaps applied, and say nothing; a new one is told "no longer waiting".
      delivery.value = fresh();
      data.set("delivery", delivery.value);
      what = new URLSearchParams(data).toString();
    }
    unanswered = null;
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    // The button tapped stands out from the others, greyed, and the page says it is sending
    // (a moment later: on a good connection the next page comes first).
    if (submitter) { submitter.classList.add("sending"); }
    var shown = status(form, submitter);
    shown.classList.remove("stalled");
    shown.textContent = "";
    var saying = setTimeout(function () { tell(shown, words("sending")); }, 300);
    var done = false;
    var stop = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (stop) { stop.abort(); } failed(); }, WAIT);

    // No answer (offline, a connection that hangs): said in the page, the form as it was,
    // to be sent again. The same form, with its delivery id: an answer that did reach the
    // server is not taken twice (app.py).
    function failed() {
      if (done) { return; }
      done = true;
      unanswered = { form: form, what: what };
      clearTimeout(timer);
      clearTimeout(saying);
      busy = false;
      sent = null;
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
      if (submitter) { submitter.classList.remove("sending"); }
      shown.classList.add("stalled");
      tell(shown, words("stalled"));
      // The focus the disabled button lost, back on it (not taken from the text field).
      var at = document.activeElement;
      if (submitter && (!at || at === document.body)) { submitter.focus({ preventScroll: true }); }
    }

    // Not form.action: a button named "action" hides that property. The header asks for
    // the page itself, not the redirect a plain post gets (requests.py, SCRIPT_HEADER).
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new URLSearchParams(data),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      signal: stop ? stop.signal : undefined
    })
      .then(function (response) {
        return response.text().then(function (html) {
          return { html: html, url: response.url, taken: response.ok };
        });
      })
      .then(function (answer) {
        // The server answered, whatever it said (the next question, "wait a few seconds"):
        // that page is shown. Posting the form again would send the answer twice.
        if (done) { return; }
        done = true;
        clearTimeout(timer);
        clearTimeout(saying);
        busy = false;
        show(answer.html, answer.url, answer.taken);
      }, failed);
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.id === "resume-link") { event.target.select(); }
  });

  document.addEventListener("input", function (event) {
    var answer = event.target;
    if (answer.id !== "answer" || answer.name !== "text") { return; }
    var key = draftKey(answer.form);
    if (key) { store(key, answer.value); }
    count(answer);
  });

  // A double tap answers one question, not two: its second tap, or a second click of a
  // double click, would land on the button drawn at the same place on the next question,
  // not yet seen (the server cannot tell: that answer is valid). A press on a redrawn
  // screen is ignored when it began before, or less than READING ms after, the screen was
  // drawn: no one reads a question that fast. Only a finger's or a pen's press, or a
  // double click's second click (`detail` 2): a single mouse click is one press the
  // person meant, and Enter or Space (`detail` 0) acts on what has the focus, deliberately.
  document.addEventListener("pointerdown", function (event) {
    pressed = { at: event.timeStamp, type: event.pointerType || "" };
  }, true);

  document.addEventListener("click", function (event) {
    if (event.detail < 1 || !(event.target.closest && event.target.closest("#main"))) { return; }
    var recent = event.timeStamp - pressed.at < 1000;
    var type = event.pointerType || (recent ? pressed.type : "");
    var began = recent ? Math.min(pressed.at, event.timeStamp) : event.timeStamp;
    if ((type === "touch" || type === "pen" || event.detail > 1) && began - drawn < READING) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#copy-link");
    if (button) { copyLink(button); }
  });

  prepare();
})();

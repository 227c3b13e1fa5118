// A multiple choice's boxes and a ranking's lists offer only what "Valider" takes: an
// exclusive answer unticks the others (and they it), the boxes past the maximum are
// disabled, and an item chosen at a rank another has trades places with it. Each change
// the person did not make is said to a screen reader. Without this file, the server's
// refusals say the same after "Valider" (flows/values.py).
"use strict";

(function () {
  // Why: a box unticked or disabled, a list changed, by this file, is not where the person
  // is; a screen reader says it only if told (in the page's language: <main>'s data-*).
  function say(form, key, values) {
    var main = document.getElementById("main");
    var words = main && main.dataset[key];
    if (!words || !form) { return; }
    var said = form.querySelector(".choices-said");
    if (!said) {
      said = document.createElement("p");
      said.className = "choices-said visually-hidden";
      said.setAttribute("role", "status");
      form.appendChild(said);
    }
    var text = words.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
    said.textContent = "";
    setTimeout(function () { said.textContent = text; }, 50);  // said again if the same
  }

  function labelOf(box) {
    var label = box.closest("label");
    return label ? label.textContent.trim() : box.value;
  }

  // A multiple choice's boxes, in its fieldset (chat.html).
  function boxes(group) {
    return Array.prototype.slice.call(group.querySelectorAll("input[type=checkbox][name=codes]"));
  }

  // Why: an exclusive answer ("Aucune innovation") is refused beside another one
  // (flows/values.py), so ticking it unticks the others, and ticking another unticks it.
  function standAlone(ticked) {
    var alone = ticked.hasAttribute("data-exclusive");
    var unticked = boxes(ticked.closest("fieldset")).filter(function (box) {
      return box !== ticked && box.checked && (alone || box.hasAttribute("data-exclusive"));
    });
    unticked.forEach(function (box) { box.checked = false; });
    if (unticked.length) {
      say(ticked.form, "unticked", { labels: unticked.map(labelOf).join(", ") });
    }
  }

  // Why: more than `data-max` answers is refused, so at the maximum the boxes still unticked
  // are disabled, and enabled again at an untick. Never a ticked box (a disabled box is not
  // sent with the form), nor an exclusive one (ticked, it replaces the others).
  function capTicks(group, changed) {
    var most = parseInt(group.dataset.max || "", 10);
    var open = boxes(group).filter(function (box) { return !box.hasAttribute("data-exclusive"); });
    var ticked = open.filter(function (box) { return box.checked; }).length;
    var full = ticked >= most && open.some(function (box) { return !box.checked; });
    open.forEach(function (box) { box.disabled = ticked >= most && !box.checked; });
    // Said when the tick just made fills it (not on a page drawn full, nor at each untick).
    if (full && changed && changed.checked) { say(changed.form, "full", { max: most }); }
  }

  function rankLists(form) {
    return Array.prototype.slice.call(form.querySelectorAll("select[name=rank]"));
  }

  // What each list holds now, to know what a list held before its change.
  function remember(form) {
    rankLists(form).forEach(function (list) { list.dataset.was = list.value; });
  }

  function rankOf(list) {
    var label = list.closest("label");
    var span = label && label.querySelector("span");
    return span ? span.textContent.trim() : "";
  }

  function chosenLabel(list) {
    return list.selectedIndex >= 0 ? list.options[list.selectedIndex].text : "";
  }

  // Why: the same item at two ranks is refused ("sans doublon"). An item chosen at a rank
  // another list holds trades places with it: that list takes what this one held (or none),
  // so that two ranks are swapped in two moves, not three with one greyed out.
  function oneRankEach(changed) {
    var form = changed.form;
    var was = changed.dataset.was || "";
    rankLists(form).forEach(function (other) {
      if (other === changed || changed.value === "" || other.value !== changed.value) { return; }
      other.value = was;
      say(form, was ? "swapped" : "moved", {
        item: chosenLabel(changed), rank: rankOf(changed),
        other: chosenLabel(other), other_rank: rankOf(other),
      });
    });
    remember(form);
  }

  // Why: a page can come with answers already chosen (an earlier answer, Back, a reload
  // the browser fills in), so its boxes and lists are set as those choices require.
  function limitChoices() {
    document.querySelectorAll("#main fieldset[data-max]").forEach(function (group) {
      capTicks(group, null);
    });
    document.querySelectorAll("#main form").forEach(remember);
  }

  // Each box ticked and list chosen, on whichever page is drawn now (one listener for all).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("input[type=checkbox][name=codes]")) {
      if (target.checked) { standAlone(target); }
      var group = target.closest("fieldset[data-max]");
      if (group) { capTicks(group, target); }
    } else if (target.matches("select[name=rank]") && target.form) {
      oneRankEach(target);
    }
  });

  // A page the browser shows again from its cache, or fills in itself on a reload, after
  // this file ran: its choices set as they now stand.
  window.addEventListener("pageshow", limitChoices);
  // Each page chat.js draws in place (its `prepare`).
  document.addEventListener("surveybot:drawn", limitChoices);
  limitChoices();
})();
